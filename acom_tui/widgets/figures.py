"""Figures as label and value lines, values right-aligned in a column.

One widget draws every line (a grid of labels would be two widgets per figure, each
costing the screen about a millisecond to mount and lay out): the dashboard's nine figures
were eighteen widgets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["Emphasis", "Figure", "Figures", "blank_style"]

Emphasis = Literal["", "emphasis", "alert"]


@dataclass(frozen=True, slots=True)
class Figure:
    key: str
    label: str
    value: str = ""
    emphasis: Emphasis = ""
    """``emphasis``: bold; ``alert``: the error colour, bold."""


def blank_style(style: Style) -> Style:
    """The style of padding: the background only. Spaces show no colour or weight, and
    a separate style keeps the padding out of the text next to it (in an SVG screenshot a
    run of padding and wide characters in one text element is drawn out of its cells)."""
    return Style(bgcolor=style.bgcolor)


class Figures(Widget):
    DEFAULT_CSS = """
    Figures { width: 1fr; height: auto; }
    Figures > .figures--emphasis { text-style: bold; }
    Figures > .figures--alert { color: $text-error; text-style: bold; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"figures--emphasis", "figures--alert"}

    def __init__(
        self,
        figures: Sequence[Figure] = (),
        *,
        value_width: int = 20,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._figures = tuple(figures)
        self.value_width = value_width

    @property
    def figures(self) -> tuple[Figure, ...]:
        return self._figures

    def value(self, key: str) -> str | None:
        """The value shown for ``key``; None when that figure is not shown."""
        return next((f.value for f in self._figures if f.key == key), None)

    def set_figures(self, figures: Sequence[Figure]) -> None:
        lines = len(self._figures)
        self._figures = tuple(figures)
        self.refresh(layout=len(self._figures) != lines)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._figures)

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        base = self.rich_style
        if not 0 <= y < len(self._figures) or width <= 0:
            return Strip.blank(width, base)
        figure = self._figures[y]
        value_width = min(self.value_width, width)
        label = Strip([Segment(figure.label, base)]).crop_extend(
            0, width - value_width, blank_style(base)
        )
        style = (
            self.get_component_rich_style(f"figures--{figure.emphasis}")
            if figure.emphasis
            else base
        )
        value = Strip([Segment(figure.value, style + Style())])
        if value.cell_length > value_width:
            value = value.crop(0, value_width)
        pad = Strip([Segment(" " * (value_width - value.cell_length), blank_style(base))])
        return Strip.join([label, pad, value])
