"""The idle warning: a countdown to the server's idle logout, and a way to stay."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from acom_tui.dialogs.base import AcomModal
from acom_tui.i18n import t
from acom_tui.widgets.busy import busy
from acom_tui.widgets.countdown import Countdown
from acom_tui.widgets.plain_button import PlainButton
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from acom_tui.session import Session

__all__ = ["IdleWarningScreen"]


class IdleWarningScreen(AcomModal[None]):
    """Over any screen when the session nears its idle logout (SPEC 2.2)."""

    DEFAULT_CSS = """
    IdleWarningScreen { align: center middle; }
    IdleWarningScreen #idle-dialog {
        width: 64;
        height: auto;
        padding: 1 2;
        background: $panel;
        border: ascii $warning;
    }
    IdleWarningScreen #idle-title { text-style: bold; margin-bottom: 1; }
    IdleWarningScreen #idle-body { margin-bottom: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stay", "keys.stay", id="idle.stay"),
        Binding("f9", "app.logout", "keys.logout", id="idle.logout"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with Vertical(id="idle-dialog"):
            yield Label(t("idle.title"), id="idle-title", markup=False)
            yield Prose(t("idle.body"), id="idle-body")
            yield Countdown(
                self.session.expires_at,
                now=self.session.clock.now,
                template="idle.countdown",
                id="idle-countdown",
            )
            with Horizontal(classes="actions"):
                yield PlainButton(t("idle.stay"), id="idle-stay", variant="primary", compact=True)
                yield PlainButton(t("idle.logout"), id="idle-logout", compact=True)

    def on_mount(self) -> None:
        self.query_one("#idle-stay").focus()

    def action_stay(self) -> None:
        self.stay()

    @on(Button.Pressed, "#idle-stay")
    def _stay_pressed(self) -> None:
        self.stay()

    @on(Button.Pressed, "#idle-logout")
    async def _logout(self) -> None:
        await self.acom.action_logout()

    @work(exclusive=True, group="idle-stay")
    async def stay(self) -> None:
        """Renew the session with a cheap authenticated request, then close the dialog."""
        try:
            with busy(self.query_one("#idle-dialog"), after=0):
                await self.session.renew()
        except Exception as error:
            self.acom.report_error(error)
            return
        self.dismiss()
