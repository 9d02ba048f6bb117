"""Statements (明細): loan, repayment and card tabs, a period and paging; F6 opens the CSV
export (``acom_tui.dialogs.export``), F7 the e-delivery consent (``acom_tui.dialogs.delivery``).

The table never holds more than :data:`MAX_ROWS` rows: the first page is drawn at once,
the next one is fetched when the cursor comes within :data:`PREFETCH_MARGIN` rows of the
end (or with F4), and after :data:`MAX_ROWS` the screen says to narrow the period or save
a CSV, which walks every page of the view without keeping them. Measured with
``tracemalloc`` (rows, the table's copy and its text): about 11 MB for 2,000 rows, so about
30 MB for all 5,472 of 10000010's card rows, and a real history has no upper bound (see
``docs/tui-statements.md``).

The period presets and the date parser are plain functions, tested without the UI.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar, Final, Literal, get_args

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label, Tab, Tabs

from acom_contract.jst import to_jst
from acom_tui.dialogs.delivery import DeliveryDialog
from acom_tui.dialogs.export import ExportDialog
from acom_tui.formatting import format_date, format_rate, format_yen
from acom_tui.i18n import get_language, t
from acom_tui.normalize import HYPHENS, InputError
from acom_tui.screens.base import AcomScreen
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.busy import busy
from acom_tui.widgets.form_input import FormInput
from acom_tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from acom_contract.schemas import (
        Account,
        ElectronicDelivery,
        Page,
        Statement,
        StatementKind,
    )
    from acom_tui.api.client import Client

__all__ = [
    "FIRST_PAGE",
    "MAX_ROWS",
    "MORE_PAGE",
    "PERIODS",
    "PREFETCH_MARGIN",
    "Period",
    "StatementRows",
    "StatementTable",
    "StatementsFirst",
    "StatementsQuery",
    "StatementsScreen",
    "months_back",
    "parse_day",
    "period_range",
    "row_cells",
    "short_date",
]

Period = Literal["month", "quarter", "year", "all", "custom"]
PERIODS: Final[tuple[Period, ...]] = get_args(Period)
KINDS: Final[tuple[StatementKind, ...]] = ("loan", "repayment", "card")

# A screenful and then some: the first page must draw at once (SPEC 5: under 150 ms).
FIRST_PAGE: Final = 100
MORE_PAGE: Final = 200
MAX_ROWS: Final = 2000
PREFETCH_MARGIN: Final = 20
DEFAULT_PERIOD: Final[Period] = "all"

# --- pure rules: periods and dates --------------------------------------------------------------

_DATE_WIDTH: Final = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **dict.fromkeys(HYPHENS, "-"),
        "／": "/",
        "．": ".",
    }
)
_DATE_SEPARATED: Final = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_DATE_COMPACT: Final = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_day(text: str) -> date | None:
    """A calendar day as people type it, or None for an empty field.

    ``2026-09-01``, ``2026/9/1``, ``2026.9.1``, ``20260901``, ``2026年9月1日``, with
    full-width digits and any hyphen an input method produces. Raises ``InputError``
    (``statements.date.invalid``) for anything else, including 2026-02-30.
    """
    value = "".join(text.translate(_DATE_WIDTH).split())
    if not value:
        return None
    match = _DATE_SEPARATED.fullmatch(value) or _DATE_COMPACT.fullmatch(value)
    problem = InputError("date", "INVALID", "statements.date.invalid", {"text": text.strip()})
    if match is None:
        raise problem
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise problem from None


def months_back(day: date, months: int) -> date:
    """The same day ``months`` earlier; a day the month lacks becomes its last day."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("every month has 28 days")


def period_range(period: Period, today: date) -> tuple[date | None, date | None]:
    """The first and last day (inclusive, Japan time) of a preset period ending today.

    "3 months" and "1 year" start on the same day of the month that far back (9 Sep to
    2 Dec), as bank statement pages do; ``all`` and ``custom`` have no preset bounds.
    """
    if period == "month":
        return today.replace(day=1), today
    if period == "quarter":
        return months_back(today, 3), today
    if period == "year":
        return months_back(today, 12), today
    return None, None


def short_date(moment: datetime | date, lang: str) -> str:
    """``2026/12/01`` (ja) or ``2026-12-01`` (en): a table column of fixed width."""
    day = to_jst(moment).date() if isinstance(moment, datetime) else moment
    return f"{day:%Y/%m/%d}" if lang == "ja" else day.isoformat()


