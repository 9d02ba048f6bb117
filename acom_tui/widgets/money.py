"""Amounts of money as Japanese yen, with thousands separators, in both languages."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

from acom_tui.formatting import format_yen
from acom_tui.i18n import get_language

__all__ = ["Money"]


class Money(Static):
    """An integer yen amount, right-aligned; ``None`` shows ``placeholder``."""

    DEFAULT_CSS = """
    Money {
        width: 1fr;
        text-align: right;
        &.-emphasis { text-style: bold; }
        &.-alert { color: $text-error; text-style: bold; }
    }
    """

    amount: reactive[int | None] = reactive(None, layout=True)

    def __init__(
        self,
        amount: int | None = None,
        *,
        placeholder: str = "",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__("", markup=False, id=id, classes=classes)
        self._placeholder = placeholder
        self.set_reactive(Money.amount, amount)
        self.update(self._text(amount))

    def _text(self, amount: int | None) -> str:
        # format_yen refuses floats and bools: money is integer yen end to end.
        return self._placeholder if amount is None else format_yen(amount, get_language())

    def watch_amount(self, amount: int | None) -> None:
        self.update(self._text(amount))
