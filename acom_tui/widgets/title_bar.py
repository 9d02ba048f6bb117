"""The top line: product name, where you are, and a demo badge.

Textual's ``Header`` draws an icon that is East-Asian-ambiguous width; this plain line
keeps the first row exact in every terminal. It is one widget drawing one line (not a row
of labels): every screen has it, and each widget costs a screen about a millisecond to
mount and lay out.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["TitleBar"]


class TitleBar(Widget):
    DEFAULT_CSS = """
    TitleBar {
        height: 1;
        width: 1fr;
        background: $panel;
        color: $foreground;
    }
    TitleBar > .title-bar--badge { background: $accent; color: $text; text-style: bold; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"title-bar--badge"}

    def __init__(self, product: str, where: str = "", *, badge: str = "") -> None:
        super().__init__()
        self._product = product
        self._where = where
        self._badge = badge

    @property
    def text(self) -> str:
        """The line as plain text (product, where, badge)."""
        return " ".join(part for part in (self._product, self._where, self._badge) if part)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y != 0 or width <= 0:
            return Strip.blank(width, base)
        bold = base + Style(bold=True)
        segments = [Segment(" ", base), Segment(self._product, bold), Segment(" ", base)]
        if self._where:
            segments += [Segment(" ", base), Segment(self._where, bold), Segment(" ", base)]
        badge = Strip([])
        if self._badge:
            style = self.get_component_rich_style("title-bar--badge")
            pad = Segment(" ", style + Style(bold=False))
            badge = Strip([pad, Segment(self._badge, style), pad])
        room = max(width - badge.cell_length, 0)
        # Cropped or padded to the room the badge leaves: a narrow terminal keeps the badge.
        line = Strip(segments).crop_extend(0, room, base)
        return Strip.join([line, badge]).crop(0, width)
