"""What every screen shares: its title bar, its data fetched before it is shown, the
delayed busy indicator and a typed handle on the app (keys: ``acom_tui.keys``; dialogs:
``acom_tui.dialogs.base``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.app import App
from textual.screen import Screen
from textual.widget import Widget

from acom_tui.i18n import t
from acom_tui.widgets.busy import BUSY_INDICATOR_AFTER_S, busy
from acom_tui.widgets.heartbeat import OnTheBeat
from acom_tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from acom_tui.app import AcomApp

__all__ = ["AcomScreen", "preload_screen_css"]

SCREEN_CSS_DIR = Path(__file__).parent

ResultT = TypeVar("ResultT")


def preload_screen_css(app: App[Any]) -> None:
    """Read every screen's stylesheet (``screens/*.tcss``) into the app's, in one parse.

    Textual reads a screen's ``CSS_PATH`` when the screen is first pushed and then parses
    the whole stylesheet again, every widget's default CSS included: about 45 ms on the
    first push of the dashboard and again on the statements screen (the reparse also drops
    the cache of parsed sources, so the next new widget class parses everything again).
    Done once while the login screen waits for the member, the screens open without it.
    The paths are resolved as Textual resolves ``CSS_PATH``, so its own check finds them
    already read.
    """
    stylesheet = app.stylesheet
    added = False
    for path in sorted(SCREEN_CSS_DIR.glob("*.tcss")):
        resolved = path.resolve()
        if not stylesheet.has_source(str(resolved), ""):
            stylesheet.read(resolved)
            added = True
    if added:
        # `parse`, not Textual's `reparse`: it keeps the stylesheet's cache of parsed
        # sources, so the next widget class to add its default CSS does not parse every
        # file again (about 25 ms at the dashboard's first layout).
        stylesheet.parse()
        stylesheet.update(app)


class AcomScreen(OnTheBeat, Screen[ResultT]):
    """A full screen of the app.

    A screen that shows data from the server can fetch it before it is pushed: it
    overrides :meth:`fetch_first`, and :meth:`AcomApp.open_screen` starts that fetch and
    waits a moment for it, so the screen appears with its data in one layout instead of
    empty, then filled. A slow answer does not hold the screen back: after the wait it is
    pushed anyway and takes the unfinished fetch with :meth:`take_first`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._first: asyncio.Task[Any] | None = None

    async def fetch_first(self) -> Any:
        """What the screen shows first, with failures returned, not raised."""
        raise NotImplementedError

    async def prefetch(self, wait: float) -> None:
        """Start :meth:`fetch_first` (if the screen has one); wait up to ``wait`` seconds."""
        if type(self).fetch_first is AcomScreen.fetch_first:
            return
        self._first = asyncio.create_task(self.fetch_first())
        await asyncio.wait({self._first}, timeout=wait)

    def take_first(self) -> asyncio.Task[Any] | None:
        """The fetch started by :meth:`prefetch` (done or not), once; None without one."""
        first, self._first = self._first, None
        return first

    def show_first(
        self,
        show: Callable[[Any], object],
        *,
        busy_on: Widget,
        busy_after: float = BUSY_INDICATOR_AFTER_S,
    ) -> None:
        """Show what the screen shows first: at once if it was fetched before the push (call
        this in ``on_mount``: it lands before the first layout), else when it comes, with
        ``busy_on`` showing a loading indicator if that takes longer than ``busy_after``
        (a form passes 0: its fields must not take typing that the answer would overwrite).
        Called again (a reload), it fetches afresh."""
        first = self.take_first()
        if first is not None and first.done():
            show(first.result())
        else:
            if busy_after <= 0:
                busy_on.loading = True  # now, not when the worker starts
            self.run_worker(
                self._show_when_fetched(first, show, busy_on, busy_after),
                group="first-fetch",
                exclusive=True,
            )

    async def _show_when_fetched(
        self,
        first: asyncio.Task[Any] | None,
        show: Callable[[Any], object],
        busy_on: Widget,
        busy_after: float,
    ) -> None:
        with busy(busy_on, busy_after):
            data = await (first if first is not None else self.fetch_first())
        if self.is_attached:  # else the session ended or the member left meanwhile
            show(data)

    @property
    def acom(self) -> AcomApp:
        return cast("AcomApp", self.app)

    def title_bar(self, where: str) -> TitleBar:
        badge = t("app.demo_badge") if self.acom.is_demo else ""
        return TitleBar(t("app.title"), where, badge=badge)
