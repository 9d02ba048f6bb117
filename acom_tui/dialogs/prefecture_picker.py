"""The prefecture list of the registered details: pick instead of typing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from acom_tui.dialogs.base import AcomModal
from acom_tui.i18n import t

__all__ = ["PrefecturePicker"]


class PrefecturePicker(AcomModal[str | None]):
    """A list of prefectures (the profile's: the 47, north to south); Enter picks one, Esc
    keeps what was typed. The list is given, so the dialog knows no screen's rules."""

    DEFAULT_CSS = """
    PrefecturePicker { align: center middle; }
    PrefecturePicker > Vertical {
        width: 40; height: 20; padding: 0 1; background: $panel; border: ascii $primary;
    }
    PrefecturePicker #pref-title { text-style: bold; }
    PrefecturePicker #pref-list { height: 1fr; border: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "settings.keys.cancel", id="profile.prefecture_cancel"),
    ]

    def __init__(self, current: str, choices: Sequence[str]) -> None:
        super().__init__()
        self._current = current
        self._choices = tuple(choices)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(t("settings.profile.prefecture_pick"), id="pref-title", markup=False)
            yield OptionList(*(Option(p, id=p) for p in self._choices), id="pref-list")

    def on_mount(self) -> None:
        options = self.query_one("#pref-list", OptionList)
        if self._current in self._choices:
            options.highlighted = self._choices.index(self._current)
        options.focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected, "#pref-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
