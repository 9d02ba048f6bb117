"""The step-up PIN prompt: the current PIN again before a change to the member's details.

SPEC 2.2: changing contact details, the employer or the PIN needs the current PIN again,
and a wrong one counts toward the same 3-strike lockout as a login. The prompt runs the
change itself, so a wrong PIN is answered where it was typed (with the attempts left) and
the member types it again without losing the form behind the dialog. Any other answer
closes the prompt and goes back to the screen that opened it, which knows how to show it
(a field error beside its field, the lock screen through ``errors_ui``).

The PIN lives only in the input and in the one call; the input is emptied at every submit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from pydantic import SecretStr
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label

from acom_tui.dialogs.base import AcomModal
from acom_tui.i18n import get_language, t
from acom_tui.normalize import InputError
from acom_tui.widgets.busy import busy
from acom_tui.widgets.digits_input import PinInput
from acom_tui.widgets.plain_button import PlainButton
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from acom_tui.api.errors import InvalidCredentials

__all__ = ["StepUpOutcome", "StepUpPrompt", "join_names", "wrong_pin_text"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class StepUpOutcome(Generic[T]):
    """How the prompt ended: the action's result, its error, or cancelled by the member."""

    value: T | None = None
    error: BaseException | None = None
    cancelled: bool = False


def join_names(names: Sequence[str]) -> str:
    """A list of names in a sentence: 住所、携帯電話番号 / address, mobile phone."""
    return ("、" if get_language() == "ja" else ", ").join(names)


def wrong_pin_text(error: InvalidCredentials) -> str:
    """A wrong current PIN, with the attempts left before the account locks."""
    remaining = error.remaining_attempts
    if remaining is None:
        return t("settings.stepup.wrong")
    return t("settings.stepup.wrong_remaining", remaining=remaining)


class StepUpPrompt(AcomModal[StepUpOutcome[T]], Generic[T]):
    """Asks for the current PIN, then runs ``action`` with it.

    ``changes`` are the names of what will change, shown so that the PIN confirms
    something the member can see.
    """

    DEFAULT_CSS = """
    StepUpPrompt { align: center middle; }
    StepUpPrompt > #stepup-dialog {
        width: 70;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        padding: 1 2;
        background: $panel;
        border: ascii $primary;
    }
    StepUpPrompt #stepup-title { text-style: bold; margin-bottom: 1; }
    StepUpPrompt #stepup-lead { margin-bottom: 1; }
    StepUpPrompt #stepup-warning { color: $text-warning; margin-bottom: 1; }
    StepUpPrompt .stepup-row { height: 1; }
    StepUpPrompt .stepup-label { width: 18; text-style: bold; }
    StepUpPrompt #stepup-pin { width: 10; }
    StepUpPrompt #stepup-message { height: auto; color: $text-error; text-style: bold; }
    StepUpPrompt #stepup-message.-empty { display: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "settings.keys.cancel", id="stepup.cancel"),
    ]

    def __init__(
        self,
        *,
        title: str,
        changes: Sequence[str],
        action: Callable[[SecretStr], Awaitable[T]],
    ) -> None:
        super().__init__()
        self._title = title
        self._changes = tuple(changes)
        self._action = action
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="stepup-dialog"):
            yield Label(self._title, id="stepup-title", markup=False)
            lead = t("settings.stepup.lead", changes=join_names(self._changes))
            yield Prose(lead, id="stepup-lead")
            yield Prose(t("settings.stepup.warning"), id="stepup-warning")
            with Horizontal(classes="stepup-row"):
                yield Label(t("settings.stepup.label"), classes="stepup-label")
                yield PinInput(id="stepup-pin")
            yield Prose("", id="stepup-message", classes="-empty")
            with Horizontal(classes="actions"):
                yield PlainButton(
                    t("settings.stepup.confirm"), id="stepup-ok", variant="primary", compact=True
                )
                yield PlainButton(t("common.cancel"), id="stepup-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#stepup-pin").focus()

    @property
    def message(self) -> str:
        return self.query_one("#stepup-message", Prose).text

    def _say(self, text: str) -> None:
        message = self.query_one("#stepup-message", Prose)
        message.update(text)
        message.set_class(not text, "-empty")

    def action_cancel(self) -> None:
        # Once the PIN is on its way the change may be applied: wait for the answer.
        if not self._busy:
            self.dismiss(StepUpOutcome(cancelled=True))

    @on(Button.Pressed, "#stepup-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted, "#stepup-pin")
    @on(Button.Pressed, "#stepup-ok")
    def _submit(self) -> None:
        self.submit()

    def submit(self) -> None:
        if self._busy:
            return
        pin_input = self.query_one("#stepup-pin", PinInput)
        try:
            pin = pin_input.parse()
        except InputError as error:
            # A malformed PIN never reaches the server, so it costs no attempt.
            self._say(t(error.message_key, **error.params))
            pin_input.clear_pin()
            pin_input.focus()
            return
        pin_input.clear_pin()
        self._say("")
        self._busy = True
        self._run(SecretStr(pin.value))

    @work(exclusive=True, group="step-up")
    async def _run(self, pin: SecretStr) -> None:
        from acom_tui.api.errors import InvalidCredentials

        try:
            with busy(self.query_one("#stepup-dialog"), after=0):
                value = await self._action(pin)
        except InvalidCredentials as error:
            self._busy = False
            self._say(wrong_pin_text(error))
            self.query_one("#stepup-pin").focus()
            return
        except Exception as error:
            self._busy = False
            self.dismiss(StepUpOutcome(error=error))
            return
        self._busy = False
        self.dismiss(StepUpOutcome(value=value))
