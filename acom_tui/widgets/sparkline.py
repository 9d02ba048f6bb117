"""The balance history as a two-row bar chart, with its range written out beside it.

Drawn with the narrow block characters of ``balance_chart`` (not Textual's ``Sparkline``,
whose eighth blocks are ambiguous-width and tear the line in a terminal set up for CJK).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from textual.strip import Strip
from textual.widget import Widget

from acom_tui.formatting import format_yen
from acom_tui.i18n import get_language, t
from acom_tui.widgets.balance_chart import chart_rows
from acom_tui.widgets.figures import blank_style

__all__ = ["BalanceHistory"]


class BalanceHistory(Widget):
    """Two rows: the label, the bars filling the width, the range. Hidden until it has at
    least two points: one point is not a history. One widget draws it all (the label, the
    bars and the range were three widgets in a row: each costs the dashboard time)."""

    DEFAULT_CSS = """
    BalanceHistory {
        height: 2;
        width: 1fr;
        &.-empty { display: none; }
    }
    BalanceHistory > .balance-history--muted { color: $text-muted; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"balance-history--muted"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-empty")
        self._values: list[int] = []
        self._label = t("dashboard.history.label")
        self._range = ""

    @property
    def values(self) -> list[int]:
        return list(self._values)

    def set_history(self, values: Sequence[int] | None) -> None:
        """Balances oldest first; ``None`` or fewer than two hides the widget."""
        self._values = list(values or [])
        if len(self._values) < 2:
            self.add_class("-empty")
            return
        lang = get_language()
        self._range = t(
            "dashboard.history.range",
            low=format_yen(min(self._values), lang),
            high=format_yen(max(self._values), lang),
        )
        self.remove_class("-empty")
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        base = self.rich_style
        if not 0 <= y < 2 or width <= 0:
            return Strip.blank(width, base)
        muted = self.get_component_rich_style("balance-history--muted")
        label_width = cell_len(self._label) + 1
        range_width = cell_len(self._range) + 1
        bars_width = max(width - label_width - range_width, 0)
        rows = chart_rows(self._values, bars_width, 2)
        bars = rows[y] if rows else ""
        blank = blank_style(base)
        if y == 0:
            segments = [
                Segment(self._label, muted),
                Segment(" ", blank),
                Segment(bars, base),
                Segment(" ", blank),
                Segment(self._range, muted),
            ]
        else:
            segments = [Segment(" " * label_width, blank), Segment(bars, base)]
        return Strip(segments).crop_extend(0, width, blank)
