"""One statement with every item its legal form carries (SPEC 2.9).

貸付明細書 (loan): when, amount, rate, balance after, next due date and amount, where the
money was paid, the number of payments and the period at the minimum payment. 入金明細書
(repayment): when, amount and how it was allocated (late interest, interest, principal),
balance after, next due date, the day received and the debt remaining. Both then carry the
lines of the notice (``acom_tui.statement_notice``): repayment method, late-interest rate,
contract, lender. カード利用明細書 (card): when, merchant, details, amount. Left and right move to
the neighbouring statements of the list, so a member can compare without going back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.widgets import Label

from acom_tui.formatting import format_date, format_datetime, format_rate, format_yen
from acom_tui.i18n import get_language, t
from acom_tui.screens.base import AcomScreen
from acom_tui.statement_notice import notice_rows
from acom_tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from acom_contract.schemas import Statement

__all__ = ["StatementDetailScreen", "detail_fields"]


def _yen(amount: int | None) -> str:
    return "" if amount is None else format_yen(amount, get_language())


def _due(statement: Statement) -> tuple[str, str]:
    lang = get_language()
    if statement.next_due_date is None:
        nothing = t("statements.detail.nothing_due")
        return nothing, _yen(statement.next_due_amount) if statement.next_due_amount else ""
    return format_date(statement.next_due_date, lang), _yen(statement.next_due_amount)


def _notice(statement: Statement) -> list[tuple[str, str]]:
    # An older server sends none of these: its statement shows what it has.
    return [row for row in notice_rows(statement, get_language()) if row[1]]


def detail_fields(statement: Statement) -> list[tuple[str, str]]:
    """(label, value) of every item of the statement's kind, in the order of the form."""
    lang = get_language()
    when = format_datetime(statement.occurred_at, lang)
    if statement.kind == "loan":
        due_date, due_amount = _due(statement)
        rate = statement.interest_rate
        return [
            (t("statements.field.loan_at"), when),
            (t("statements.field.loan_amount"), _yen(statement.amount)),
            (t("statements.field.rate"), format_rate(rate, lang) if rate is not None else ""),
            (t("statements.field.balance_after_loan"), _yen(statement.balance_after)),
            (t("statements.field.next_due_date"), due_date),
            (t("statements.field.next_due_amount"), due_amount),
            (t("statements.field.transfer"), statement.description or ""),
            *_notice(statement),
            (t("statements.field.id"), statement.id),
        ]
    if statement.kind == "repayment":
        due_date, due_amount = _due(statement)
        return [
            (t("statements.field.repaid_at"), when),
            (t("statements.field.repaid_amount"), _yen(statement.amount)),
            (t("statements.field.late_interest"), _yen(statement.late_interest or 0)),
            (t("statements.field.interest"), _yen(statement.interest or 0)),
            (t("statements.field.principal"), _yen(statement.principal or 0)),
            (t("statements.field.balance_after_repayment"), _yen(statement.balance_after)),
            (t("statements.field.next_due_date"), due_date),
            (t("statements.field.next_due_amount"), due_amount),
            (t("statements.field.paid_by"), statement.description or ""),
            *_notice(statement),
            (t("statements.field.id"), statement.id),
        ]
    return [
        (t("statements.field.used_at"), when),
        (t("statements.field.merchant"), statement.merchant or ""),
        (t("statements.field.card_description"), statement.description or ""),
        (t("statements.field.card_amount"), _yen(statement.amount)),
        (t("statements.field.id"), statement.id),
    ]


class StatementDetailScreen(AcomScreen[int]):
    """Dismisses with the index of the statement last shown (the list follows it)."""

    CSS_PATH = "statements.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "keys.back", id="statement_detail.back"),
        Binding("enter", "back", "keys.back", id="statement_detail.close", show=False),
        # Textual draws arrow keys as arrows, which are East-Asian-ambiguous: our key names
        # are words (keys.key_display). F6/F7 mean previous/next on every screen too.
        Binding("left,f6", "move(-1)", "statements.keys.previous", id="statement_detail.previous"),
        Binding("right,f7", "move(1)", "statements.keys.next", id="statement_detail.next"),
    ]

    def __init__(self, statements: Sequence[Statement], index: int) -> None:
        super().__init__()
        self.statements = list(statements)
        self.index = index

    @property
    def statement(self) -> Statement:
        return self.statements[self.index]

    def compose(self) -> ComposeResult:
        yield self.title_bar(t(f"statements.detail.title.{self.statement.kind}"))
        # Not focusable: a focused scroll view would take Left and Right for itself.
        with VerticalScroll(id="detail-scroll", can_focus=False):
            yield Label("", id="detail-heading", markup=False)
            yield Grid(id="detail-grid")
            yield Label("", id="detail-position", classes="muted", markup=False)
        yield KeyBar()

    async def on_mount(self) -> None:
        await self._show()

    async def _show(self) -> None:
        statement = self.statement
        self.query_one("#detail-heading", Label).update(
            t(f"statements.detail.title.{statement.kind}")
        )
        grid = self.query_one("#detail-grid", Grid)
        await grid.remove_children()
        cells: list[Label] = []
        for label, value in detail_fields(statement):
            cells.append(Label(label, classes="detail-label", markup=False))
            cells.append(Label(value, classes="detail-value", markup=False))
        await grid.mount_all(cells)
        self.query_one("#detail-position", Label).update(
            t(
                "statements.detail.position",
                position=f"{self.index + 1:,}",
                count=f"{len(self.statements):,}",
            )
        )

    async def action_move(self, step: int) -> None:
        index = self.index + step
        if 0 <= index < len(self.statements):
            self.index = index
            await self._show()

    def action_back(self) -> None:
        self.dismiss(self.index)
