"""What borrowing and repaying share: the confirmation that moves money, and the receipt.

The confirmation is where money moves, so it holds the rules that keep a movement from
happening twice (SPEC 2.8):

* one ``Idempotency-Key`` per confirmation, created by the screen that opens it and used
  for every send of it;
* the first press of the confirm button starts the request and every later press (a
  second Enter, a click) is ignored until an answer comes;
* when no answer comes (network, timeout, a busy server) the member can send again, with
  the same key, so the server replays the first answer instead of moving money again; if
  they close the dialog instead, the screen keeps the key for the same request, because
  the movement may have happened;
* a refusal is an answer: the key is spent, and a new attempt gets a new key.

The receipt replaces the form once money has moved, so Escape on it returns to the
dashboard, which has been told to fetch the new figures.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Label

from acom_tui import errors_ui
from acom_tui.api import errors
from acom_tui.dialogs.base import AcomModal
from acom_tui.i18n import t
from acom_tui.screens.base import AcomScreen
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from acom_contract.schemas import BankAccount

__all__ = [
    "ConfirmMovement",
    "ErrorKind",
    "FigureTable",
    "Outcome",
    "OutcomeKind",
    "ReceiptScreen",
    "Row",
    "classify_error",
    "format_bank_account",
    "refresh_dashboard",
]

R = TypeVar("R")
OutcomeKind = Literal["done", "refused", "cancelled", "unknown"]
ErrorKind = Literal["refused", "retry", "session"]
Row = tuple[str, str]
"""A line of a table: (label, value). A row whose value is empty is not shown."""


@dataclass(frozen=True, slots=True)
class Outcome(Generic[R]):
    """How a confirmation ended.

    ``done``: the server's answer is ``result``. ``refused``: the server answered
    ``error``, nothing moved. ``cancelled``: nothing was sent. ``unknown``: something was
    sent and no answer came, so the money may have moved.
    """

    kind: OutcomeKind
    result: R | None = None
    error: errors.ApiError | None = None


def classify_error(error: BaseException) -> ErrorKind:
    """What a failed send means for the member in the confirmation.

    ``session``: the app handles it (log out, maintenance). ``retry``: no usable answer
    came, the same key may be sent again. ``refused``: the server answered no.
    An automatic suspension does not end the session (docs/rules-money-service.md), so
    it is explained where the member is, like any other refusal.
    """
    if isinstance(error, errors.AccountSuspended):
        return "refused"
    if errors_ui.ends_session(error):
        return "session"
    if isinstance(
        error,
        errors.TransportError
        | errors.IdempotencyInProgress
        | errors.RateLimited
        | errors.ServerError
        | errors.UnexpectedResponse,
    ):
        return "retry"
    if isinstance(error, errors.ApiError):
        return "refused"
    return "retry"


def format_bank_account(account: BankAccount) -> str:
    """``楽天銀行 第一営業支店 普通 ****001``: the number is masked by the server."""
    kind = t(f"money.account_type.{account.account_type}")
    return f"{account.bank_name} {account.branch_name} {kind} {account.account_number_masked}"


def refresh_dashboard(app: App[Any]) -> None:
    """Have the dashboard under the money screens fetch the account again.

    Called as soon as money moved (or may have moved), so that the figures are new by
    the time the member returns to it.
    """
    from acom_tui.screens.dashboard import DashboardScreen

    for screen in app.screen_stack:
        if isinstance(screen, DashboardScreen) and screen.is_mounted:
            screen.load()


class FigureTable(Widget):
    """Labels and values in two columns; rebuilt as a whole when the rows change."""

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

    async def set_rows(self, rows: Sequence[Row]) -> None:
        self._rows = [row for row in rows if row[1]]
        grid = self.query_one(Grid)
        await grid.remove_children()
        await grid.mount_all(self._cells())

    def value_of(self, label: str) -> str | None:
        return next((value for name, value in self._rows if name == label), None)


class ConfirmMovement(AcomModal[Outcome[R]]):
    """A dialog that shows what will happen, then sends it once.

    ``send`` makes the request with the key it is given; it is called with
    ``idempotency_key`` every time, retries included.
    """

    DEFAULT_CSS = """
    ConfirmMovement {
        align: center middle;
    }
    ConfirmMovement #confirm-dialog {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        padding: 0 2;
        background: $panel;
        border: ascii $primary;
    }
    ConfirmMovement #confirm-title {
        text-style: bold;
        margin-bottom: 1;
    }
    ConfirmMovement #confirm-note {
        margin-top: 1;
        color: $text-muted;
    }
    ConfirmMovement #confirm-status {
        margin-top: 1;
    }
    ConfirmMovement .actions {
        padding: 1 0 0 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "money.keys.cancel", id="money.confirm.cancel"),
    ]

    def __init__(
        self,
        *,
        title: str,
        rows: Sequence[Row],
        note: str,
        confirm_label: str,
        idempotency_key: str,
        send: Callable[[str], Awaitable[R]],
    ) -> None:
        super().__init__()
        self._send_with = send
        self._title = title
        self._rows = list(rows)
        self._note = note
        self._confirm_label = confirm_label
        self.idempotency_key = idempotency_key
        self.sending = False
        self.sends = 0
        # True once a send got no answer: closing then leaves the outcome unknown.
        self.unanswered = False

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Label(self._title, id="confirm-title", markup=False)
            yield FigureTable(self._rows, id="confirm-figures")
            yield Prose(self._note, id="confirm-note")
            yield Banner("", variant="warning", id="confirm-status")
            with Horizontal(classes="actions"):
                yield Button(self._confirm_label, id="confirm-ok", variant="primary", compact=True)
                yield Button(t("money.confirm.cancel"), id="confirm-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#confirm-ok").focus()

    # --- pressing ---------------------------------------------------------------------

    @on(Button.Pressed, "#confirm-ok")
    def _confirm_pressed(self) -> None:
        self.confirm()

    @on(Button.Pressed, "#confirm-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def confirm(self) -> None:
        """Send, unless a send is already on its way (a second Enter does nothing)."""
        if self.sending:
            return
        self.sending = True
        self.sends += 1
        self._set_busy(True)
        self._send()

    def action_cancel(self) -> None:
        if self.sending:
            # The answer must be seen: leaving now would lose it.
            return
        self.dismiss(Outcome("unknown" if self.unanswered else "cancelled"))

    def _set_busy(self, busy: bool) -> None:
        for button in self.query(Button):
            button.disabled = busy
        self.query_one("#confirm-dialog").loading = busy
        if busy:
            self.query_one("#confirm-status", Banner).clear()

    # --- the request ------------------------------------------------------------------

    @work(exclusive=True, group="money-send")
    async def _send(self) -> None:
        try:
            result = await self._send_with(self.idempotency_key)
        except Exception as error:
            self._failed(error)
            return
        self.sending = False
        self.dismiss(Outcome("done", result=result))

    def _failed(self, error: Exception) -> None:
        self.sending = False
        kind = classify_error(error)
        if kind == "refused" and isinstance(error, errors.ApiError):
            self.dismiss(Outcome("refused", error=error))
            return
        if kind == "session":
            self.acom.report_error(error)
            return
        self.unanswered = True
        self._set_busy(False)
        ok = self.query_one("#confirm-ok", Button)
        ok.label = t("money.confirm.retry")
        self.acom.report_error(error, inline=self._show_retry)
        ok.focus()

    def _show_retry(self, message: str) -> None:
        text = f"{message}\n{t('money.confirm.retry_is_safe')}"
        self.query_one("#confirm-status", Banner).show(text)


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

    def __init__(self, *, where: str, lead: str, rows: Sequence[Row], note: str) -> None:
        super().__init__()
        self._where = where
        self._lead = lead
        self._rows = list(rows)
        self._note = note

    def compose(self) -> ComposeResult:
        yield self.title_bar(self._where)
        with VerticalScroll(id="receipt-body"):
            yield Banner(self._lead, variant="success", id="receipt-lead")
            yield FigureTable(self._rows, id="receipt-figures")
            yield Prose(self._note, id="receipt-note")
        with Horizontal(classes="actions"):
            yield Button(
                t("money.receipt.to_top"), id="receipt-done", variant="primary", compact=True
            )
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#receipt-done").focus()

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
