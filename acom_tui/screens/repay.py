"""Repayment by internet banking (振込による返済, SPEC 2.7): form, quote, confirmation, receipt.

The member picks an amount (the minimum, the payoff, or any amount in yen) and the bank
they pay from, out of the banks that take internet repayments. The server's quote shows
how the payment is allocated (late interest, then interest, then principal) before
anything is confirmed; the confirmation then sends exactly the quoted amount and bank.
Banks that do not work from a smartphone are marked, as the article warns, although a
terminal is not a smartphone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, ClassVar, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from acom_tui import errors_ui
from acom_tui.api import errors
from acom_tui.dialogs.confirm_movement import ConfirmMovement, Outcome
from acom_tui.formatting import format_date, format_datetime, format_yen
from acom_tui.i18n import get_language, t
from acom_tui.normalize import InputError
from acom_tui.screens.money_start import MoneyScreen, MoneyStart
from acom_tui.screens.receipt import ReceiptScreen, open_receipt, refresh_dashboard
from acom_tui.widgets.amount_input import AmountInput, AmountRule, describe_error
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.busy import busy
from acom_tui.widgets.figure_table import FigureTable, Row
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.plain_button import PlainButton
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from acom_contract.schemas import Account, Bank, Repayment, RepaymentQuote

__all__ = [
    "RepayScreen",
    "bank_label",
    "default_bank",
    "quote_rows",
    "repay_receipt",
    "repay_rule",
    "repayment_banks",
    "repayment_refusal",
]

QuickChoice = Literal["minimum", "payoff"]


# --- pure rules ---------------------------------------------------------------------------


def repay_rule(payoff: int) -> AmountRule:
    """1-yen units, at least 1 yen, at most the payoff amount (SPEC 2.7)."""
    return AmountRule(unit=1, minimum=1, maximum=payoff, over_key="money.amount.over_payoff")


def repayment_banks(banks: Sequence[Bank]) -> list[Bank]:
    """The banks a member can repay from, in the server's order."""
    return [bank for bank in banks if bank.internet_repayment]


def default_bank(banks: Sequence[Bank], registered_code: str | None) -> Bank | None:
    """The member's registered bank when it takes repayments, else the first one."""
    return next((b for b in banks if b.code == registered_code), banks[0] if banks else None)


def bank_label(bank: Bank) -> str:
    return t("money.repay.bank_no_smartphone", name=bank.name) if not bank.smartphone else bank.name


def quote_rows(
    late_interest: int, interest: int, principal: int, principal_after: int, due: date | None
) -> list[Row]:
    """The allocation, in the order the payment is applied (late interest first)."""
    lang = get_language()
    return [
        (t("money.repay.late_interest"), format_yen(late_interest, lang)),
        (t("money.repay.interest"), format_yen(interest, lang)),
        (t("money.repay.principal"), format_yen(principal, lang)),
        (t("money.repay.principal_after"), format_yen(principal_after, lang)),
        (
            t("money.repay.next_due_after"),
            format_date(due, lang) if due is not None else t("dashboard.no_payment_due"),
        ),
    ]


def repayment_refusal(error: errors.ApiError, bank_names: Mapping[str, str]) -> str:
    """The explanation of a refused repayment or quote, with what to do next."""
    details = error.details
    if isinstance(error, errors.Overpayment):
        payoff = details.get("payoff_amount")
        if isinstance(payoff, int) and not isinstance(payoff, bool):
            if payoff == 0:
                return t("money.repay.refusal.nothing_owed")
            return t("money.repay.refusal.OVERPAYMENT", payoff=format_yen(payoff, get_language()))
    if isinstance(error, errors.BankNotSupported):
        supported = details.get("supported")
        if isinstance(supported, list) and supported:
            names = "、".join(bank_names.get(str(code), str(code)) for code in supported)
            return t("money.repay.refusal.BANK_NOT_SUPPORTED", banks=names)
    return errors_ui.message_for(error)


# --- the screen ---------------------------------------------------------------------------


