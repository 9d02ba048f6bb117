"""The one-time PIN, shown once.

The PIN is on screen only while this dialog is open, with the warning to read it to the
member only after the identity check. Closing it (Enter, Esc, or the session ending
under it) empties the widget and drops the dialog's reference to the PIN; the screen
that opened it keeps only the expiry. The PIN is never logged, never put in a
notification and never written to any other screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from pydantic import SecretStr
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from acom_tui.formatting import format_datetime
from acom_tui.i18n import get_language, t
from acom_tui.staff.screens.base import StaffModal
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.plain_button import PlainButton

if TYPE_CHECKING:
    from acom_contract.schemas import OneTimePin

__all__ = ["OneTimePinDialog", "spaced"]


def spaced(pin: str) -> str:
    """``5 0 3 7``: read out digit by digit, and not mistaken for a year or an amount."""
    return " ".join(pin)


class OneTimePinDialog(StaffModal[None]):
    CSS_PATH = "pin.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "staff.keys.close", id="staff.pin.close"),
    ]

    def __init__(self, one_time_pin: OneTimePin, member_name: str) -> None:
        super().__init__()
        self._pin: SecretStr | None = one_time_pin.one_time_pin
        self._member_number = one_time_pin.member_number
        self._member_name = member_name
        self.expires_at = one_time_pin.expires_at

    @property
    def showing(self) -> bool:
        """Whether the PIN is still held (False once the dialog was closed)."""
        return self._pin is not None

    def compose(self) -> ComposeResult:
        pin = self._pin.get_secret_value() if self._pin is not None else ""
        with Vertical(id="pin-dialog", classes="dialog"):
            yield Label(t("staff.pin.title"), classes="dialog-title", markup=False)
            yield Label(
                t("staff.dialog.member", number=self._member_number, name=self._member_name),
                id="pin-member",
                markup=False,
            )
            yield Banner(t("staff.pin.warning"), variant="warning", id="pin-warning")
            with Horizontal(id="pin-row"):
                yield Label(t("staff.pin.label"), id="pin-label", markup=False)
                yield Static(spaced(pin), id="pin-value", markup=False)
            yield Label(
                t(
                    "staff.pin.expires",
                    when=format_datetime(self.expires_at, get_language()),
                ),
                id="pin-expires",
                markup=False,
            )
            with Horizontal(classes="actions"):
                yield PlainButton(
                    t("staff.pin.close"), id="pin-close", variant="primary", compact=True
                )
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#pin-close").focus()

    @on(Button.Pressed, "#pin-close")
    def _close_pressed(self) -> None:
        self.action_close()

    def action_close(self) -> None:
        self._forget()
        self.dismiss(None)

    def on_unmount(self) -> None:
        # Also when the idle logout pops every screen without pressing anything.
        self._forget()

    def _forget(self) -> None:
        self._pin = None
        for value in self.query("#pin-value").results(Static):
            value.update("")
