"""PIN change (SPEC 2.14), also forced right after a login with a one-time PIN.

The form checks what it can before any request: three PINs of 4 digits, the new one typed
the same twice and different from the current one. The server then checks the current PIN
(a wrong one counts toward the lockout, as at login) and judges the new one; a weak PIN
comes back as ``WEAK_PIN`` with ``details.reason``, which is said in words. All three
inputs are emptied as soon as the form is sent: the PINs exist only in that one call.

Forced mode: support staff reset the PIN to a one-time PIN (SPEC 2.17); the login answer
says ``pin_change_required`` and the app opens this screen before the dashboard. The
member cannot skip it (Esc does nothing); F9 logs out. The server refuses everything else
with ``PIN_CHANGE_REQUIRED`` meanwhile, and that answer anywhere opens this screen too
(``errors_ui``); once the PIN is changed the member starts again from the dashboard.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Final

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label

from acom_tui.dialogs.step_up import wrong_pin_text
from acom_tui.i18n import catalogue, get_language, t
from acom_tui.normalize import InputError, parse_pin
from acom_tui.screens.base import AcomScreen
from acom_tui.widgets.banner import Banner, BannerVariant
from acom_tui.widgets.busy import busy
from acom_tui.widgets.digits_input import PinInput
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.plain_button import PlainButton
from acom_tui.widgets.prose import Prose

__all__ = [
    "PIN_FIELDS",
    "WEAK_PIN_REASONS",
    "PinChangeScreen",
    "PinEntries",
    "check_pin_entries",
    "weak_pin_text",
]

# (form field, the server's field name)
PIN_FIELDS: Final = (("current", "current_pin"), ("new", "new_pin"), ("again", "new_pin"))
WEAK_PIN_REASONS: Final = (
    "REPEATED_DIGIT",
    "SEQUENTIAL",
    "BIRTHDAY",
    "MEMBER_NUMBER",
    "PHONE_NUMBER",
    "COMMON_PIN",
    "SAME_AS_CURRENT",
)


@dataclass(frozen=True, slots=True)
class PinEntries:
    current: str
    new: str


def check_pin_entries(
    current: str, new: str, again: str
) -> tuple[PinEntries | None, dict[str, InputError]]:
    """The two PINs to send, or the problem of each field (``current``, ``new``, ``again``).

    Messages never hold a digit of a PIN (see ``normalize.parse_pin``).
    """
    problems: dict[str, InputError] = {}
    values: dict[str, str] = {}
    for name, text in (("current", current), ("new", new), ("again", again)):
        try:
            values[name] = parse_pin(text).value
        except InputError as error:
            problems[name] = error
    if "new" in values and "again" in values and values["new"] != values["again"]:
        problems["again"] = InputError("again", "MISMATCH", "settings.pin.mismatch")
    if "current" in values and "new" in values and values["new"] == values["current"]:
        problems["new"] = InputError("new", "SAME_AS_CURRENT", "settings.pin.weak.SAME_AS_CURRENT")
    if problems:
        return None, problems
    return PinEntries(values["current"], values["new"]), {}


def weak_pin_text(reason: str | None) -> str:
    """Why the server refused the new PIN, in words; an unknown reason gets the general text."""
    key = f"settings.pin.weak.{reason}"
    return t(key) if reason and key in catalogue(get_language()) else t("error.WEAK_PIN")


class PinChangeScreen(AcomScreen[None]):
    CSS_PATH = "settings.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f8", "save", "settings.keys.change_pin", id="pin.save"),
        Binding("escape", "back", "keys.back", id="pin.back"),
        Binding("f9", "logout", "keys.logout", id="pin.logout"),
    ]

    def __init__(self, *, forced: bool = False) -> None:
        super().__init__()
        self.forced = forced
        self._busy = False

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("settings.pin.title"))
        with VerticalScroll(id="pin-body", classes="form-body"):
            if self.forced:
                yield Banner(t("settings.pin.forced"), variant="warning", id="pin-forced")
            yield Prose(t("settings.pin.lead"), classes="form-lead")
            for name, _server_field in PIN_FIELDS:
                with Horizontal(classes="form-row"):
                    yield Label(t(f"settings.pin.field.{name}"), classes="form-label")
                    # Enter moves on from the first two, as a priority key: a PIN typed ahead
                    # lands in the field it was typed for (widgets/form_input.py).
                    yield PinInput(id=f"pin-{name}", enter_moves_on=name != "again")
                yield Prose("", id=f"pin-{name}-message", classes="field-message -empty")
            yield Prose(t("settings.pin.lockout_warning"), classes="form-note")
            yield Banner("", variant="error", id="pin-status", classes="form-status")
            with Horizontal(classes="actions"):
                yield PlainButton(
                    t("settings.pin.submit"), id="pin-submit", variant="primary", compact=True
                )
                if not self.forced:
                    yield PlainButton(t("common.back"), id="pin-back", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        if self.forced:
            self.acom.pin_change_required = True
            # Several refused requests of one screen each ask for this screen: one is enough.
            stack = self.app.screen_stack
            below = stack[-2] if len(stack) > 1 and stack[-1] is self else None
            if isinstance(below, PinChangeScreen) and below.forced:
                self.dismiss()
                return
        self.query_one("#pin-current").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Forced: no way around the change but logging out; otherwise F9 stays on the dashboard.
        if action == "back":
            return not self.forced
        if action == "logout":
            return self.forced
        return True

    async def action_logout(self) -> None:
        await self.acom.action_logout()

    # --- messages ---------------------------------------------------------------------

    def _field_message(self, name: str, text: str) -> None:
        message = self.query_one(f"#pin-{name}-message", Prose)
        message.update(text)
        message.set_class(not text, "-empty")
        message.set_class(bool(text), "-error")

    def field_message(self, name: str) -> str:
        return self.query_one(f"#pin-{name}-message", Prose).text

    def _status(self, text: str, variant: BannerVariant = "error") -> None:
        self.query_one("#pin-status", Banner).show(text, variant)

    @property
    def status_text(self) -> str:
        return self.query_one("#pin-status", Banner).text

    def _clear_all(self) -> None:
        for name, _server_field in PIN_FIELDS:
            self.query_one(f"#pin-{name}", PinInput).clear_pin()

    # --- events -----------------------------------------------------------------------

    @on(Input.Submitted, "#pin-again")
    @on(Button.Pressed, "#pin-submit")
    def action_save(self) -> None:
        if self._busy:
            return
        for name, _server_field in PIN_FIELDS:
            self._field_message(name, "")
        self.query_one("#pin-status", Banner).clear()
        inputs = {name: self.query_one(f"#pin-{name}", PinInput) for name, _f in PIN_FIELDS}
        entries, problems = check_pin_entries(*(i.value for i in inputs.values()))
        if entries is None:
            self._show_problems(problems)
            return
        self._clear_all()
        self._busy = True
        self._send(entries)

    def _show_problems(self, problems: Mapping[str, InputError]) -> None:
        """Clear what must be typed again (a new PIN always twice) and go to the first."""
        cleared: set[str] = set()
        for name, problem in problems.items():
            self._field_message(name, t(problem.message_key, **problem.params))
            cleared |= {"new", "again"} if name in ("new", "again") else {name}
        for name, _server_field in PIN_FIELDS:
            if name in cleared:
                self.query_one(f"#pin-{name}", PinInput).clear_pin()
        self._focus_first_empty()

    def _focus_first_empty(self) -> None:
        """Focus the first field that was cleared: where typing has to start again."""
        for name, _server_field in PIN_FIELDS:
            field = self.query_one(f"#pin-{name}", PinInput)
            if not field.value:
                field.focus()
                return

    @work(exclusive=True, group="pin-change")
    async def _send(self, entries: PinEntries) -> None:
        from acom_tui.api import errors

        session = self.acom.session
        if session is None:
            self._busy = False
            return
        try:
            with busy(self.query_one("#pin-body"), after=0):
                await session.backend.client.change_pin(entries.current, entries.new)
        except errors.InvalidCredentials as error:
            self._field_message("current", wrong_pin_text(error))
            self._focus_first_empty()
            return
        except errors.WeakPin as error:
            # Every field was cleared when the PINs were sent: all three are typed again.
            self._field_message("new", weak_pin_text(error.reason))
            self._status(t("settings.pin.enter_all_again"), "warning")
            self._focus_first_empty()
            return
        except errors.ValidationFailed as error:
            name = "current" if error.field == "current_pin" else "new"
            self._field_message(name, t("login.pin.invalid"))
            self._focus_first_empty()
            return
        except Exception as error:
            self.acom.report_error(error, inline=self._status)
            return
        finally:
            self._busy = False
        self._changed()

    def _changed(self) -> None:
        if self.forced:
            from acom_tui.screens.dashboard import DashboardScreen

            self.acom.pin_change_required = False
            self.notify(t("settings.pin.changed"), timeout=8)
            if len(self.app.screen_stack) > 2:
                # Opened over other screens by a refusal: what they show was refused, so
                # start again from the dashboard, in a worker that outlives this screen.
                self.app.run_worker(self._restart(), group="pin-changed")
                return
            # Not awaited: this worker belongs to the screen being replaced.
            self.app.switch_screen(DashboardScreen())
            return
        self._status(t("settings.pin.changed"), "success")
        self.query_one("#pin-submit").focus()

    async def _restart(self) -> None:
        from acom_tui.screens.dashboard import DashboardScreen

        app = self.acom
        while len(app.screen_stack) > 1:
            await app.pop_screen()
        await app.open_screen(DashboardScreen())

    @on(Button.Pressed, "#pin-back")
    def action_back(self) -> None:
        if not self.forced:
            self.dismiss()
