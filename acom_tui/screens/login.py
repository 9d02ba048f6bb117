"""The login screen: member number, PIN, remember-me, the fraud warning, and help.

Input is checked here before any request (8 and 4 digits, after converting full-width
digits and separators), so a typo never costs one of the three PIN attempts. The PIN field
is emptied as soon as it is submitted; the PIN lives only in the login call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from acom_tui.i18n import get_language, t
from acom_tui.screens.base import AcomScreen
from acom_tui.widgets.banner import Banner, BannerVariant, StatusLine
from acom_tui.widgets.busy import busy
from acom_tui.widgets.checkbox import PlainCheckbox
from acom_tui.widgets.digits_input import MemberNumberInput, PinInput
from acom_tui.widgets.field_row import FieldRow
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.link_list import Link, LinkList
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from acom_tui.credentials import KeyringResult

__all__ = ["HELP_LINKS", "LoginScreen"]

MessageKind = Literal["hint", "note", "error"]

# (link id, catalogue key of its label, help topic or None for the simulator)
HELP_LINKS: tuple[tuple[str, str, str | None], ...] = (
    ("forgot_pin", "login.link.forgot_pin", "forgot_pin"),
    ("lost_card", "login.link.lost_card", "lost_card"),
    ("cannot_login", "login.link.cannot_login", "cannot_login"),
    ("maintenance", "login.link.maintenance", "maintenance"),
    ("simulator", "login.link.simulator", None),
)


class LoginScreen(AcomScreen[None]):
    # login.tcss is read with the app's stylesheet (see AcomApp.CSS_PATH).
    AUTO_FOCUS = "#member-number"
    BINDINGS: ClassVar[list[BindingType]] = [
        # F4 opens the linked screen on every screen. The forgotten PIN and the lost card
        # are help topics: F1, or the links under the form (F5 is refresh everywhere).
        Binding("f4", "app.simulator", "keys.simulator", id="login.simulator"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._logging_in = False
        self._status = StatusLine(
            self, "login-status", parent="#login-body", before="#fraud-warning"
        )

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("login.title"))
        if self.acom.is_demo:
            yield Banner(t("app.demo_banner"), variant="demo", id="demo-banner")
        with VerticalScroll(id="login-body"):
            yield Static(t("login.intro"), id="login-intro", markup=False)
            with Vertical(id="login-form"):
                yield FieldRow(
                    t("login.member_number.label"),
                    MemberNumberInput(id="member-number", enter_moves_on=True),
                )
                yield Prose(
                    t("login.member_number.hint"),
                    id="member-number-message",
                    classes="field-message",
                )
                yield FieldRow(t("login.pin.label"), PinInput(id="pin"), id="pin-row")
                yield Prose(t("login.pin.hint"), id="pin-message", classes="field-message")
                remember = self.acom.start_settings.remember_member_number
                yield PlainCheckbox(t("login.remember.label"), remember, id="remember")
                yield LinkList([Link("submit", t("login.submit"))], id="login-submit")
            yield Banner(t("login.fraud_warning"), variant="warning", id="fraud-warning")
            yield LinkList(
                [Link(suffix, t(key)) for suffix, key, _topic in HELP_LINKS],
                title=t("login.links.title"),
                id="help-links",
            )
        yield KeyBar()

    # --- messages on the screen -------------------------------------------------------

    def _field_message(self, which: str, text: str, kind: MessageKind = "hint") -> None:
        label = self.query_one(f"#{which}-message", Prose)
        label.update(text)
        label.set_class(kind == "error", "-error")
        label.set_class(kind == "note", "-note")

    def _reset_field_messages(self) -> None:
        self._field_message("member-number", t("login.member_number.hint"))
        self._field_message("pin", t("login.pin.hint"))

    def show_status(self, text: str, *, variant: BannerVariant = "error") -> None:
        self._status.show(text, variant)

    @property
    def status_text(self) -> str:
        return self._status.text

    def _warn_last_attempt(self, error: Exception) -> None:
        """One wrong PIN from the lock: say so plainly, and point to the forgot-PIN help."""
        from acom_tui.api.errors import InvalidCredentials

        if isinstance(error, InvalidCredentials) and error.remaining_attempts == 1:
            self.show_status(t("login.last_attempt"), variant="error")

    def reset(self, reason: str | None) -> None:
        """Back from a session: nothing of it stays on screen; say why we are here."""
        number = self.query_one("#member-number", MemberNumberInput)
        number.value = self.acom.remembered_member_number or ""
        self.query_one("#pin", PinInput).clear_pin()
        self._reset_field_messages()
        if reason:
            self.show_status(reason, variant="info")
        else:
            self._status.clear()
        self.query_one("#pin" if number.value else "#member-number").focus()

    def remembered(self, result: KeyringResult) -> None:
        """The keyring answered (after first paint): fill in the number, or say why not."""
        if result.member_number:
            self.acom.remembered_member_number = result.member_number
            number = self.query_one("#member-number", MemberNumberInput)
            if not number.value:
                number.value = result.member_number
                self.query_one("#pin").focus()
        if result.problem is not None and result.report:
            self._keyring_unavailable()

    def _keyring_unavailable(self) -> None:
        note = next(iter(self.query("#remember-note").results(Prose)), None)
        if note is None:
            # Made when first needed: most members never see it (nor the first paint).
            note = Prose("", id="remember-note", classes="-hidden")
            self.query_one("#login-form").mount(note, after="#remember")
        note.update(t("login.remember.unavailable"))
        note.remove_class("-hidden")
        box = self.query_one("#remember", PlainCheckbox)
        box.value = False

    # --- events -----------------------------------------------------------------------

    @on(Input.Submitted, "#pin")
    @on(LinkList.Selected, "#login-submit")
    def _submit(self) -> None:
        self.submit()

    @on(LinkList.Selected, "#help-links")
    def _open_link(self, event: LinkList.Selected) -> None:
        suffix = event.link.id
        topic = next((topic for s, _key, topic in HELP_LINKS if s == suffix), None)
        if suffix == "simulator":
            self.acom.action_simulator()
        elif topic is not None:
            self.acom.action_help(topic)

    @on(PlainCheckbox.Changed, "#remember")
    def _remember_changed(self, event: PlainCheckbox.Changed) -> None:
        if event.value:
            self._probe_keyring()

    @work(thread=True, group="keyring", exit_on_error=False)
    def _probe_keyring(self) -> None:
        # Ticking the box is when the member wants to know whether it can work here.
        result = self.acom.credentials.load()
        if result.problem is not None:
            self.app.call_from_thread(self._keyring_unavailable)

    def submit(self) -> None:
        """Check the input, then log in in a worker; the PIN field is emptied at once."""
        if self._logging_in:
            return  # a second Enter while the first login is on its way
        number_input = self.query_one("#member-number", MemberNumberInput)
        pin_input = self.query_one("#pin", PinInput)
        self._reset_field_messages()
        self._status.clear()
        from acom_tui.normalize import InputError  # loaded with the parsers, at the first submit

        try:
            number = number_input.parse()
        except InputError as error:
            self._field_message("member-number", t(error.message_key, **error.params), "error")
            number_input.focus()
            return
        try:
            pin = pin_input.parse()
        except InputError as error:
            self._field_message("pin", t(error.message_key, **error.params), "error")
            pin_input.clear_pin()
            pin_input.focus()
            return
        if number.changed:
            number_input.value = number.value
        if number.changed or pin.changed:
            self._field_message("member-number", t("login.normalized_notice"), "note")
            self.notify(t("login.normalized_notice"), timeout=6)
        pin_input.clear_pin()
        remember = self.query_one("#remember", PlainCheckbox).value
        self._login(number.value, pin.value, remember)

    @work(exclusive=True, group="login")
    async def _login(self, member_number: str, pin: str, remember: bool) -> None:
        self._logging_in = True
        try:
            with busy(self.query_one("#login-form")):
                try:
                    # What the server writes for this member (notices, reasons) comes in
                    # the language of the screens.
                    (await self.acom.wait_backend()).client.language = get_language()
                    await self.acom.login(member_number, pin)
                except Exception as error:
                    self.acom.report_error(error, inline=self.show_status)
                    self._warn_last_attempt(error)
                    self.query_one("#pin").focus()
                    return
                self.acom.save_remember_choice(member_number, remember)
                await self.acom.open_dashboard()
        finally:
            self._logging_in = False