class RepayScreen(MoneyScreen):
    CSS_PATH = "repay.tcss"
    FORM_ID = "#repay-form"
    BUSY_ID = "#repay-main"
    AUTO_FOCUS = "#repay-amount"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "keys.back", id="repay.back"),
        # F3 means "choose" on every screen (keys.MEANINGS): here it goes to the quick
        # amounts, pressed again to the banks; Enter on a quick amount fills the field.
        Binding("f3", "choose", "money.keys.choose", id="repay.choose"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.account: Account | None = None
        self.banks: list[Bank] = []
        self.quote: RepaymentQuote | None = None
        # (amount, bank code, key) of a send that got no answer; see borrow.py.
        self.pending: tuple[int, str, str] | None = None

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("money.repay.title"))
        with Horizontal(id="repay-main"):
            with VerticalScroll(id="repay-left"):
                yield FigureTable(id="repay-figures")
                yield Banner("", variant="warning", id="repay-overdue")
                with Vertical(id="repay-form"):
                    with Horizontal(classes="amount-row"):
                        yield Label(
                            t("money.repay.bank_short"), classes="amount-label", markup=False
                        )
                        yield Label("", id="repay-bank-chosen", markup=False)
                    with Horizontal(classes="amount-row"):
                        yield Label(t("money.repay.amount"), classes="amount-label", markup=False)
                        yield AmountInput(
                            id="repay-amount", placeholder=t("money.repay.placeholder")
                        )
                        yield Label(t("money.yen_suffix"), classes="amount-suffix", markup=False)
                    yield Prose(t("money.repay.hint"), id="repay-message", classes="field-message")
                    with Horizontal(id="repay-quick", classes="quick-row"):
                        yield PlainButton(
                            t("money.keys.minimum"),
                            id="quick-minimum",
                            compact=True,
                            classes="quick",
                        )
                        yield PlainButton(
                            t("money.keys.payoff"),
                            id="quick-payoff",
                            compact=True,
                            classes="quick",
                        )
                        yield PlainButton(
                            t("money.keys.custom"),
                            id="quick-custom",
                            compact=True,
                            classes="quick",
                        )
                    yield Label(t("money.repay.quote_title"), id="repay-quote-title", markup=False)
                    yield Prose(t("money.repay.quote_hint"), id="repay-quote-hint")
                    yield FigureTable(id="repay-quote", classes="-hidden")
                    yield PlainButton(
                        t("money.repay.show_quote"),
                        id="repay-next",
                        variant="primary",
                        compact=True,
                    )
                yield Banner("", variant="error", id="repay-status")
            with Vertical(id="repay-right"):
                yield Label(t("money.repay.bank"), id="repay-banks-title", markup=False)
                yield OptionList(id="repay-banks", compact=True)
                yield Prose("", id="repay-bank-note")
        yield KeyBar()

    # --- loading (MoneyScreen.load) ----------------------------------------------------

    def show_start(self, start: MoneyStart, account: Account) -> None:
        if isinstance(start.banks, Exception):
            self.acom.report_error(start.banks, inline=self.show_status)
            return
        registered = None if start.profile is None else start.profile.bank_account.bank_code
        self.banks = repayment_banks(start.banks)
        self._show_banks(default_bank(self.banks, registered))
        self.show_account(account)

    def show_account(self, account: Account) -> None:
        self.account = account
        lang = get_language()
        due = (
            format_date(account.next_due_date, lang)
            if account.next_due_date is not None and account.payoff_amount > 0
            else t("dashboard.no_payment_due")
        )
        self.query_one("#repay-figures", FigureTable).set_rows(
            [
                (t("dashboard.payoff"), format_yen(account.payoff_amount, lang)),
                (t("dashboard.minimum"), format_yen(account.minimum_payment, lang)),
                (t("dashboard.next_due"), due),
            ]
        )
        overdue = self.query_one("#repay-overdue", Banner)
        if account.overdue_days > 0:
            overdue.show(
                t(
                    "money.repay.overdue",
                    days=account.overdue_days,
                    late_interest=format_yen(account.late_interest, lang),
                    minimum=format_yen(account.minimum_payment, lang),
                )
            )
        else:
            overdue.clear()
        self.query_one("#repay-amount", AmountInput).rule = repay_rule(account.payoff_amount)
        # The amounts are in the figures right above; the buttons only name them.
        self.query_one("#quick-minimum", Button).disabled = account.minimum_payment <= 0
        form = self.query_one("#repay-form")
        nothing_owed = account.payoff_amount <= 0
        form.disabled = nothing_owed or not self.banks
        if nothing_owed:
            self.show_status(t("money.repay.refusal.nothing_owed"), "info")
        elif not self.banks:
            self.show_status(t("money.repay.no_banks"))
        else:
            self.query_one("#repay-amount").focus()
        self.refresh_bindings()

    def _show_banks(self, selected: Bank | None) -> None:
        menu = self.query_one("#repay-banks", OptionList)
        menu.clear_options()
        menu.add_options([Option(bank_label(bank), id=bank.code) for bank in self.banks])
        if selected is not None:
            menu.highlighted = self.banks.index(selected)
        note = self.query_one("#repay-bank-note", Prose)
        flagged = any(not bank.smartphone for bank in self.banks)
        note.update(t("money.repay.smartphone_note") if flagged else "")

    # --- state ------------------------------------------------------------------------

    @property
    def selected_bank(self) -> Bank | None:
        menu = self.query_one("#repay-banks", OptionList)
        if menu.highlighted is None or not self.banks:
            return None
        return self.banks[menu.highlighted]

    def _bank_names(self) -> dict[str, str]:
        return {bank.code: bank.name for bank in self.banks}

    def _quote_matches(self) -> bool:
        quote, bank = self.quote, self.selected_bank
        if quote is None or bank is None or quote.bank_code != bank.code:
            return False
        try:
            return self.query_one("#repay-amount", AmountInput).read().value == quote.amount
        except InputError:
            return False

    def show_status(self, text: str, variant: Literal["error", "info"] = "error") -> None:
        self.query_one("#repay-status", Banner).show(text, variant)

    def _field_message(self, text: str, *, error: bool) -> None:
        message = self.query_one("#repay-message", Prose)
        message.update(text)
        message.set_class(error, "-error")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("quick", "custom", "banks", "choose"):
            return not self.query_one("#repay-form").disabled
        return True

    def _set_quote(self, quote: RepaymentQuote | None) -> None:
        self.quote = quote
        table = self.query_one("#repay-quote", FigureTable)
        hint = self.query_one("#repay-quote-hint", Prose)
        title = self.query_one("#repay-quote-title", Label)
        button = self.query_one("#repay-next", Button)
        if quote is None:
            table.add_class("-hidden")
            hint.remove_class("-hidden")
            title.update(t("money.repay.quote_title"))
            button.label = t("money.repay.show_quote")
            return
        lang = get_language()
        bank = self._bank_names().get(quote.bank_code, quote.bank_code)
        title.update(
            t("money.repay.quote_title_for", bank=bank, amount=format_yen(quote.amount, lang))
        )
        table.set_rows(
            quote_rows(
                quote.late_interest,
                quote.interest,
                quote.principal,
                quote.principal_after,
                quote.next_due_date_after,
            )
        )
        table.remove_class("-hidden")
        hint.add_class("-hidden")
        button.label = t("money.repay.to_confirm")

    # --- actions ----------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss()

    def action_quick(self, choice: QuickChoice) -> None:
        account = self.account
        if account is None:
            return
        amount = account.minimum_payment if choice == "minimum" else account.payoff_amount
        if amount <= 0:
            return
        # Fill the field, nothing more: Enter then shows the quote, as on Borrow it
        # opens the confirmation. One meaning for a quick key on both money screens.
        field = self.query_one("#repay-amount", AmountInput)
        field.set_amount(amount)
        field.focus()
        filled = t("money.repay.filled", amount=format_yen(amount, get_language()))
        self._field_message(filled, error=False)

    def action_custom(self) -> None:
        field = self.query_one("#repay-amount", AmountInput)
        field.value = ""
        field.focus()
        self._field_message(t("money.repay.hint"), error=False)

    def action_banks(self) -> None:
        self.query_one("#repay-banks").focus()

    def action_choose(self) -> None:
        """F3: to the quick amounts; from there (or again) to the banks, and back."""
        focused = self.focused
        in_quick = focused is not None and focused.has_class("quick")
        if in_quick:
            self.action_banks()
            return
        for button in self.query(".quick").results(Button):
            if not button.disabled:
                button.focus()
                return
        self.action_banks()

    @on(Button.Pressed, ".quick")
    def _quick_pressed(self, event: Button.Pressed) -> None:
        choice = (event.button.id or "").removeprefix("quick-")
        if choice == "custom":
            self.action_custom()
        elif choice in ("minimum", "payoff"):
            self.action_quick("minimum" if choice == "minimum" else "payoff")

    @on(Input.Submitted, "#repay-amount")
    @on(Button.Pressed, "#repay-next")
    @on(OptionList.OptionSelected, "#repay-banks")
    def _submitted(self) -> None:
        self.proceed()

    @on(OptionList.OptionHighlighted, "#repay-banks")
    def _bank_changed(self) -> None:
        bank = self.selected_bank
        chosen = self.query_one("#repay-bank-chosen", Label)
        chosen.update(bank_label(bank) if bank is not None else "")
        self._choice_changed()

    @on(Input.Changed, "#repay-amount")
    def _choice_changed(self) -> None:
        # A quote is only ever shown for exactly the amount and bank on the form.
        if self.quote is not None and not self._quote_matches():
            self._set_quote(None)

    def proceed(self) -> None:
        """Check the amount; show the quote, or, when it is showing, open the confirmation."""
        field = self.query_one("#repay-amount", AmountInput)
        bank = self.selected_bank
        if self.account is None or bank is None or self.query_one("#repay-form").disabled:
            return
        try:
            amount = field.read()
        except InputError as error:
            self._field_message(describe_error(error), error=True)
            field.focus()
            return
        if amount.changed:
            field.value = str(amount.value)
            text = t("input.amount.read_as", amount=format_yen(amount.value, get_language()))
            self._field_message(text, error=False)
        else:
            self._field_message(t("money.repay.hint"), error=False)
        self.query_one("#repay-status", Banner).clear()
        if self.quote is not None and self._quote_matches():
            self._confirm(self.quote)
        else:
            self.fetch_quote(amount.value, bank.code)

    @work(exclusive=True, group="repay-quote")
    async def fetch_quote(self, amount: int, bank_code: str) -> None:
        session = self.acom.session
        if session is None:
            return
        try:
            with busy(self.query_one("#repay-form"), after=0):
                quote = await session.backend.client.quote_repayment(amount, bank_code)
        except errors.Overpayment as error:
            self.show_status(repayment_refusal(error, self._bank_names()))
            self.load()
            return
        except errors.BankNotSupported as error:
            self.show_status(repayment_refusal(error, self._bank_names()))
            return
        except Exception as error:
            self.acom.report_error(error, inline=self.show_status)
            return
        self._set_quote(quote)
        if self.account is not None and quote.payoff_amount != self.account.payoff_amount:
            # Interest moved on since the form was drawn (midnight): follow the server.
            self.account = self.account.model_copy(update={"payoff_amount": quote.payoff_amount})
            self.query_one("#repay-amount", AmountInput).rule = repay_rule(quote.payoff_amount)
        self.query_one("#repay-next").focus()

    # --- confirmation and receipt -----------------------------------------------------

    def _confirm(self, quote: RepaymentQuote) -> None:
        session = self.acom.session
        if session is None:
            return
        client = session.backend.client
        pending = self.pending
        if pending is not None and pending[:2] == (quote.amount, quote.bank_code):
            key = pending[2]
        else:
            key = client.new_idempotency_key()
        bank = next((b for b in self.banks if b.code == quote.bank_code), None)
        lang = get_language()
        rows: list[Row] = [
            (t("money.repay.amount"), format_yen(quote.amount, lang)),
            (t("money.repay.bank"), bank_label(bank) if bank is not None else quote.bank_code),
            *quote_rows(
                quote.late_interest,
                quote.interest,
                quote.principal,
                quote.principal_after,
                quote.next_due_date_after,
            ),
        ]
        amount, code = quote.amount, quote.bank_code
        dialog: ConfirmMovement[Repayment] = ConfirmMovement(
            title=t("money.repay.confirm.title"),
            rows=rows,
            note=t("money.repay.confirm.note"),
            confirm_label=t("money.repay.confirm.ok"),
            idempotency_key=key,
            send=lambda k: client.repay(amount, code, idempotency_key=k),
        )
        self.app.push_screen(
            dialog, callback=lambda outcome: self._confirmed(amount, code, key, outcome)
        )

    def _confirmed(
        self, amount: int, code: str, key: str, outcome: Outcome[Repayment] | None
    ) -> None:
        if outcome is None or outcome.kind == "cancelled":
            return
        if outcome.kind == "unknown":
            self.pending = (amount, code, key)
            self.show_status(t("money.confirm.unknown"))
            refresh_dashboard(self.app)
            return
        self.pending = None
        if outcome.kind == "refused" and outcome.error is not None:
            self.show_status(repayment_refusal(outcome.error, self._bank_names()))
            self._set_quote(None)
            self.load()
            return
        if outcome.result is not None:
            refresh_dashboard(self.app)
            open_receipt(self.app, repay_receipt(outcome.result, self.account, self._bank_names()))