@dataclass(frozen=True, slots=True)
class StatementsQuery:
    """What the table shows: one kind over one period."""

    kind: StatementKind
    period: Period
    date_from: date | None
    date_to: date | None

    def describe_period(self) -> str:
        lang = get_language()
        start = format_date(self.date_from, lang) if self.date_from else None
        end = format_date(self.date_to, lang) if self.date_to else None
        if start and end:
            return t("statements.period.range", start=start, end=end)
        if start:
            return t("statements.period.since", start=start)
        if end:
            return t("statements.period.until", end=end)
        return t("statements.period.everything")


@dataclass(frozen=True, slots=True)
class StatementsFirst:
    """What the screen shows first, each a value or the error it raised."""

    query: StatementsQuery
    account: Account | BaseException
    delivery: ElectronicDelivery | BaseException
    page: Page[Statement] | BaseException


class StatementRows:
    """The rows of one query as pages arrive: no duplicates, at most ``cap`` kept."""

    def __init__(self, cap: int = MAX_ROWS) -> None:
        self.cap = cap
        self.items: list[Statement] = []
        self.next_cursor: str | None = None
        self.pages = 0
        self._ids: set[str] = set()

    def add_page(self, page: Page[Statement]) -> list[Statement]:
        """Keep the page's new rows (up to the cap) and its cursor; return the rows kept."""
        room = self.cap - len(self.items)
        fresh = [s for s in page.items if s.id not in self._ids][: max(room, 0)]
        self.items.extend(fresh)
        self._ids.update(s.id for s in fresh)
        self.next_cursor = page.next_cursor
        self.pages += 1
        return fresh

    @property
    def capped(self) -> bool:
        return len(self.items) >= self.cap and self.next_cursor is not None

    @property
    def more(self) -> bool:
        """Whether another page exists and may be kept."""
        return self.next_cursor is not None and not self.capped


# --- the table --------------------------------------------------------------------------------


# (catalogue key of the header, width in cells or None to fit, right-aligned)
_Column = tuple[str, int | None, bool]
_COLUMNS: Final[dict[StatementKind, tuple[_Column, ...]]] = {
    "loan": (
        ("date", 10, False),
        ("loan_amount", 12, True),
        ("rate", 6, True),
        ("balance", 12, True),
        ("next_due", 10, False),
    ),
    "repayment": (
        ("date", 10, False),
        ("repaid", 12, True),
        ("principal", 12, True),
        ("interest", 10, True),
        ("balance", 12, True),
    ),
    "card": (
        ("date", 10, False),
        # 76 cells fit beside the scrollbar at 80 columns; the detail shows names in full.
        ("merchant", 22, False),
        ("description", 22, False),
        ("card_amount", 12, True),
    ),
}


def _clip(text: str, width: int) -> str:
    # Cut by terminal cells, without Textual's ellipsis (an ambiguous-width character).
    while cell_len(text) > width:
        text = text[:-1]
    return text


def _aligned(text: str, width: int | None, right: bool) -> Text:
    # Always Text: a plain str cell would be parsed as markup ("[" in a merchant name).
    # DataTable does not honour Text.justify, so right alignment is padding.
    if width is not None:
        text = _clip(text, width)
        if right:
            text = " " * (width - cell_len(text)) + text
    return Text(text, no_wrap=True, end="")


def _values(statement: Statement) -> tuple[str, ...]:
    lang = get_language()

    def yen(amount: int | None) -> str:
        return "" if amount is None else format_yen(amount, lang)

    when = short_date(statement.occurred_at, lang)
    if statement.kind == "loan":
        rate = statement.interest_rate
        due = statement.next_due_date
        return (
            when,
            yen(statement.amount),
            format_rate(rate, lang) if rate is not None else "",
            yen(statement.balance_after),
            short_date(due, lang) if due is not None else "",
        )
    if statement.kind == "repayment":
        return (
            when,
            yen(statement.amount),
            yen(statement.principal),
            yen(statement.interest),
            yen(statement.balance_after),
        )
    return (when, statement.merchant or "", statement.description or "", yen(statement.amount))


def row_cells(statement: Statement) -> list[Text]:
    """The table cells of one statement, in the columns of its kind."""
    columns = _COLUMNS[statement.kind]
    return [
        _aligned(value, width, right)
        for value, (_key, width, right) in zip(_values(statement), columns, strict=True)
    ]


