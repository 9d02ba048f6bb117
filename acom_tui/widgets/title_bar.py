"""The top line: product name, where you are, and a demo badge.

Textual's ``Header`` draws an icon that is East-Asian-ambiguous width; this plain line
keeps the first row exact in every terminal.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

__all__ = ["TitleBar"]


class TitleBar(Horizontal):
    DEFAULT_CSS = """
    TitleBar {
        height: 1;
        width: 1fr;
        background: $panel;
        color: $foreground;
        & > #title-product { text-style: bold; padding: 0 1; width: auto; }
        & > #title-where { width: 1fr; padding: 0 1; text-style: bold; }
        & > #title-badge {
            width: auto; padding: 0 1; background: $accent; color: $text; text-style: bold;
        }
        & > #title-badge.-hidden { display: none; }
    }
    """

    def __init__(self, product: str, where: str = "", *, badge: str = "") -> None:
        super().__init__()
        self._product = product
        self._where = where
        self._badge = badge

    def compose(self) -> ComposeResult:
        yield Label(self._product, id="title-product", markup=False)
        yield Label(self._where, id="title-where", markup=False)
        yield Label(
            self._badge, id="title-badge", markup=False, classes="" if self._badge else "-hidden"
        )

    def set_where(self, where: str) -> None:
        self._where = where
        if self.is_mounted:
            self.query_one("#title-where", Label).update(where)