def repay_receipt(
    repayment: Repayment, before: Account | None, bank_names: Mapping[str, str]
) -> ReceiptScreen:
    """The receipt; ``before`` (the account as the form showed it) says whether the due
    date moved on, so the lead can say what is still to pay."""
    lang = get_language()
    due = repayment.next_due_date
    if due is None:
        lead = t("money.repay.receipt.lead.paid_off")
    elif before is not None and before.next_due_date == due and repayment.minimum_payment > 0:
        lead = t(
            "money.repay.receipt.lead.still_due",
            date=format_date(due, lang),
            remaining=format_yen(repayment.minimum_payment, lang),
        )
    else:
        lead = t("money.repay.receipt.lead.next", date=format_date(due, lang))
    rows: list[Row] = [
        (t("money.receipt.id"), repayment.id),
        (t("money.repay.amount"), format_yen(repayment.amount, lang)),
        (t("money.repay.bank"), bank_names.get(repayment.bank_code, repayment.bank_code)),
        *quote_rows(
            repayment.late_interest,
            repayment.interest,
            repayment.principal,
            repayment.principal_after,
            due,
        ),
        (t("money.receipt.minimum"), format_yen(repayment.minimum_payment, lang)),
        (t("money.receipt.created_at"), format_datetime(repayment.created_at, lang)),
    ]
    return ReceiptScreen(
        where=t("money.repay.receipt.title"),
        lead=lead,
        rows=rows,
        note=t("money.repay.receipt.note"),
        statement_id=repayment.id,
    )
