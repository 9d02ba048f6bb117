"""Labels and values in two columns: the money screens' figures, confirmations and receipts."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widget import Widget
from textual.widgets import Label

__all__ = ["FigureTable", "Row"]

Row = tuple[str, str]
"""A line of a table: (label, value). A row whose value is empty is not shown."""


class FigureTable(Widget):
    """Labels and values in two columns."""

    DEFAULT_CSS = """
    FigureTable {
        height: auto;
        width: 1fr;
        & > Grid {
            grid-size: 2;
            grid-columns: auto 1fr;
            grid-gutter: 0 2;
            grid-rows: auto;
            height: auto;
        }
        .figure-label { width: auto; }
        /* A long value (a bank account, an English date) wraps rather than vanishes. */
        .figure-value { width: 1fr; height: auto; }
    }
    """

    def __init__(
        self, rows: Sequence[Row] = (), *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._rows: list[Row] = [row for row in rows if row[1]]

    @property
    def rows(self) -> list[Row]:
        return list(self._rows)

    def compose(self) -> ComposeResult:
        with Grid():
            yield from self._cells()

    def _cells(self) -> list[Label]:
        cells: list[Label] = []
        for label, value in self._rows:
            cells.append(Label(label, classes="figure-label", markup=False))
            cells.append(Label(value, classes="figure-value", markup=False))
        return cells

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Show ``rows``: in place when as many are shown as before (a figure that moved),
        else rebuilt. Synchronous, so a screen can fill its table before its first layout."""
        shown = [row for row in rows if row[1]]
        grid = self.query_one(Grid)
        labels = list(grid.query_children(Label))
        self._rows = shown
        if len(labels) == 2 * len(shown):
            for (label, value), (name_cell, value_cell) in zip(
                shown, zip(labels[::2], labels[1::2], strict=True), strict=True
            ):
                name_cell.update(label)
                value_cell.update(value)
            return
        for cell in labels:
            # Not awaited: until Textual has removed them, the old cells must not be drawn
            # beside the new.
            cell.display = False
        grid.remove_children()
        grid.mount_all(self._cells())

    def value_of(self, label: str) -> str | None:
        return next((value for name, value in self._rows if name == label), None)
