"""The receipt of a money movement, and what borrowing and repaying tell the app after one.

The receipt replaces the form once money has moved, so Escape on it returns to the
dashboard, which has been told to fetch the new figures. The confirmation that moves the
money is ``acom_tui.dialogs.confirm_movement``; the two-column figures are
``acom_tui.widgets.figure_table``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button

from acom_tui.i18n import get_language, t
from acom_tui.screens.base import AcomScreen
from acom_tui.signals import AccountChanged
from acom_tui.statement_notice import notice_rows
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.figure_table import FigureTable, Row
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.plain_button import PlainButton
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from acom_contract.schemas import BankAccount, Statement
    from acom_tui.app import AcomApp

__all__ = [
    "ReceiptScreen",
    "format_bank_account",
    "open_receipt",
    "refresh_dashboard",
]


def format_bank_account(account: BankAccount) -> str:
    """``楽天銀行 第一営業支店 普通 ****001``: the number is masked by the server."""
    kind = t(f"money.account_type.{account.account_type}")
    return f"{account.bank_name} {account.branch_name} {kind} {account.account_number_masked}"


def refresh_dashboard(app: App[Any]) -> None:
    """Tell the screens that show the account (the dashboard) that money moved.

    Called as soon as money moved (or may have moved), so that the figures are new by
    the time the member returns to it.
    """
    cast("AcomApp", app).account_changed.publish(AccountChanged())


class ReceiptScreen(AcomScreen[None]):
    """The server's answer to a movement, as the member keeps it."""

    DEFAULT_CSS = """
    ReceiptScreen #receipt-body {
        height: 1fr;
        padding: 0 1;
    }
    ReceiptScreen #receipt-lead {
        margin: 1 0;
    }
    ReceiptScreen #receipt-note {
        margin-top: 1;
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "money.keys.to_top", id="receipt.back"),
    ]

    def __init__(
        self,
        *,
        where: str,
        lead: str,
        rows: Sequence[Row],
        note: str,
        statement_id: str | None = None,
    ) -> None:
        super().__init__()
        self._where = where
        self._lead = lead
        self._rows = list(rows)
        self._note = note
        # The movement's statement: its notice lines (lender, contract, ...) follow the rows.
        self.statement_id = statement_id

    def compose(self) -> ComposeResult:
        yield self.title_bar(self._where)
        with VerticalScroll(id="receipt-body"):
            yield Banner(self._lead, variant="success", id="receipt-lead")
            yield FigureTable(self._rows, id="receipt-figures")
            yield FigureTable(id="receipt-notice")
            yield Prose(self._note, id="receipt-note")
        with Horizontal(classes="actions"):
            yield PlainButton(
                t("money.receipt.to_top"), id="receipt-done", variant="primary", compact=True
            )
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#receipt-done").focus()
        if self.statement_id is not None:
            self.show_first(self._show_notice, busy_on=self.query_one("#receipt-notice"))

    async def fetch_first(self) -> Statement | Exception | None:
        """The statement of the movement, with the lines the law asks of it (SPEC 2.9)."""
        session = self.acom.session
        if session is None or self.statement_id is None:
            return None
        try:
            return await session.backend.client.statement(self.statement_id)
        except Exception as error:
            return error

    def _show_notice(self, statement: Statement | Exception | None) -> None:
        if isinstance(statement, Exception):
            # The money moved and the receipt stands; only the notice lines are missing.
            self.acom.report_error(statement, inline=self._notice_missing)
        elif statement is not None:
            rows = notice_rows(statement, get_language())
            self.query_one("#receipt-notice", FigureTable).set_rows(rows)

    def _notice_missing(self, message: str) -> None:
        note = self.query_one("#receipt-note", Prose)
        note.update(f"{self._note}\n{t('money.receipt.notice_missing')}\n{message}")

    @property
    def figures(self) -> FigureTable:
        return self.query_one("#receipt-figures", FigureTable)

    def action_back(self) -> None:
        self.dismiss()

    @on(Button.Pressed, "#receipt-done")
    def _done(self) -> None:
        self.dismiss()


def open_receipt(app: App[Any], receipt: ReceiptScreen) -> None:
    """Replace the form on top with its receipt: Escape then leads back to the dashboard."""
    app.switch_screen(receipt)
