"""The confirmation dialog of a staff action: what will happen, the choice, the reason.

Nothing is sent until the agent confirms with every required field filled; Esc (or
"cancel") closes the dialog and sends nothing. The request is sent once per
confirmation: a second Enter while it is on its way is ignored, and the dialog cannot be
cancelled while the answer is pending (the change may already be made). A refusal the
agent can fix (a lost connection, an invalid reason) keeps the dialog and what was typed;
a refusal that says the member is not in that state any more (409) closes it so the
member view can be refreshed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from acom_contract.schemas import MemberSummary, OneTimePin
from acom_tui.api import errors
from acom_tui.i18n import t
from acom_tui.staff import errors as staff_errors
from acom_tui.staff.actions import ActionRequest
from acom_tui.staff.rules import (
    IDENTITY_CHECKED,
    IDENTITY_DOCUMENTS,
    MAX_REASON_LENGTH,
    SUSPENSION_REASONS,
    ActionKind,
    ReasonError,
    clean_reason,
)
from acom_tui.staff.screens.base import StaffModal
from acom_tui.staff.texts import document_label, reason_code_label
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.busy import busy
from acom_tui.widgets.form_input import FormInput
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.plain_button import PlainButton
from acom_tui.widgets.prose import Prose

__all__ = ["ActionDialog", "ActionOutcome", "Perform"]

Perform = Callable[[ActionRequest], Awaitable[MemberSummary | OneTimePin]]


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """How a confirmed action ended: the new state, a one-time PIN, or a refusal."""

    kind: ActionKind
    member: MemberSummary | None = None
    one_time_pin: OneTimePin | None = None
    refusal: errors.ApiError | None = None


def _choices(kind: ActionKind) -> tuple[tuple[str, str], ...]:
    """(value, label) of the choice the action needs, if any."""
    if kind in IDENTITY_CHECKED:
        return tuple((doc, document_label(doc)) for doc in IDENTITY_DOCUMENTS)
    if kind == "suspend":
        return tuple((code, reason_code_label(code)) for code in SUSPENSION_REASONS)
    return ()


class ActionDialog(StaffModal[ActionOutcome | None]):
    CSS_PATH = "action.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "staff.keys.cancel", id="staff.dialog.cancel"),
    ]

    def __init__(self, kind: ActionKind, member: MemberSummary, perform: Perform) -> None:
        super().__init__()
        self.kind: ActionKind = kind
        self.member = member
        self._perform = perform
        self._choices = _choices(kind)
        self.choice: str | None = None
        self.sending = False

    def compose(self) -> ComposeResult:
        kind = self.kind
        with Vertical(id="action-dialog", classes="dialog"):
            yield Label(t(f"staff.action.{kind}.title"), classes="dialog-title", markup=False)
            yield Label(
                t("staff.dialog.member", number=self.member.member_number, name=self.member.name),
                id="action-member",
                markup=False,
            )
            yield Prose(t(f"staff.action.{kind}.effect"), id="action-effect")
            if self._choices:
                yield Label(t(f"staff.action.{kind}.choice"), classes="field-label", markup=False)
                yield OptionList(*self._options(), id="action-choice", compact=True)
            yield Label(t("staff.dialog.reason"), classes="field-label", markup=False)
            yield FormInput(
                placeholder=t(f"staff.action.{kind}.placeholder"),
                max_length=MAX_REASON_LENGTH,
                compact=True,
                id="action-reason",
            )
            yield Banner("", variant="error", id="action-error")
            with Horizontal(classes="actions"):
                yield PlainButton(
                    t(f"staff.action.{kind}.confirm"),
                    id="action-confirm",
                    variant="warning",
                    compact=True,
                )
                yield PlainButton(t("staff.dialog.cancel"), id="action-cancel", compact=True)
        yield KeyBar()

    def _options(self) -> list[Option]:
        return [
            Option(Content(self._prompt(value, label)), id=value) for value, label in self._choices
        ]

    def _prompt(self, value: str, label: str) -> str:
        return f"[{'x' if value == self.choice else ' '}] {label}"

    def on_mount(self) -> None:
        reason = self.query_one("#action-reason", Input)
        if self.app.animation_level == "none":
            reason.cursor_blink = False
        self.query_one("#action-choice" if self._choices else "#action-reason").focus()

    # --- the choice -------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#action-choice")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.choose(event.option.id)
        self.query_one("#action-reason").focus()

    def choose(self, value: str | None) -> None:
        """Tick ``value`` (and untick the others)."""
        self.choice = value
        options = self.query_one("#action-choice", OptionList)
        for option_value, label in self._choices:
            prompt = Content(self._prompt(option_value, label))
            options.replace_option_prompt(option_value, prompt)

    # --- confirm or cancel ------------------------------------------------------------

    def show_error(self, text: str) -> None:
        self.query_one("#action-error", Banner).show(text)

    @on(Input.Submitted, "#action-reason")
    @on(Button.Pressed, "#action-confirm")
    def _confirm(self) -> None:
        self.confirm()

    @on(Button.Pressed, "#action-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        if not self.sending:
            self.dismiss(None)

    def confirm(self) -> None:
        """Check the fields, then send the request once."""
        if self.sending:
            return
        if self._choices and self.choice is None:
            self.show_error(t(f"staff.action.{self.kind}.choice_missing"))
            self.query_one("#action-choice").focus()
            return
        reason_input = self.query_one("#action-reason", Input)
        try:
            reason = clean_reason(reason_input.value)
        except ReasonError as error:
            self.show_error(t(f"staff.dialog.reason_{error.code.lower()}", max=MAX_REASON_LENGTH))
            reason_input.focus()
            return
        request = ActionRequest(
            self.kind,
            reason,
            identity_document=self.choice if self.kind in IDENTITY_CHECKED else None,
            reason_code=self.choice if self.kind == "suspend" else None,
        )
        self.sending = True
        self.query_one("#action-error", Banner).clear()
        self._send(request)

    @work(exclusive=True, group="staff-action")
    async def _send(self, request: ActionRequest) -> None:
        try:
            with busy(self.query_one("#action-dialog"), after=0):
                result = await self._perform(request)
        except errors.ApiError as error:
            self.sending = False
            if isinstance(error, errors.Conflict | errors.NotFound):
                self.dismiss(ActionOutcome(self.kind, refusal=error))
                return
            if staff_errors.ends_session(error):
                self.staff.report_error(error)
                return
            self.show_error(staff_errors.message_for(error, action=self.kind))
            return
        except Exception as error:
            self.sending = False
            self.staff.report_error(error, inline=self.show_error)
            return
        if isinstance(result, OneTimePin):
            self.dismiss(ActionOutcome(self.kind, one_time_pin=result))
        else:
            self.dismiss(ActionOutcome(self.kind, member=result))
