"""The repayment simulator (SPEC 2.15), before and after login.

Two methods: from a monthly payment (how many payments, the interest, the payoff date) or
from a number of payments (how much each time). The server does every calculation through
the public ``POST /v1/simulations/repayment``, so the screen works against any server and
shows its limits as it states them; the screen only reads what was typed (full-width
digits, commas, 円, 万, %) and lays the answer out: a summary, the balance as a bar chart
and the whole schedule in a scrollable table.

Dates: the borrowing day is today in Japan time by the server's clock (the mock clock in
the demo), and each payment falls 30 days after the previous one, as the published method
assumes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar, Final, Literal, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Label

from acom_contract.jst import JST
from acom_tui import errors_ui
from acom_tui.api.errors import ValidationFailed
from acom_tui.formatting import format_date, format_rate, format_yen
from acom_tui.i18n import Language, get_language, t
from acom_tui.normalize import HYPHENS, InputError, Normalized, parse_amount_yen
from acom_tui.screens.base import AcomScreen
from acom_tui.widgets.balance_chart import BalanceChart
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.busy import busy
from acom_tui.widgets.form_input import FormInput
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.plain_button import PlainButton
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from acom_contract.schemas import Account, Simulation, SimulationRow

__all__ = [
    "GUEST_RATE",
    "Mode",
    "SimulationInput",
    "SimulatorScreen",
    "balances_before",
    "never_repays",
    "parse_payment_count",
    "parse_rate",
    "payment_dates",
]

T = TypeVar("T")
Mode = Literal["payment", "count"]
Field = Literal["amount", "rate", "payment", "count"]

# Before login there is no contract rate; the highest rate of the product is the prudent
# estimate (a member with a lower rate pays less than shown, never more).
GUEST_RATE: Final = Decimal("18.0")
PERIOD_DAYS: Final = 30
YEAR_DAYS: Final = 365

# The server's field names, and the input each belongs to.
_SERVER_FIELDS: Final[dict[str, Field]] = {
    "amount": "amount",
    "annual_rate": "rate",
    "monthly_payment": "payment",
    "payments": "count",
}

_WIDTH: Final = str.maketrans(
    {**{chr(0xFF10 + i): str(i) for i in range(10)}, "．": ".", "％": "%", "，": ","}
)
_RATE_RE: Final = re.compile(r"\d+(?:\.\d+)?|\.\d+")


# --- reading what was typed (pure) ----------------------------------------------------------


def _compact(text: str) -> str:
    return "".join(c for c in text.translate(_WIDTH) if not c.isspace())


def parse_rate(text: str) -> Normalized[Decimal]:
    """A yearly rate in percent: ``18``, ``18.0``, ``18.0%``, ``１８．０％``.

    Only the form is checked here; whether the rate is accepted (above 0, at most the
    legal ceiling, how many decimals) is the server's rule, stated in its answer.
    """
    body = _compact(text).removesuffix("%")
    if not body:
        raise InputError("annual_rate", "EMPTY", "simulator.input.rate.empty")
    if body[0] in HYPHENS:
        raise InputError("annual_rate", "NEGATIVE", "simulator.input.rate.invalid")
    if not _RATE_RE.fullmatch(body):
        raise InputError("annual_rate", "NOT_A_NUMBER", "simulator.input.rate.invalid")
    value = Decimal(body)
    return Normalized(value, body != text)


def parse_payment_count(text: str) -> Normalized[int]:
    """A number of payments: ``36``, ``３６``, ``36回``."""
    body = _compact(text).removesuffix("回")
    if not body:
        raise InputError("payments", "EMPTY", "simulator.input.count.empty")
    if not body.isascii() or not body.isdigit():
        raise InputError("payments", "NOT_DIGITS", "simulator.input.count.invalid")
    value = int(body)
    return Normalized(value, str(value) != text)


def never_repays(amount: int, rate: Decimal, payment: int) -> int | None:
    """The interest of one 30-day period when ``payment`` does not exceed it, else None.

    Such a payment never lowers the balance. The server refuses it anyway (its minimum
    payment is always higher); this only lets the screen say why in plain words, with the
    published method's figure ``floor(balance x rate x 30 / 365)``.
    """
    numerator, denominator = rate.as_integer_ratio()
    interest = amount * numerator * PERIOD_DAYS // (denominator * 100 * YEAR_DAYS)
    return interest if payment <= interest else None


def balances_before(simulation: Simulation) -> list[int]:
    """The balance owed just before each payment: the amount, then after each payment."""
    rows = simulation.schedule
    return [simulation.amount, *(row.balance for row in rows[:-1])] if rows else []


def payment_dates(borrowed_on: date, schedule: Sequence[SimulationRow]) -> list[date]:
    """The day of each payment: ``day`` days after the borrowing day."""
    return [borrowed_on + timedelta(days=row.day) for row in schedule]


@dataclass(frozen=True, slots=True)
class SimulationInput:
    """What the member asked, as the API takes it."""

    mode: Mode
    amount: int
    rate: Decimal
    monthly_payment: int | None = None
    payments: int | None = None


def _table_date(day: date) -> str:
    # Fixed width in both languages: the table column must not jump between rows.
    return f"{day.year}/{day.month:02d}/{day.day:02d}"


def _plain_yen(amount: int) -> str:
    # The column header carries the unit; the cells keep only the figures.
    return f"{amount:,}"


def _rate_text(rate: Decimal) -> str:
    return format_rate(rate, get_language()).removesuffix("%")


# --- the screen ---------------------------------------------------------------------------


class SimulatorScreen(AcomScreen[None]):
    CSS_PATH = "simulator.tcss"
    AUTO_FOCUS = "#sim-amount"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f8", "calculate", "simulator.keys.calculate", id="simulator.calculate"),
        Binding("f3", "switch_mode", "simulator.keys.mode", id="simulator.mode"),
        Binding("escape", "back", "keys.back", id="simulator.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.mode: Mode = "payment"
        self.result: Simulation | None = None
        self._rate_touched = False
        self._member_rate = False

    # --- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("simulator.title"))
        with Vertical(id="sim-form"):
            with Horizontal(classes="sim-row", id="sim-mode-row"):
                yield Label(t("simulator.mode.label"), classes="sim-label", markup=False)
                yield PlainButton("", id="sim-mode-payment", compact=True, classes="sim-mode")
                yield PlainButton("", id="sim-mode-count", compact=True, classes="sim-mode")
            yield from self._field("amount", "", t("simulator.unit.yen"))
            yield from self._field("rate", _rate_text(GUEST_RATE), "%")
            yield from self._field("payment", "", t("simulator.unit.yen"))
            yield from self._field("count", "", t("simulator.unit.count"))
        yield Banner("", variant="error", id="sim-status")
        with Vertical(id="sim-result"):
            yield Prose(t("simulator.empty"), id="sim-empty")
            yield Label("", id="sim-basis", markup=False, classes="-hidden")
            with Grid(id="sim-summary", classes="-hidden"):
                for name in ("payments", "payoff", "monthly", "last", "interest", "total"):
                    yield Label(t(f"simulator.summary.{name}"), classes="sim-sum-label")
                    yield Label("", id=f"sim-sum-{name}", classes="sim-sum-value", markup=False)
            with Horizontal(id="sim-output", classes="-hidden"):
                with Vertical(id="sim-chart-box"):
                    yield Label("", id="sim-chart-title", markup=False)
                    yield BalanceChart(id="sim-chart")
                yield DataTable(id="sim-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def _field(self, name: Field, value: str, unit: str) -> ComposeResult:
        with Horizontal(classes="sim-row", id=f"sim-{name}-row"):
            yield Label(t(f"simulator.field.{name}"), classes="sim-label", markup=False)
            yield FormInput(value=value, id=f"sim-{name}", compact=True, max_length=20)
            yield Label(unit, classes="sim-unit", markup=False)
            yield Prose("", id=f"sim-{name}-message", classes="sim-message")

    def on_mount(self) -> None:
        if self.app.animation_level == "none":
            for field in self.query(Input):
                field.cursor_blink = False
        table = self.query_one("#sim-table", DataTable)
        for key in ("number", "date", "payment", "interest", "balance"):
            table.add_column(t(f"simulator.table.{key}"), key=key)
        self._show_mode()
        self._reset_messages()
        if self.acom.session is not None:
            self.show_first(self._member_account, busy_on=self.query_one("#sim-rate"))

    # --- the member's rate ------------------------------------------------------------

    @on(Input.Changed, "#sim-rate")
    def _rate_changed(self, event: Input.Changed) -> None:
        if self.query_one("#sim-rate", Input).has_focus:
            # Typed by the member: no longer the contract rate, and never overwritten.
            self._rate_touched = True
            self._member_rate = False

    async def fetch_first(self) -> Account | Exception | None:
        """The member's contract rate (logged in only: the simulator is open to anyone)."""
        session = self.acom.session
        if session is None:
            return None
        try:
            return await session.backend.client.account()
        except Exception as error:
            return error

    def _member_account(self, account: Account | Exception | None) -> None:
        """Start from the member's own rate, unless they typed one already."""
        if account is None:
            return
        if isinstance(account, Exception):
            self.acom.report_error(account, inline=self._show_status)
            return
        if not self._rate_touched:
            self.query_one("#sim-rate", Input).value = _rate_text(account.interest_rate)
            self._member_rate = True
            if not self._has_error("rate"):
                self._message("rate", self._hint("rate"), "hint")

    # --- modes ------------------------------------------------------------------------

    def action_switch_mode(self) -> None:
        self.set_mode("count" if self.mode == "payment" else "payment")

    @on(Button.Pressed, ".sim-mode")
    def _mode_pressed(self, event: Button.Pressed) -> None:
        self.set_mode("count" if event.button.id == "sim-mode-count" else "payment")

    def set_mode(self, mode: Mode) -> None:
        if mode == self.mode:
            return
        self.mode = mode
        self._show_mode()
        self.query_one(f"#sim-{self._last_field()}", Input).focus()

    def _last_field(self) -> Field:
        return "payment" if self.mode == "payment" else "count"

    def _show_mode(self) -> None:
        for mode in ("payment", "count"):
            chosen = mode == self.mode
            mark = "(*)" if chosen else "( )"
            button = self.query_one(f"#sim-mode-{mode}", Button)
            button.label = f"{mark} {t(f'simulator.mode.{mode}')}"
            button.set_class(chosen, "-chosen")
            self.query_one(f"#sim-{mode}-row").set_class(not chosen, "-hidden")

    # --- messages beside the fields ---------------------------------------------------

    def _hint(self, name: Field) -> str:
        if name == "rate":
            return t("simulator.hint.rate_member" if self._member_rate else "simulator.hint.rate")
        return t(f"simulator.hint.{name}")

    def _message(self, name: Field, text: str, kind: Literal["hint", "note", "error"]) -> None:
        message = self.query_one(f"#sim-{name}-message", Prose)
        message.update(text)
        message.set_class(kind == "error", "-error")
        message.set_class(kind == "note", "-note")

    def _reset_messages(self) -> None:
        for name in ("amount", "rate", "payment", "count"):
            self._message(name, self._hint(name), "hint")
        self.query_one("#sim-status", Banner).clear()

    def _show_status(self, text: str) -> None:
        self.query_one("#sim-status", Banner).show(text)

    def field_message(self, name: Field) -> str:
        return self.query_one(f"#sim-{name}-message", Prose).text

    # --- calculating ------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter: on to the next empty field, or calculate once every field is filled."""
        order: list[Field] = ["amount", "rate", self._last_field()]
        current = (event.input.id or "").removeprefix("sim-")
        later = order[order.index(current) + 1 :] if current in order else []
        for name in later:
            field = self.query_one(f"#sim-{name}", Input)
            if not field.value.strip():
                field.focus()
                return
        self.action_calculate()

    def read_input(self) -> SimulationInput | None:
        """What was typed, read leniently; None after marking every field that is wrong."""
        self._reset_messages()
        amount = self._read("amount", parse_amount_yen)
        rate = self._read("rate", parse_rate)
        if self.mode == "payment":
            payment = self._read("payment", parse_amount_yen)
            count = None
        else:
            payment = None
            count = self._read("count", parse_payment_count)
        last = payment if self.mode == "payment" else count
        if amount is None or rate is None or last is None:
            return None
        return SimulationInput(
            self.mode,
            amount,
            rate,
            monthly_payment=payment,
            payments=count,
        )

    def _read(self, name: Field, parse: Callable[[str], Normalized[T]]) -> T | None:
        field = self.query_one(f"#sim-{name}", Input)
        try:
            parsed = parse(field.value)
        except InputError as error:
            self._message(name, t(error.message_key, **error.params), "error")
            if not any(self._has_error(other) for other in self._fields_before(name)):
                field.focus()
            return None
        value = parsed.value
        if parsed.changed and name in ("amount", "payment") and isinstance(value, int):
            # "10万" or "１０，０００円": say how it was read before anything is shown for it.
            amount = format_yen(value, get_language())
            self._message(name, t("input.amount.read_as", amount=amount), "note")
        return value

    def _fields_before(self, name: Field) -> list[Field]:
        order: list[Field] = ["amount", "rate", self._last_field()]
        return order[: order.index(name)]

    def _has_error(self, name: Field) -> bool:
        return self.query_one(f"#sim-{name}-message", Prose).has_class("-error")

    def action_calculate(self) -> None:
        request = self.read_input()
        if request is None:
            self._clear_result()
            return
        self.simulate(request)

    @work(exclusive=True, group="simulate")
    async def simulate(self, request: SimulationInput) -> None:
        try:
            with busy(self.query_one("#sim-result"), after=0):
                backend = await self.acom.wait_backend()
                result = await backend.client.simulate_repayment(
                    request.amount,
                    request.rate,
                    monthly_payment=request.monthly_payment,
                    payments=request.payments,
                )
        except ValidationFailed as error:
            self._clear_result()
            self._refused(request, error)
            return
        except Exception as error:
            self._clear_result()
            self.acom.report_error(error, inline=self._show_status)
            return
        self.show_result(request, result)

    def _refused(self, request: SimulationInput, error: ValidationFailed) -> None:
        """The server's limit, in words, beside the field it concerns."""
        name = _SERVER_FIELDS.get(error.field or "")
        if name is None or (name in ("payment", "count") and name != self._last_field()):
            self._show_status(errors_ui.message_for(error))
            return
        text = errors_ui.field_message(error)
        if name == "payment" and request.monthly_payment is not None:
            interest = never_repays(request.amount, request.rate, request.monthly_payment)
            if interest is not None:
                lang = get_language()
                text += "\n" + t("simulator.never_repays", interest=format_yen(interest, lang))
        self._message(name, text, "error")
        self.query_one(f"#sim-{name}", Input).focus()

    # --- the answer -------------------------------------------------------------------

    def _clear_result(self) -> None:
        self.result = None
        self.query_one("#sim-empty").remove_class("-hidden")
        for part in ("#sim-basis", "#sim-summary", "#sim-output"):
            self.query_one(part).add_class("-hidden")
        self.query_one("#sim-table", DataTable).clear()
        self.query_one("#sim-chart", BalanceChart).clear()

    def show_result(self, request: SimulationInput, result: Simulation) -> None:
        self.result = result
        lang = get_language()
        today = self.acom.server_clock.now().astimezone(JST).date()
        dates = payment_dates(today, result.schedule)

        self.query_one("#sim-basis", Label).update(self._basis(request, lang))
        self._summary(result, dates, lang)
        self.query_one("#sim-chart-title", Label).update(
            t("simulator.chart.title", top=format_yen(result.amount, lang))
        )
        self.query_one("#sim-chart", BalanceChart).set_balances(
            balances_before(result),
            t("simulator.chart.first"),
            t("simulator.chart.last", count=result.payments),
        )
        self._fill_table(result, dates)
        self.query_one("#sim-empty").add_class("-hidden")
        for part in ("#sim-basis", "#sim-summary", "#sim-output"):
            self.query_one(part).remove_class("-hidden")

    def _basis(self, request: SimulationInput, lang: Language) -> str:
        amount = format_yen(request.amount, lang)
        rate = format_rate(request.rate, lang)
        if request.monthly_payment is not None:
            payment = format_yen(request.monthly_payment, lang)
            return t("simulator.basis.payment", amount=amount, rate=rate, payment=payment)
        return t("simulator.basis.count", amount=amount, rate=rate, count=request.payments)

    def _summary(self, result: Simulation, dates: Sequence[date], lang: Language) -> None:
        values = {
            "payments": t("simulator.summary.count", count=result.payments),
            "interest": format_yen(result.total_interest, lang),
            "payoff": format_date(dates[-1], lang) if dates else "",
            "monthly": format_yen(result.monthly_payment, lang),
            "total": format_yen(result.total_paid, lang),
            "last": format_yen(result.final_payment, lang),
        }
        for name, value in values.items():
            self.query_one(f"#sim-sum-{name}", Label).update(value)

    def _fill_table(self, result: Simulation, dates: Sequence[date]) -> None:
        table = self.query_one("#sim-table", DataTable)
        table.clear()
        for row, day in zip(result.schedule, dates, strict=True):
            table.add_row(
                Text(str(row.number), justify="right"),
                _table_date(day),
                Text(_plain_yen(row.payment), justify="right"),
                Text(_plain_yen(row.interest), justify="right"),
                Text(_plain_yen(row.balance), justify="right"),
                key=str(row.number),
            )

    # --- leaving ----------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss()
