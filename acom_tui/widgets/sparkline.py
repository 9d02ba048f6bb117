"""The balance history as a sparkline, with its range written out beside it."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, Sparkline

from acom_tui.formatting import format_yen
from acom_tui.i18n import get_language, t

__all__ = ["BalanceHistory"]


class BalanceHistory(Horizontal):
    """Hidden until it has at least two points: one point is not a history."""

    DEFAULT_CSS = """
    BalanceHistory {
        height: 1;
        width: 1fr;
        &.-empty { display: none; }
        & > #history-label { width: auto; padding-right: 1; color: $text-muted; }
        & > Sparkline { width: 1fr; height: 1; }
        & > #history-range { width: auto; padding-left: 1; color: $text-muted; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-empty")
        self._values: list[int] = []

    def compose(self) -> ComposeResult:
        yield Label(t("dashboard.history.label"), id="history-label", markup=False)
        yield Sparkline([], id="history-sparkline")
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
        self.query_one(Sparkline).data = [float(v) for v in self._values]
        self.query_one("#history-range", Label).update(
            t(
                "dashboard.history.range",
                low=format_yen(min(self._values), lang),
                high=format_yen(max(self._values), lang),
            )
        )
        self.remove_class("-empty")
