"""F1 in the staff console: the keys of the screen it was opened from, then where the
console is described.

The rows are that screen's bindings (``keys.key_rows``) with their translated
descriptions, so what help says is what the keys do, keymap included.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Label

from acom_tui.i18n import t
from acom_tui.keys import KeyRow, described
from acom_tui.staff.screens.base import StaffScreen
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.prose import Prose

__all__ = ["StaffHelpScreen"]


class StaffHelpScreen(StaffScreen[None]):
    CSS_PATH = "help.tcss"
    AUTO_FOCUS = "#staff-help-page"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "keys.back", id="staff.help.back"),
    ]

    def __init__(self, keys: Sequence[KeyRow]) -> None:
        super().__init__()
        self.keys = tuple(row for row in keys if row.enabled)

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("help.title"))
        with VerticalScroll(id="staff-help-page"):
            yield Label(t("help.keys.title"), classes="staff-help-title", markup=False)
            yield Prose(described(self.keys), id="staff-help-keys")
            yield Label(t("staff.help.more_title"), classes="staff-help-title", markup=False)
            yield Prose(t("staff.help.more"), id="staff-help-more")
        yield KeyBar()

    def action_back(self) -> None:
        self.dismiss()
