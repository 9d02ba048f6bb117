"""E-mail service settings: the address and which mail to receive (SPEC 2.12).

The server sends mail to the *registered* e-mail address, and changing that address needs
the current PIN (SPEC 2.2). So the address is checked here first (``parse_email``, the
error beside the field, before any request); when it differs from the registered one the
member confirms with the PIN in the same step-up prompt as registered information (a wrong
PIN is answered there, with the attempts left), the profile is changed
(``PATCH /v1/me/profile``) and only then the toggles are saved. If the second step fails
the address change stands and saving again sends only the toggles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Final, Literal

from pydantic import SecretStr
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label

from acom_tui.dialogs.confirm import ConfirmDialog
from acom_tui.i18n import t
from acom_tui.normalize import InputError, parse_email
from acom_tui.screens.base import AcomScreen
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.busy import busy
from acom_tui.widgets.checkbox import PlainCheckbox
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.plain_button import PlainButton
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from acom_contract.schemas import NotificationSettings, Profile
    from acom_tui.api.client import Client

__all__ = ["TOGGLES", "NotificationSettingsScreen"]

Toggle = Literal["due_reminders", "overdue_notices", "card_renewal", "campaigns"]
TOGGLES: Final[tuple[Toggle, ...]] = (
    "due_reminders",
    "overdue_notices",
    "card_renewal",
    "campaigns",
)


class NotificationSettingsScreen(AcomScreen[None]):
    CSS_PATH = "notices.tcss"
    AUTO_FOCUS = "#settings-email"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f8", "save", "notices.keys.save", id="notification_settings.save"),
        Binding("escape", "back", "keys.back", id="notification_settings.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.saved: NotificationSettings | None = None
        self._leave_warned = False

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("notices.settings.title"))
        with VerticalScroll(id="settings-body"):
            with Horizontal(classes="settings-row"):
                yield Label(t("notices.settings.email"), classes="settings-label", markup=False)
                yield Input(id="settings-email", compact=True, max_length=254)
            yield Prose(
                t("notices.settings.email_hint"), id="settings-email-message", classes="muted"
            )
            yield Label(t("notices.settings.kinds"), classes="heading", markup=False)
            with Vertical(id="settings-toggles"):
                for name in TOGGLES:
                    yield PlainCheckbox(t(f"notices.settings.{name}"), id=f"toggle-{name}")
            yield Prose(t("notices.settings.campaign_note"), id="settings-note", classes="muted")
            yield Banner("", variant="warning", id="settings-warning")
            yield Banner("", variant="success", id="settings-status")
            with Horizontal(classes="actions"):
                yield PlainButton(
                    t("notices.settings.save"), id="settings-save", variant="primary", compact=True
                )
        yield KeyBar()

    def on_mount(self) -> None:
        if self.app.animation_level == "none":
            self.query_one("#settings-email", Input).cursor_blink = False
        self.load()

    @property
    def client(self) -> Client | None:
        session = self.acom.session
        return session.backend.client if session is not None else None

    # --- the form -----------------------------------------------------------------------

    def load(self) -> None:
        """The e-mail settings: fetched before the push, else now."""
        self.show_first(self._loaded, busy_on=self.query_one("#settings-body"), busy_after=0)

    async def fetch_first(self) -> NotificationSettings | Exception | None:
        client = self.client
        if client is None:
            return None
        try:
            return await client.notification_settings()
        except Exception as error:
            return error

    def _loaded(self, settings: NotificationSettings | Exception | None) -> None:
        if settings is None:
            return
        # Leaving `loading` does not republish the bindings: the key bar would miss Enter.
        self.refresh_bindings()
        if isinstance(settings, Exception):
            self.acom.report_error(settings, inline=self._status_error)
            return
        self._fill(settings)

    def _fill(self, settings: NotificationSettings) -> None:
        self.saved = settings
        self.query_one("#settings-email", Input).value = settings.email or ""
        for name in TOGGLES:
            self.query_one(f"#toggle-{name}", PlainCheckbox).value = getattr(settings, name)
        self._leave_warned = False
        self._update_warning()

    def _toggles(self) -> dict[Toggle, bool]:
        return {name: self.query_one(f"#toggle-{name}", PlainCheckbox).value for name in TOGGLES}

    def _dirty(self) -> bool:
        saved = self.saved
        if saved is None:
            return False
        typed = self.query_one("#settings-email", Input).value.strip()
        changed = any(getattr(saved, name) != value for name, value in self._toggles().items())
        return changed or typed != (saved.email or "")

    @on(PlainCheckbox.Changed)
    def _toggled(self) -> None:
        self._update_warning()
        self._leave_warned = False

    def _update_warning(self) -> None:
        warning = self.query_one("#settings-warning", Banner)
        if self.query_one("#toggle-due_reminders", PlainCheckbox).value:
            warning.clear()
        else:
            warning.show(t("notices.settings.reminders_off"))

    def _field_message(self, text: str, *, error: bool) -> None:
        message = self.query_one("#settings-email-message", Prose)
        message.update(text)
        message.set_class(error, "-error")
        message.set_class(not error, "muted")

    def _status_error(self, text: str) -> None:
        self.query_one("#settings-status", Banner).show(text, "error")

    # --- saving -------------------------------------------------------------------------

    @on(Input.Submitted, "#settings-email")
    @on(Button.Pressed, "#settings-save")
    def _save_requested(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        saved = self.saved
        if saved is None:
            return
        from acom_contract.schemas import NotificationSettings

        field = self.query_one("#settings-email", Input)
        toggles = self._toggles()
        email: str | None
        try:
            email = self._read_email(field, saved.email, any(toggles.values()))
        except InputError as error:
            self._field_message(t(error.message_key, **error.params), error=True)
            self.query_one("#settings-status", Banner).clear()
            field.focus()
            return
        wanted = NotificationSettings(email=email, **toggles)
        if wanted == saved:
            self.query_one("#settings-status", Banner).show(
                t("notices.settings.unchanged"), "success"
            )
            return
        stopped = [name for name in TOGGLES if getattr(saved, name) and not toggles[name]]
        if stopped:
            self._ask_before_stopping(stopped, wanted)
            return
        self._send(wanted)

    def _ask_before_stopping(self, stopped: list[Toggle], wanted: NotificationSettings) -> None:
        """Mail the member would stop getting is named, and kept unless they choose."""
        lines = [t("notices.settings.confirm_stop.what")]
        lines += [
            t("notices.settings.confirm_stop.item", name=t(f"notices.settings.{name}"))
            for name in stopped
        ]
        if "due_reminders" in stopped:
            lines.append(t("notices.settings.reminders_off"))

        def chosen(stop: bool | None) -> None:
            status = self.query_one("#settings-status", Banner)
            if stop:
                self._send(wanted)
            else:
                status.show(t("notices.settings.not_saved"), "info")

        dialog = ConfirmDialog(
            title=t("notices.settings.confirm_stop.title"),
            lines=lines,
            keep_label=t("notices.settings.confirm_stop.keep"),
            change_label=t("notices.settings.confirm_stop.stop"),
        )
        self.app.push_screen(dialog, chosen)

    def _send(self, wanted: NotificationSettings) -> None:
        saved = self.saved
        if saved is not None and wanted.email is not None and wanted.email != saved.email:
            self._change_email_then_save(wanted)
            return
        self.save(wanted)

    def _change_email_then_save(self, wanted: NotificationSettings) -> None:
        """The PIN prompt changes the registered address; the toggles follow once it has."""
        from acom_tui.dialogs.step_up import StepUpOutcome, StepUpPrompt

        client = self.client
        email = wanted.email
        if client is None or email is None:
            return

        async def change(pin: SecretStr) -> Profile:
            from acom_contract.schemas import ProfileUpdate

            return await client.update_profile(ProfileUpdate(email=email), current_pin=pin)

        def done(outcome: StepUpOutcome[Profile] | None) -> None:
            status = self.query_one("#settings-status", Banner)
            if outcome is None or outcome.cancelled:
                status.show(t("notices.settings.not_saved"), "info")
            elif outcome.error is not None:
                self.acom.report_error(outcome.error, inline=self._status_error)
            elif self.saved is not None:
                # Saving again after a failure of the next step must not ask for the PIN.
                self.saved = self.saved.model_copy(update={"email": email})
                self.save(wanted, email_changed=True)

        prompt: StepUpPrompt[Profile] = StepUpPrompt(
            title=t("notices.settings.pin_title"),
            changes=[t("notices.settings.change_email", email=email)],
            action=change,
        )
        self.app.push_screen(prompt, done)

    def _read_email(self, field: Input, registered: str | None, any_on: bool) -> str | None:
        """The address to save, or ``InputError``; empty is fine only with nothing to send."""
        text = field.value
        if not text.strip():
            if registered is None and not any_on:
                return None
            key = "input.email.empty" if registered is not None else "notices.settings.need_email"
            raise InputError("email", "EMPTY", key)
        normalized = parse_email(text)
        if normalized.value != text.strip():
            field.value = normalized.value
            self._field_message(
                t("notices.settings.normalized", email=normalized.value), error=False
            )
        else:
            self._field_message(t("notices.settings.email_hint"), error=False)
        return normalized.value

    @work(exclusive=True, group="settings")
    async def save(self, wanted: NotificationSettings, *, email_changed: bool = False) -> None:
        client = self.client
        if client is None:
            return
        try:
            with busy(self.query_one("#settings-body"), after=0):
                result = await client.update_notification_settings(wanted)
        except Exception as error:
            self.refresh_bindings()
            self.acom.report_error(error, inline=self._status_error)
            return
        self.refresh_bindings()
        self._fill(result)
        key = "notices.settings.email_changed" if email_changed else "notices.settings.saved"
        self.query_one("#settings-status", Banner).show(t(key), "success")

    # --- leaving ------------------------------------------------------------------------

    def action_back(self) -> None:
        if self._dirty() and not self._leave_warned:
            self._leave_warned = True
            self.query_one("#settings-status", Banner).show(
                t("notices.settings.unsaved"), "warning"
            )
            return
        self.dismiss()
