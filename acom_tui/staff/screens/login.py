"""Staff login: staff ID and password.

The password is masked with ``*``, taken out of the field the moment it is submitted and
handed to the login call as a ``SecretStr``; nothing keeps it (no keyring, no config, no
log). After a logout both fields are empty: the next agent at a shared counter types their
own ID.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Input

from acom_tui.i18n import t
from acom_tui.staff.screens.base import StaffScreen
from acom_tui.widgets.banner import Banner, BannerVariant, StatusLine
from acom_tui.widgets.busy import busy
from acom_tui.widgets.field_row import FieldRow
from acom_tui.widgets.form_input import FormInput
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.plain_button import PlainButton
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from pydantic import SecretStr

__all__ = ["PasswordInput", "StaffLoginScreen"]

MAX_STAFF_ID = 32


class PasswordInput(FormInput):
    """A masked input drawn with ``*`` (Textual's U+2022 is East-Asian-ambiguous width)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(password=True, max_length=128, compact=True, id=id)

    @property
    def _value(self) -> Text:
        return Text("*" * len(self.value), no_wrap=True, overflow="ignore", end="")


class StaffLoginScreen(StaffScreen[None]):
    # login.tcss is read with the app's stylesheet (see StaffApp.CSS_PATH).
    AUTO_FOCUS = "#staff-id"
    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(self) -> None:
        super().__init__()
        self._status = StatusLine(
            self, "staff-login-status", parent="#staff-login-body", before="#staff-login-notice"
        )

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("staff.login.title"))
        if self.staff.is_demo:
            yield Banner(t("staff.login.demo_banner"), variant="demo", id="demo-banner")
        with VerticalScroll(id="staff-login-body"):
            yield Prose(t("staff.login.intro"), id="staff-login-intro")
            with Vertical(id="staff-login-form"):
                yield FieldRow(
                    t("staff.login.staff_id"),
                    FormInput(
                        max_length=MAX_STAFF_ID, compact=True, id="staff-id", enter_moves_on=True
                    ),
                )
                yield FieldRow(
                    t("staff.login.password"), PasswordInput(id="staff-password"), id="password-row"
                )
                yield PlainButton(
                    t("staff.login.submit"),
                    id="staff-login-submit",
                    variant="primary",
                    compact=True,
                )
            yield Prose(t("staff.login.audit_notice"), id="staff-login-notice")
        yield KeyBar()

    def on_mount(self) -> None:
        for field in self.query(Input):
            if self.app.animation_level == "none":
                field.cursor_blink = False

    # --- messages ---------------------------------------------------------------------

    def show_status(self, text: str, *, variant: BannerVariant = "error") -> None:
        self._status.show(text, variant)

    @property
    def status_text(self) -> str:
        return self._status.text

    def reset(self, reason: str | None) -> None:
        """Back from a session: both fields empty, and why we are here."""
        self.query_one("#staff-id", Input).value = ""
        self.query_one("#staff-password", PasswordInput).value = ""
        if reason:
            self.show_status(reason, variant="info")
        else:
            self._status.clear()
        self.query_one("#staff-id").focus()

    # --- events -----------------------------------------------------------------------

    @on(Input.Submitted, "#staff-password")
    @on(Button.Pressed, "#staff-login-submit")
    def _submit(self) -> None:
        self.submit()

    def submit(self) -> None:
        """Check the fields, empty the password at once, log in in a worker."""
        id_input = self.query_one("#staff-id", Input)
        password_input = self.query_one("#staff-password", PasswordInput)
        staff_id = id_input.value.strip()
        if not staff_id:
            self.show_status(t("staff.login.staff_id_empty"))
            id_input.focus()
            return
        if not password_input.value:
            self.show_status(t("staff.login.password_empty"))
            password_input.focus()
            return
        # pydantic is not needed to draw the login screen (issue 16: start-up under load);
        # by the time a password is submitted the backend has imported it.
        from pydantic import SecretStr

        password = SecretStr(password_input.value)
        password_input.value = ""
        self._status.clear()
        self._login(staff_id, password)

    @work(exclusive=True, group="staff-login")
    async def _login(self, staff_id: str, password: SecretStr) -> None:
        try:
            with busy(self.query_one("#staff-login-form"), after=0):
                await self.staff.login(staff_id, password)
        except Exception as error:
            self.staff.report_error(error, inline=self.show_status)
            self.query_one("#staff-password").focus()
            return
        await self.staff.open_console()
