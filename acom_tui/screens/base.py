"""What every screen shares: translated key bindings and a typed handle on the app.

Binding descriptions (and tooltips) are written in ``BINDINGS`` as catalogue keys
(``"keys.help"``):
class bodies run at import, before the language is known, and one test process runs the
app in both languages. Each screen replaces them with the current language's text when it
is created. Textual keeps a screen's bindings in ``_bindings`` (a per-instance copy); we
rewrite that copy, which the pinned Textual version (8.2.x) reads everywhere.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen

from acom_tui.i18n import catalogue, get_language, t
from acom_tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from acom_tui.app import AcomApp

__all__ = ["AcomModal", "AcomScreen", "localize_bindings"]

ResultT = TypeVar("ResultT")


def _text(value: str) -> str:
    # Textual's own bindings (focus next, ...) carry English text, not our keys.
    return t(value) if value in catalogue(get_language()) else value


def _localized(binding: Binding) -> Binding:
    return dataclasses.replace(
        binding, description=_text(binding.description), tooltip=_text(binding.tooltip)
    )


def localize_bindings(node: DOMNode) -> None:
    """Replace catalogue keys in ``node``'s binding descriptions with translated text."""
    node._bindings = BindingsMap.from_keys(
        {
            key: [_localized(binding) for binding in bindings]
            for key, bindings in node._bindings.key_to_bindings.items()
        }
    )


def tick_countdowns(screen: Screen[Any]) -> None:
    from acom_tui.widgets.countdown import Countdown

    for countdown in screen.query(Countdown):
        countdown.tick()


class AcomScreen(Screen[ResultT]):
    """A full screen of the app."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        localize_bindings(self)

    @property
    def acom(self) -> AcomApp:
        return cast("AcomApp", self.app)

    def heartbeat(self) -> None:
        """Called by the app once a second while this screen is on top."""
        tick_countdowns(self)

    def title_bar(self, where: str) -> TitleBar:
        badge = t("app.demo_badge") if self.acom.is_demo else ""
        return TitleBar(t("app.title"), where, badge=badge)


class AcomModal(ModalScreen[ResultT]):
    """A dialog over the current screen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        localize_bindings(self)

    @property
    def acom(self) -> AcomApp:
        return cast("AcomApp", self.app)

    def heartbeat(self) -> None:
        tick_countdowns(self)
