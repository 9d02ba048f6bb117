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
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label

from acom_tui.i18n import t
from acom_tui.normalize import InputError
from acom_tui.screens.base import AcomScreen, busy
from acom_tui.widgets.banner import Banner, BannerVariant
from acom_tui.widgets.checkbox import PlainCheckbox
from acom_tui.widgets.digits_input import MemberNumberInput, PinInput
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from acom_tui.credentials import KeyringResult

__all__ = ["HELP_LINKS", "LoginScreen"]

MessageKind = Literal["hint", "note", "error"]

# (button id suffix, catalogue key of its label, help topic or None for the simulator)
HELP_LINKS: tuple[tuple[str, str, str | None], ...] = (
    ("forgot_pin", "login.link.forgot_pin", "forgot_pin"),
    ("lost_card", "login.link.lost_card", "lost_card"),
    ("cannot_login", "login.link.cannot_login", "cannot_login"),
    ("maintenance", "login.link.maintenance", "maintenance"),
    ("simulator", "login.link.simulator", None),
)


class LoginScreen(AcomScreen[None]):
    CSS_PATH = "login.tcss"
    AUTO_FOCUS = "#member-number"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f4", "app.simulator", "keys.simulator", id="login.simulator"),
        Binding(
            "f5", "app.help('forgot_pin')", "keys.forgot_pin", id="login.forgot_pin", show=False
        ),
        Binding("f6", "app.help('lost_card')", "keys.lost_card", id="login.lost_card", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._logging_in = False

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("login.title"))
        if self.acom.is_demo:
            yield Banner(t("app.demo_banner"), variant="demo", id="demo-banner")
        with VerticalScroll(id="login-body"):
            yield Label(t("login.intro"), id="login-intro", markup=False)
            with Vertical(id="login-form"):
                with Horizontal(classes="field-row"):
                    yield Label(t("login.member_number.label"), classes="field-label")
                    yield MemberNumberInput(id="member-number")
                yield Prose(
                    t("login.member_number.hint"),
                    id="member-number-message",
                    classes="field-message",
                )
                with Horizontal(classes="field-row", id="pin-row"):
                    yield Label(t("login.pin.label"), classes="field-label")
                    yield PinInput(id="pin")
                yield Prose(t("login.pin.hint"), id="pin-message", classes="field-message")
                remember = bool(self.acom.settings and self.acom.settings.remember_member_number)
                yield PlainCheckbox(t("login.remember.label"), remember, id="remember")
                yield Prose("", id="remember-note", classes="-hidden")
                yield Button(t("login.submit"), id="login-submit", variant="primary", compact=True)
            yield Banner("", variant="error", id="login-status")
            yield Banner(t("login.fraud_warning"), variant="warning", id="fraud-warning")
            yield Label(t("login.links.title"), id="links-title", markup=False)
            with Horizontal(classes="links"):
                for suffix, key, _topic in HELP_LINKS[:3]:
                    yield Button(t(key), id=f"link-{suffix}", compact=True, classes="link")
            with Horizontal(classes="links"):
                for suffix, key, _topic in HELP_LINKS[3:]:
                    yield Button(t(key), id=f"link-{suffix}", compact=True, classes="link")
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
        self.query_one("#login-status", Banner).show(text, variant)

    @property
    def status_text(self) -> str:
        return self.query_one("#login-status", Banner).text

    def reset(self, reason: str | None) -> None:
        """Back from a session: nothing of it stays on screen; say why we are here."""
        number = self.query_one("#member-number", MemberNumberInput)
        number.value = self.acom.remembered_member_number or ""
        self.query_one("#pin", PinInput).clear_pin()
        self._reset_field_messages()
        if reason:
            self.show_status(reason, variant="info")
        else:
            self.query_one("#login-status", Banner).clear()
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
        note = self.query_one("#remember-note", Prose)
        note.update(t("login.remember.unavailable"))
        note.remove_class("-hidden")
        box = self.query_one("#remember", PlainCheckbox)
        box.value = False

    # --- events -----------------------------------------------------------------------

    @on(Input.Submitted, "#member-number")
    def _next_field(self) -> None:
        self.query_one("#pin").focus()

    @on(Input.Submitted, "#pin")
    @on(Button.Pressed, "#login-submit")
    def _submit(self) -> None:
        self.submit()

    @on(Button.Pressed, ".link")
    def _open_link(self, event: Button.Pressed) -> None:
        suffix = (event.button.id or "").removeprefix("link-")
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
        self.query_one("#login-status", Banner).clear()
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
                    await self.acom.login(member_number, pin)
                except Exception as error:
                    self.acom.report_error(error, inline=self.show_status)
                    self.query_one("#pin").focus()
                    return
                self.acom.save_remember_choice(member_number, remember)
                await self.acom.open_dashboard()
        finally:
            self._logging_in = False
