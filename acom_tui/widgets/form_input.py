"""An input that takes keys typed ahead the way it takes slow typing.

Textual hands each key to the widget focused when the app reads it and queues it there;
Tab moves focus only once the key has bubbled up to the screen's binding, and an Enter
whose ``Submitted`` handler moves focus later still. Keys that arrive in one read (a
password manager's auto-type, a paste into tmux, a fast typist over SSH) were therefore
all queued in the first field: ``10000001<Tab>4829<Enter>`` put the PIN, in clear, into
the member number.

Every field of our forms is a :class:`FormInput`. Its Tab, Shift+Tab and Enter are
priority bindings, which Textual runs while it reads the keys, in their order: focus moves
before the next key is handed out, so each key goes to the field it was typed for. Each
field then works through its own queue at its own pace, so a submit waits until every
other field of the screen has worked through the keys it was given before it reads them.

A submitting Enter is read the same way, so the field knows which of its queued keys came
after it: those were typed for whatever comes next (a menu key after the login), not for
this field, and are dropped rather than added to what is sent (``4829<Enter>1`` sent the
PIN ``48291``, which the form refused). Textual would have handled the Enter only when it
bubbled back to the app, after every key behind it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import Input

__all__ = ["FormInput"]


class FormInput(Input):
    """An ``Input`` of a form. ``enter_moves_on``: Enter goes to the next field instead of
    submitting (a first field, such as the member number before the PIN)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "next_field", show=False, priority=True, id="form.next_field"),
        Binding("shift+tab", "previous_field", show=False, priority=True, id="form.previous_field"),
        # Next field or submit, decided when the key is read (module docstring).
        Binding("enter", "enter", show=False, priority=True, id="form.enter"),
    ]

    def __init__(self, *args: Any, enter_moves_on: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enter_moves_on = enter_moves_on
        # From the submitting Enter until the submit: keys in between were typed after it.
        self._submitting = False

    def on_key(self, event: events.Key) -> None:
        if self._submitting:
            event.prevent_default()
            event.stop()

    def on_mount(self) -> None:
        # With animations off (slow SSH links, snapshots) the cursor stands still too.
        if self.app.animation_level == "none":
            self.cursor_blink = False

    def action_next_field(self) -> None:
        self.screen.focus_next()

    def action_previous_field(self) -> None:
        self.screen.focus_previous()

    def action_enter(self) -> None:
        if self.enter_moves_on:
            self.screen.focus_next()
        else:
            # Queued now, behind the keys typed before this Enter, ahead of those after it.
            self.call_later(self.action_submit)

    async def action_submit(self) -> None:
        if self._submitting:
            return  # a second Enter typed after the first: one submit
        self._submitting = True
        others = [field for field in self.screen.query(FormInput) if field is not self]
        self._submit_after(others)

    def _submit_after(self, unsettled: list[FormInput]) -> None:
        # A callback queued on a field runs once the keys queued before it are handled.
        while unsettled:
            field = unsettled.pop()
            if field.call_later(self._submit_after, unsettled):
                return
        if not self.call_later(self._submit_now):
            self._submitting = False  # the field is gone: nothing to submit

    async def _submit_now(self) -> None:
        self._submitting = False
        await Input.action_submit(self)
