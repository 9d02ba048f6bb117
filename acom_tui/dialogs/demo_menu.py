"""The demo's F12 menu: the actions that move the mock clock or reset the roster.

What each action does is ``acom_tui.demo_controls``; this dialog only lets the member
choose one, with its explanation under the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Final, Literal, get_args

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from acom_tui.dialogs.base import AcomModal
from acom_tui.formatting import format_datetime
from acom_tui.i18n import get_language, t
from acom_tui.widgets.prose import Prose

__all__ = ["DEMO_ACTIONS", "ActionId", "DemoAction", "DemoMenuScreen"]

ActionId = Literal[
    "next_due",
    "overdue",
    "maintenance_soon",
    "maintenance",
    "plus_15m",
    "plus_1h",
    "plus_1d",
    "reset",
]


@dataclass(frozen=True, slots=True)
class DemoAction:
    id: ActionId

    @property
    def label(self) -> str:
        return t(f"demo.action.{self.id}")

    @property
    def help(self) -> str:
        return t(f"demo.help.{self.id}")


# In the menu's order, which is ActionId's.
DEMO_ACTIONS: Final[tuple[DemoAction, ...]] = tuple(
    DemoAction(action_id) for action_id in get_args(ActionId)
)


class DemoMenuScreen(AcomModal[ActionId | None]):
    """A small list of the demo actions; Enter runs one, Esc closes."""

    DEFAULT_CSS = """
    DemoMenuScreen { align: center middle; }
    DemoMenuScreen > #demo-dialog {
        width: 64;
        height: auto;
        padding: 0 1;
        background: $panel;
        border: ascii $accent;
    }
    DemoMenuScreen #demo-title { text-style: bold; }
    DemoMenuScreen #demo-clock { color: $text-muted; margin-bottom: 1; }
    DemoMenuScreen #demo-actions { height: auto; border: none; background: $panel; }
    DemoMenuScreen #demo-help { color: $text-muted; height: auto; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "common.close", id="demo.close"),
    ]

    def compose(self) -> ComposeResult:
        lang = get_language()
        with Vertical(id="demo-dialog"):
            yield Label(t("demo.menu.title"), id="demo-title", markup=False)
            now = format_datetime(self.acom.server_clock.now(), lang)
            yield Label(t("demo.menu.clock", time=now), id="demo-clock", markup=False)
            yield OptionList(
                *(Option(action.label, id=action.id) for action in DEMO_ACTIONS),
                id="demo-actions",
                compact=True,
            )
            yield Prose(DEMO_ACTIONS[0].help, id="demo-help")

    def on_mount(self) -> None:
        self.query_one("#demo-actions").focus()

    @on(OptionList.OptionHighlighted, "#demo-actions")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        action = _action(event.option.id)
        if action is not None:
            self.query_one("#demo-help", Prose).update(action.help)

    @on(OptionList.OptionSelected, "#demo-actions")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        action = _action(event.option.id)
        self.dismiss(action.id if action is not None else None)

    def action_close(self) -> None:
        self.dismiss(None)


def _action(action_id: str | None) -> DemoAction | None:
    return next((action for action in DEMO_ACTIONS if action.id == action_id), None)