class StatementTable(DataTable[Text]):
    """The rows; Enter opens the one under the cursor (and says so in the key bar)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            "statements.keys.detail",
            id="statements.detail",
            key_display="Enter",
        ),
        # DataTable's Home/End scroll sideways; in a list of rows they mean first and last.
        Binding("home", "scroll_top", "statements.keys.first", show=False, id="statements.first"),
        Binding("end", "scroll_bottom", "statements.keys.last", show=False, id="statements.last"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def set_kind(self, kind: StatementKind) -> None:
        self.clear(columns=True)
        for key, width, right in _COLUMNS[kind]:
            self.add_column(_aligned(t(f"statements.col.{key}"), width, right), width=width)


class StatementsScreen(AcomScreen[None]):
    CSS_PATH = "statements.tcss"
    AUTO_FOCUS = "#statements-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        # The table's own Enter is shown in the key bar; this one serves the tabs.
        Binding("enter", "detail", "statements.keys.detail", id="statements.detail", show=False),
        Binding("f3", "focus_period", "statements.keys.period", id="statements.period"),
        # F8 saves (the CSV), F4 opens the linked screen (e-delivery): keys.MEANINGS.
        Binding("f8", "export", "statements.keys.export", id="statements.export"),
        Binding("f4", "delivery", "statements.keys.delivery", id="statements.delivery"),
        Binding("escape", "back", "keys.back", id="statements.back"),
        Binding("1", "kind('loan')", "statements.keys.loan", id="statements.loan", show=False),
        Binding(
            "2",
            "kind('repayment')",
            "statements.keys.repayment",
            id="statements.repayment",
            show=False,
        ),
        Binding("3", "kind('card')", "statements.keys.card", id="statements.card", show=False),
        Binding("f7", "more", "statements.keys.more", id="statements.more", show=False),
        Binding("f5", "reload", "keys.reload", id="statements.reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.has_credit_card = False
        self.delivery: ElectronicDelivery | None = None
        self.current = StatementsQuery("loan", DEFAULT_PERIOD, None, None)
        self.rows = StatementRows()
        self.loading_more = False
        self._focus_table_when_loaded = False

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("statements.title"))
        yield Tabs(
            Tab(f"1 {t('statements.tab.loan')}", id="kind-loan"),
            Tab(f"2 {t('statements.tab.repayment')}", id="kind-repayment"),
            id="kind-tabs",
        )
        with Horizontal(id="period-row"):
            yield Label(t("statements.period.label"), id="period-label", markup=False)
            yield Tabs(
                *(Tab(t(f"statements.period.{p}"), id=f"period-{p}") for p in PERIODS),
                active=f"period-{DEFAULT_PERIOD}",
                id="period-tabs",
            )
        with Horizontal(id="custom-period", classes="-hidden"):
            yield Label(t("statements.custom.from"), classes="custom-label", markup=False)
            yield FormInput(
                placeholder=t("statements.custom.placeholder"),
                id="date-from",
                compact=True,
                max_length=20,
            )
            yield Label(t("statements.custom.to"), classes="custom-label", markup=False)
            yield FormInput(
                placeholder=t("statements.custom.placeholder"),
                id="date-to",
                compact=True,
                max_length=20,
            )
        yield Banner("", variant="error", id="statements-error")
        yield StatementTable(id="statements-table")
        yield Label("", id="statements-count", classes="muted", markup=False)
        yield Label("", id="statements-delivery", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        if self.app.animation_level == "none":
            for field in self.query(Input):
                field.cursor_blink = False
        self._set_columns()
        self.show_first(self._show_first, busy_on=self.table)

    @property
    def table(self) -> StatementTable:
        return self.query_one("#statements-table", StatementTable)

    @property
    def client(self) -> Client | None:
        session = self.acom.session
        return session.backend.client if session is not None else None

    def today(self) -> date:
        return to_jst(self.acom.server_clock.now()).date()

    # --- loading ------------------------------------------------------------------------

    async def fetch_first(self) -> StatementsFirst | None:
        """Whether the card tab exists, the e-delivery state (optional on old servers) and
        the first page of the current view, in one go (at opening, and F5)."""
        client = self.client
        if client is None:
            return None
        query = self.current
        account, delivery, page = await asyncio.gather(
            client.account(),
            client.electronic_delivery(),
            self._fetch_page(client, query),
            return_exceptions=True,
        )
        return StatementsFirst(query, account, delivery, page)

    def _show_first(self, data: StatementsFirst | None) -> None:
        if data is None:
            return
        self._show_meta(data.account, data.delivery)
        if data.query == self.current:
            self._show_page(data.page)

    def _show_meta(
        self, account: Account | BaseException, delivery: ElectronicDelivery | BaseException
    ) -> None:
        if isinstance(account, BaseException):
            self.acom.report_error(account, inline=self._show_error)
        elif account.has_credit_card and not self.has_credit_card:
            self.has_credit_card = True
            # Mounted at once; awaiting it would only wait for its first paint.
            self.query_one("#kind-tabs", Tabs).add_tab(
                Tab(f"3 {t('statements.tab.card')}", id="kind-card")
            )
            self.refresh_bindings()
        self.show_delivery(None if isinstance(delivery, BaseException) else delivery)

    async def _fetch_page(self, client: Client, query: StatementsQuery) -> Page[Statement]:
        return await client.statements(
            kind=query.kind,
            date_from=query.date_from,
            date_to=query.date_to,
            limit=FIRST_PAGE,
        )

    @work(exclusive=True, group="statements-first")
    async def load_first(self) -> None:
        """The first page of the current query; older answers of other queries are dropped."""
        self.workers.cancel_group(self, "statements-more")
        client = self.client
        if client is None:
            return
        query = self.current
        self.rows = StatementRows()
        self.loading_more = False
        with busy(self.table):
            try:
                page: Page[Statement] | Exception = await self._fetch_page(client, query)
            except Exception as error:
                page = error
        if query == self.current:
            self._show_page(page)

    def _show_page(self, page: Page[Statement] | BaseException) -> None:
        """The first page of :attr:`current` (or why there is none) into a fresh table."""
        table = self.table
        self.rows = rows = StatementRows()
        self.loading_more = False
        # Leaving `loading` does not republish the bindings: the key bar would miss Enter.
        self.refresh_bindings()
        if isinstance(page, BaseException):
            self.acom.report_error(page, inline=self._show_error)
            return
        self.query_one("#statements-error", Banner).clear()
        table.clear()
        self._append(rows.add_page(page))
        self._show_count()
        # The table may have been loading (which refuses focus) when it was to be focused.
        if self._focus_table_when_loaded or self.focused is None:
            self._focus_table_when_loaded = False
            table.focus()

    @work(exclusive=True, group="statements-more")
    async def load_more(self) -> None:
        rows = self.rows
        client = self.client
        if client is None or not rows.more or self.loading_more:
            return
        query = self.current
        self.loading_more = True
        self._show_count()
        try:
            page = await client.statements(
                kind=query.kind,
                date_from=query.date_from,
                date_to=query.date_to,
                cursor=rows.next_cursor,
                limit=MORE_PAGE,
            )
        except Exception as error:
            self.acom.report_error(error, inline=self._show_error)
            return
        finally:
            if rows is self.rows:
                self.loading_more = False
        if rows is not self.rows:
            return
        self._append(rows.add_page(page))
        self._show_count()
        self._prefetch_if_near_end()

    def _append(self, statements: Sequence[Statement]) -> None:
        table = self.table
        for statement in statements:
            table.add_row(*row_cells(statement), key=statement.id)

    def _set_columns(self) -> None:
        self.table.set_kind(self.current.kind)

    def _show_error(self, text: str) -> None:
        self.query_one("#statements-error", Banner).show(text)

    def _show_count(self) -> None:
        rows = self.rows
        count = len(rows.items)
        label = self.query_one("#statements-count", Label)
        if rows.pages == 0:
            label.update("")
        elif count == 0:
            label.update(t("statements.empty"))
        elif self.loading_more:
            label.update(t("statements.count.loading"))
        elif rows.capped:
            label.update(t("statements.count.capped", count=f"{count:,}"))
        elif rows.more:
            label.update(t("statements.count.more", count=f"{count:,}"))
        else:
            label.update(t("statements.count.end", count=f"{count:,}"))

    def show_delivery(self, delivery: ElectronicDelivery | None) -> None:
        self.delivery = delivery
        line = self.query_one("#statements-delivery", Label)
        line.set_class(delivery is None, "-hidden")
        if delivery is None:
            return
        if delivery.consent and delivery.consented_at is not None:
            since = format_date(delivery.consented_at, get_language())
            line.update(t("statements.delivery.line_on", since=since))
        else:
            line.update(t("statements.delivery.line_off"))

    # --- paging -------------------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#statements-table")
    def _highlighted(self) -> None:
        self._prefetch_if_near_end()

    def _prefetch_if_near_end(self) -> None:
        table = self.table
        if self.rows.more and table.cursor_row >= table.row_count - PREFETCH_MARGIN:
            self.load_more()

    def action_more(self) -> None:
        self.load_more()

    def action_reload(self) -> None:
        query = self.current
        if query.period not in ("all", "custom"):
            # "This month" after midnight on the last day is next month's.
            start, end = period_range(query.period, self.today())
            self.current = StatementsQuery(query.kind, query.period, start, end)
        self.workers.cancel_group(self, "statements-more")
        self.show_first(self._show_first, busy_on=self.table)

    # --- the query ----------------------------------------------------------------------

    def _change(self, query: StatementsQuery) -> None:
        if query == self.current:
            return
        kind_changed = query.kind != self.current.kind
        self.current = query
        if kind_changed:
            self._set_columns()
        else:
            self.table.clear()
        self.load_first()

    def action_kind(self, kind: StatementKind) -> None:
        if kind == "card" and not self.has_credit_card:
            return
        self.query_one("#kind-tabs", Tabs).active = f"kind-{kind}"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "kind" and parameters == ("card",):
            return self.has_credit_card
        return True

    @on(Tabs.TabActivated, "#kind-tabs")
    def _kind_tab(self, event: Tabs.TabActivated) -> None:
        kind = (event.tab.id or "").removeprefix("kind-")
        if kind in KINDS and kind != self.current.kind:
            q = self.current
            self._change(StatementsQuery(_as_kind(kind), q.period, q.date_from, q.date_to))

    @on(Tabs.TabActivated, "#period-tabs")
    def _period_tab(self, event: Tabs.TabActivated) -> None:
        period = (event.tab.id or "").removeprefix("period-")
        if period not in PERIODS:
            return
        custom = period == "custom"
        self.query_one("#custom-period").set_class(not custom, "-hidden")
        if custom:
            # The dates typed decide; nothing is fetched until Enter.
            if self.current.period != "custom":
                self.query_one("#date-from", Input).focus()
            return
        start, end = period_range(_as_period(period), self.today())
        self.query_one("#statements-error", Banner).clear()
        self._change(StatementsQuery(self.current.kind, _as_period(period), start, end))

    @on(Input.Submitted, "#custom-period Input")
    def _custom_submitted(self) -> None:
        try:
            start = parse_day(self.query_one("#date-from", Input).value)
            end = parse_day(self.query_one("#date-to", Input).value)
        except InputError as error:
            self._show_error(t(error.message_key, **error.params))
            return
        if start is not None and end is not None and start > end:
            self._show_error(t("statements.date.order"))
            return
        self.query_one("#statements-error", Banner).clear()
        # A table that is loading cannot take focus: it gets it when its rows are in.
        self._focus_table_when_loaded = True
        self._change(StatementsQuery(self.current.kind, "custom", start, end))
        if not self.table.loading:
            self.table.focus()

    def action_focus_period(self) -> None:
        self.query_one("#period-tabs", Tabs).focus()

    # --- actions ------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss()

    def action_detail(self) -> None:
        table = self.table
        if table.row_count:
            self._open_detail(table.cursor_row)

    @on(DataTable.RowSelected, "#statements-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open_detail(event.cursor_row)

    def _open_detail(self, index: int) -> None:
        from acom_tui.screens.statement_detail import StatementDetailScreen

        items = self.rows.items
        if not 0 <= index < len(items):
            return

        def back_at(position: int | None) -> None:
            if position is not None and 0 <= position < self.table.row_count:
                self.table.move_cursor(row=position)

        self.app.push_screen(StatementDetailScreen(items, index), back_at)

    def action_export(self) -> None:
        client = self.client
        if client is None:
            return
        session = self.acom.session
        member = session.member_number if session is not None else ""
        self.app.push_screen(ExportDialog(client, self.current, self.today(), member))

    def action_delivery(self) -> None:
        client = self.client
        if client is None:
            return

        def changed(result: ElectronicDelivery | None) -> None:
            if result is not None:
                self.show_delivery(result)

        self.app.push_screen(DeliveryDialog(client, self.delivery), changed)


def _as_kind(value: str) -> StatementKind:
    for kind in KINDS:
        if kind == value:
            return kind
    raise ValueError(value)


def _as_period(value: str) -> Period:
    for period in PERIODS:
        if period == value:
            return period
    raise ValueError(value)
