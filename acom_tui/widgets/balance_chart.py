"""The simulated balance over time as a small bar chart drawn with narrow block characters.

Textual's ``Sparkline`` and most terminal charts use the eighth blocks ``▁▂▃▄▅▆▇█``
(U+2581-2588). Unicode gives every one of them East Asian Width "A" (ambiguous): a terminal
set up for Japanese (ambiguous = wide, common with CJK fonts, PuTTY, TeraTerm, iTerm2's
option) draws each two columns wide and the chart tears the line apart. The only block
elements with width "N" (neutral, one column everywhere) are the right half block ``▐``
(U+2590), the light shade ``░`` and the quadrants ``▖▗▘▝▙▚▛▜▞▟`` (U+2596-259F). So each bar
is a column of right half blocks, topped with the lower-right quadrant ``▗`` when it ends half
way up a row: two steps per row, and a gap between bars that keeps them apart without colour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

from rich.cells import cell_len
from textual.content import Content
from textual.widget import Widget

__all__ = ["FULL", "HALF", "BalanceChart", "chart_rows", "sample_bars"]

FULL: Final = "\u2590"  # RIGHT HALF BLOCK, East Asian Width N
HALF: Final = "\u2597"  # QUADRANT LOWER RIGHT, East Asian Width N
STEPS_PER_ROW: Final = 2


def sample_bars(values: Sequence[int], width: int) -> list[tuple[int, int]]:
    """Which value each bar shows, as ``(column, value)``, for a chart ``width`` cells wide.

    Up to ``width`` values each get a bar, at the same distance from each other and
    centred; more share the columns, each column showing the first value of its share (the
    balance only falls, so that is the highest of them and the chart never hides a step up).
    """
    count = len(values)
    if count == 0 or width <= 0:
        return []
    if count <= width:
        step = width // count
        start = (width - step * (count - 1) - 1) // 2
        return [(start + i * step, values[i]) for i in range(count)]
    return [(column, values[column * count // width]) for column in range(width)]


def _level(value: int, top: int, steps: int) -> int:
    if value <= 0 or top <= 0:
        return 0
    # Rounded up: a small last balance still shows as one step, never as nothing.
    return min(steps, math.ceil(value * steps / top))


def chart_rows(values: Sequence[int], width: int, height: int) -> list[str]:
    """``height`` lines of ``width`` cells, top line first; the tallest bar fills the height."""
    if width <= 0 or height <= 0:
        return []
    steps = height * STEPS_PER_ROW
    top = max(values, default=0)
    grid = [[" "] * width for _ in range(height)]
    for column, value in sample_bars(values, width):
        level = _level(value, top, steps)
        for row in range(height):
            floor = (height - 1 - row) * STEPS_PER_ROW
            if level >= floor + STEPS_PER_ROW:
                grid[row][column] = FULL
            elif level == floor + 1:
                grid[row][column] = HALF
    return ["".join(line) for line in grid]


def axis_line(width: int, first: str, last: str) -> str:
    """``first`` under the left edge and ``last`` under the right edge of the chart."""
    gap = width - cell_len(first) - cell_len(last)
    if gap < 1:
        return last if cell_len(last) <= width else ""
    return first + " " * gap + last


class BalanceChart(Widget):
    """Bars of the balance before each payment, and the first and last payment under them."""

    DEFAULT_CSS = """
    BalanceChart {
        width: 1fr;
        height: 1fr;
        min-height: 3;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._values: list[int] = []
        self._first = ""
        self._last = ""

    @property
    def values(self) -> list[int]:
        return list(self._values)

    def set_balances(self, values: Sequence[int], first_label: str, last_label: str) -> None:
        """Balances oldest first; the labels go under the first and the last bar."""
        self._values = list(values)
        self._first = first_label
        self._last = last_label
        self.refresh()

    def clear(self) -> None:
        self.set_balances([], "", "")

    def render(self) -> Content:
        width, height = self.content_size
        if not self._values or height < 2:
            return Content("")
        lines = chart_rows(self._values, width, height - 1)
        lines.append(axis_line(width, self._first, self._last))
        return Content("\n".join(lines))
