"""The staff idle warning: a countdown to the server's idle logout, and a way to stay."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from acom_tui.i18n import t
from acom_tui.staff.screens.base import StaffModal
from acom_tui.widgets.busy import busy
from acom_tui.widgets.countdown import Countdown
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.plain_button import PlainButton
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from acom_tui.staff.session import StaffSession

__all__ = ["StaffIdleScreen"]


class StaffIdleScreen(StaffModal[None]):
    CSS_PATH = "idle.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stay", "keys.stay", id="staff.idle.stay"),
        Binding("f9", "app.logout", "keys.logout", id="staff.idle.logout"),
    ]

    def __init__(self, session: StaffSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with Vertical(id="staff-idle-dialog", classes="dialog"):
            yield Label(t("idle.title"), classes="dialog-title", markup=False)
            yield Prose(
                t("staff.idle.body", minutes=self.session.idle_minutes), id="staff-idle-body"
            )
            yield Countdown(
                self.session.expires_at,
                now=self.session.clock.now,
                template="idle.countdown",
                id="staff-idle-countdown",
            )
            with Horizontal(classes="actions"):
                yield PlainButton(
                    t("idle.stay"), id="staff-idle-stay", variant="primary", compact=True
                )
                yield PlainButton(t("idle.logout"), id="staff-idle-logout", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#staff-idle-stay").focus()

    def action_stay(self) -> None:
        self.stay()

    @on(Button.Pressed, "#staff-idle-stay")
    def _stay_pressed(self) -> None:
        self.stay()

    @on(Button.Pressed, "#staff-idle-logout")
    async def _logout(self) -> None:
        await self.staff.action_logout()

    @work(exclusive=True, group="staff-idle-stay")
    async def stay(self) -> None:
        """Renew the session with a request that writes no audit row, then close."""
        try:
            with busy(self.query_one("#staff-idle-dialog"), after=0):
                await self.session.renew()
        except Exception as error:
            self.staff.report_error(error)
            return
        self.dismiss()
