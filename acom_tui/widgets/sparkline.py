"""The balance history as a two-row bar chart, with its range written out beside it.

Drawn with the narrow block characters of ``balance_chart`` (not Textual's ``Sparkline``,
whose eighth blocks are ambiguous-width and tear the line in a terminal set up for CJK).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Label

from acom_tui.formatting import format_yen
from acom_tui.i18n import get_language, t
from acom_tui.widgets.balance_chart import chart_rows

__all__ = ["BalanceHistory"]


class HistoryBars(Widget):
    """The balances as bars filling the widget's width and height."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: list[int] = []

    def render(self) -> Content:
        width, height = self.content_size
        return Content("\n".join(chart_rows(self.data, width, height)))


class BalanceHistory(Horizontal):
    """Hidden until it has at least two points: one point is not a history."""

    DEFAULT_CSS = """
    BalanceHistory {
        height: 2;
        width: 1fr;
        &.-empty { display: none; }
        & > #history-label { width: auto; padding-right: 1; color: $text-muted; }
        & > HistoryBars { width: 1fr; height: 2; }
        & > #history-range { width: auto; padding-left: 1; color: $text-muted; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-empty")
        self._values: list[int] = []

    def compose(self) -> ComposeResult:
        yield Label(t("dashboard.history.label"), id="history-label", markup=False)
        yield HistoryBars(id="history-sparkline")
        yield Label("", id="history-range", markup=False)

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
        bars = self.query_one(HistoryBars)
        bars.data = self._values
        bars.refresh()
        self.query_one("#history-range", Label).update(
            t(
                "dashboard.history.range",
                low=format_yen(min(self._values), lang),
                high=format_yen(max(self._values), lang),
            )
        )
        self.remove_class("-empty")
