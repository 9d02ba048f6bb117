"""The question asked before a change to what the member gets (mail, notices, consent).

Such a change is one key away on its screen, and Textual focuses the first button of a
dialog, so it used to happen on a single Enter (Statements, F7, Enter withdrew the
e-delivery consent). This dialog says what will change and starts on the choice that keeps
things as they are: Enter or Escape alone never changes anything; the change takes a
move to its button first (Tab, an arrow key, a click).

The money confirmation (``screens/receipt.py``) is a different dialog: it sends the request
itself, with its idempotency key, and its figures are the point of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from acom_tui.dialogs.base import AcomModal
from acom_tui.widgets.plain_button import PlainButton
from acom_tui.widgets.prose import Prose

__all__ = ["ConfirmDialog"]


class ConfirmDialog(AcomModal[bool]):
    """``True`` when the member chose the change; ``False`` for keep, Escape or closing."""

    DEFAULT_CSS = """
    ConfirmDialog {
        align: center middle;
    }
    ConfirmDialog #confirm-change-dialog {
        /* Narrower than the dialogs it is asked from, so its frame never lines up with
           theirs and their buttons below cannot pass for its own. */
        width: 60;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        padding: 0 1;
        background: $panel;
        border: ascii $warning;
    }
    ConfirmDialog #confirm-change-title {
        text-style: bold;
        margin-bottom: 1;
    }
    ConfirmDialog .confirm-change-line {
        width: 1fr;
    }
    ConfirmDialog .actions {
        padding: 1 0 0 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "keep", "common.cancel", id="confirm_change.keep"),
    ]

    def __init__(
        self, *, title: str, lines: Sequence[str], keep_label: str, change_label: str
    ) -> None:
        super().__init__()
        self._title = title
        self._lines = tuple(lines)
        self._keep_label = keep_label
        self._change_label = change_label

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-change-dialog"):
            yield Label(self._title, id="confirm-change-title", markup=False)
            for line in self._lines:
                yield Prose(line, classes="confirm-change-line")
            with Horizontal(classes="actions"):
                yield PlainButton(
                    self._keep_label, id="confirm-keep", variant="primary", compact=True
                )
                yield PlainButton(self._change_label, id="confirm-change", compact=True)

    def on_mount(self) -> None:
        self.query_one("#confirm-keep", Button).focus()

    def action_keep(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#confirm-keep")
    def _keep(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#confirm-change")
    def _change(self) -> None:
        self.dismiss(True)
