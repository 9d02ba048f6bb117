"""Borrowing by transfer (振込による借入れ, SPEC 2.6): form, confirmation, receipt.

The form shows what can be borrowed, where the money goes and when it should arrive. The
arrival is predicted here from the bank and the hour (the rule of docs/rules-money.md,
"Transfer timing"); the server's answer on the receipt is the truth. The figures in the
confirmation (new minimum payment, 30 days of interest) are estimates by the published
rules, labelled as such.

Whatever the client already knows would be refused (overdue, suspended, nothing
available) is said before the member types anything; every refusal says what to do next
and offers the key that does it (F7 repay, F8 settings).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label

from acom_contract.due_dates import first_due_date
from acom_contract.eligibility import BORROW_UNIT, transfer_arrival
from acom_contract.jst import to_jst
from acom_contract.money import ESTIMATE_DAYS, interest_estimate, minimum_payment
from acom_tui import errors_ui
from acom_tui.api import errors
from acom_tui.dialogs.confirm_movement import ConfirmMovement, Outcome
from acom_tui.formatting import format_date, format_datetime, format_rate, format_time, format_yen
from acom_tui.i18n import catalogue, get_language, t
from acom_tui.normalize import InputError
from acom_tui.screens.money_start import MoneyScreen, MoneyStart
from acom_tui.screens.receipt import (
    ReceiptScreen,
    format_bank_account,
    open_receipt,
    refresh_dashboard,
)
from acom_tui.widgets.amount_input import AmountInput, AmountRule, describe_error
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.figure_table import FigureTable, Row
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.plain_button import PlainButton
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from acom_contract.schemas import Account, Bank, Borrowing, Profile, TransferKind

__all__ = [
    "QUICK_AMOUNTS",
    "BorrowScreen",
    "Refusal",
    "borrow_rule",
    "describe_arrival",
    "largest_borrowing",
    "refusal_for",
    "refusal_from_account",
]

QUICK_AMOUNTS: tuple[int, ...] = (10_000, 30_000, 50_000)

NextStep = Literal["repay", "settings"]
# The key and the catalogue label of each next step: F4 opens the linked screen on every
# screen (keys.MEANINGS), and only one next step is offered at a time.
NEXT_STEP_KEYS: dict[NextStep, tuple[str, str]] = {
    "repay": ("F4", "money.keys.open_repay"),
    "settings": ("F4", "money.keys.open_settings"),
}


# --- pure rules ---------------------------------------------------------------------------


def predict_transfer(now: datetime, instant_bank: bool) -> tuple[TransferKind, datetime]:
    """When a borrowing requested at ``now`` should arrive: the server's rule, in Japan time."""
    return transfer_arrival(to_jst(now), instant_bank)


def largest_borrowing(available: int) -> int:
    """The most that can be asked for: the available amount in whole 1,000-yen units."""
    return available // BORROW_UNIT * BORROW_UNIT


def borrow_rule(available: int) -> AmountRule:
    return AmountRule(
        unit=BORROW_UNIT,
        minimum=BORROW_UNIT,
        maximum=available,
        over_key="money.amount.over_available",
    )


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a borrowing cannot be made, what to do next, and whether the form stays open."""

    code: str
    text: str
    next_step: NextStep | None
    blocks: bool


def _yen(details: Mapping[str, Any], name: str) -> str | None:
    value = details.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return format_yen(value, get_language())
    return None


def _suspension_title(reason: object) -> str:
    key = f"suspension.{reason}.title"
    return t(key) if key in catalogue(get_language()) else t("suspension.UNKNOWN.title")


def refusal_for(code: str, details: Mapping[str, Any]) -> Refusal | None:
    """The explanation of a refusal code, with the server's details filled in.

    None for a code that has no borrowing-specific explanation (the caller then shows
    ``errors_ui``'s message).
    """
    if code == "OVERDUE":
        days = details.get("overdue_days")
        minimum = _yen(details, "minimum_payment")
        if isinstance(days, int) and minimum is not None:
            text = t("money.borrow.refusal.OVERDUE", days=days, minimum=minimum)
        else:
            text = t("money.borrow.refusal.OVERDUE_plain")
        return Refusal(code, text, "repay", blocks=True)
    if code == "LIMIT_EXCEEDED":
        available = _yen(details, "available")
        if available is None:
            return None
        text = t("money.borrow.refusal.LIMIT_EXCEEDED", available=available)
        return Refusal(code, text, "settings", blocks=False)
    if code == "TOTAL_LENDING_LIMIT":
        most = details.get("max_amount")
        if isinstance(most, int) and not isinstance(most, bool) and most > 0:
            text = t(
                "money.borrow.refusal.TOTAL_LENDING_LIMIT",
                max_amount=format_yen(most, get_language()),
            )
        else:
            text = t("money.borrow.refusal.TOTAL_LENDING_LIMIT_none")
        return Refusal(code, text, "settings", blocks=False)
    if code == "INCOME_CERTIFICATE_REQUIRED":
        return Refusal(
            code, t("money.borrow.refusal.INCOME_CERTIFICATE_REQUIRED"), "settings", blocks=True
        )
    if code == "ACCOUNT_SUSPENDED":
        title = _suspension_title(details.get("reason"))
        text = t("money.borrow.refusal.ACCOUNT_SUSPENDED", title=title)
        return Refusal(code, text, "repay", blocks=True)
    if code == "NOTHING_AVAILABLE":
        return Refusal(code, t("money.borrow.refusal.NOTHING_AVAILABLE"), "repay", blocks=True)
    return None


def refusal_from_account(account: Account) -> Refusal | None:
    """What the account already says would be refused, before anything is typed."""
    if account.status == "suspended":
        return refusal_for("ACCOUNT_SUSPENDED", {"reason": account.suspension_reason})
    if account.overdue_days > 0:
        return refusal_for(
            "OVERDUE",
            {"overdue_days": account.overdue_days, "minimum_payment": account.minimum_payment},
        )
    if account.available < BORROW_UNIT:
        return refusal_for("NOTHING_AVAILABLE", {})
    return None


def describe_arrival(kind: TransferKind, arrives_at: datetime, now: datetime) -> str:
    """``即時振込 本日10:01ごろ着金``: the kind, and when (the date unless it is today)."""
    lang = get_language()
    if to_jst(arrives_at).date() == to_jst(now).date():
        when = t("money.transfer.today", time=format_time(arrives_at, lang))
    else:
        when = format_datetime(arrives_at, lang)
    return t(f"money.transfer.{kind}", when=when)


# --- the screen ---------------------------------------------------------------------------


class BorrowScreen(MoneyScreen):
    CSS_PATH = "borrow.tcss"
    # The transfer prediction moves with the clock (23:49 is instant, 23:50 tomorrow).
    BEATS_EVERY_SECOND = True
    FORM_ID = "#borrow-form"
    BUSY_ID = "#borrow-body"
    AUTO_FOCUS = "#borrow-amount"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "keys.back", id="borrow.back"),
        # F3 goes to the quick amounts (then Tab and Enter): F3 means "choose" on every
        # screen, so no F-key means "10,000 yen" here and something else elsewhere.
        Binding("f3", "choose", "money.keys.choose_amount", id="borrow.choose"),
        # One next step at a time is offered (check_action): both are "open the linked
        # screen", F4 everywhere.
        Binding("f4", "repay", "money.keys.open_repay", id="borrow.repay"),
        Binding("f4", "settings", "money.keys.open_settings", id="borrow.settings"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.account: Account | None = None
        self.profile: Profile | None = None
        self.bank: Bank | None = None
        self.refusal: Refusal | None = None
        # (amount, key) of a send that got no answer: the same amount reuses the key, so
        # that the server replays the first answer if the money did move.
        self.pending: tuple[int, str] | None = None
        # Said while ``pending`` is set: the result of that send is not known.
        self.notice: str | None = None
        # Set when Repay or Settings is opened from here: the account may change there.
        self._reload_on_resume = False

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("money.borrow.title"))
        with VerticalScroll(id="borrow-body"):
            yield FigureTable(id="borrow-figures")
            yield Prose("", id="borrow-transfer-note", classes="-hidden")
            with Vertical(id="borrow-form"):
                with Horizontal(classes="amount-row"):
                    yield Label(t("money.borrow.amount"), classes="amount-label", markup=False)
                    yield AmountInput(id="borrow-amount", placeholder=t("money.borrow.placeholder"))
                    yield Label(t("money.yen_suffix"), classes="amount-suffix", markup=False)
                yield Prose(t("money.borrow.hint"), id="borrow-message", classes="field-message")
                with Horizontal(id="borrow-quick", classes="quick-row"):
                    for amount in QUICK_AMOUNTS:
                        yield PlainButton(
                            t(f"money.keys.quick_{amount}"),
                            id=f"quick-{amount}",
                            compact=True,
                            classes="quick",
                        )
                    yield PlainButton(
                        t("money.keys.quick_all"),
                        id="quick-all",
                        compact=True,
                        classes="quick",
                    )
                yield PlainButton(
                    t("money.borrow.next"), id="borrow-next", variant="primary", compact=True
                )
            yield Banner("", variant="error", id="borrow-status")
            with Horizontal(classes="actions"):
                yield PlainButton("", id="borrow-next-step", compact=True, classes="-hidden")
        yield KeyBar()

    def on_screen_resume(self) -> None:
        if self._reload_on_resume:
            self._reload_on_resume = False
            self.set_refusal(None)
            self.load()

    # --- loading (MoneyScreen.load) ----------------------------------------------------

    def show_start(self, start: MoneyStart, account: Account) -> None:
        self.account = account
        self.profile = start.profile
        self.bank = None
        if self.profile is not None and not isinstance(start.banks, Exception):
            code = self.profile.bank_account.bank_code
            self.bank = next((bank for bank in start.banks if bank.code == code), None)
        self._show_figures(account)
        self.query_one("#borrow-amount", AmountInput).rule = borrow_rule(account.available)
        for amount in QUICK_AMOUNTS:
            self.query_one(f"#quick-{amount}", Button).disabled = amount > account.available
        self.set_refusal(refusal_from_account(account))

    def _show_figures(self, account: Account) -> None:
        lang = get_language()
        rows: list[Row] = [
            (t("money.borrow.available"), format_yen(account.available, lang)),
            (t("money.borrow.principal"), format_yen(account.principal, lang)),
            (t("money.borrow.destination"), self._destination()),
            (t("money.borrow.transfer"), self._arrival_text()),
        ]
        self.query_one("#borrow-figures", FigureTable).set_rows(rows)
        self._update_transfer_note()

    def _destination(self) -> str:
        if self.profile is None:
            return t("money.borrow.destination_unknown")
        return format_bank_account(self.profile.bank_account)

    def _prediction(self) -> tuple[TransferKind, datetime] | None:
        if self.bank is None:
            return None
        return predict_transfer(self.acom.server_clock.now(), self.bank.instant_transfer)

    def _arrival_text(self) -> str:
        prediction = self._prediction()
        if prediction is None:
            return t("money.transfer.unknown")
        return describe_arrival(*prediction, self.acom.server_clock.now())

    def _update_transfer_note(self) -> None:
        # An instant bank outside its hours: say why this one is not instant.
        note = self.query_one("#borrow-transfer-note", Prose)
        prediction = self._prediction()
        outside = (
            self.bank is not None
            and self.bank.instant_transfer
            and prediction is not None
            and prediction[0] == "scheduled"
        )
        note.update(t("money.transfer.outside_hours") if outside else "")
        note.set_class(not outside, "-hidden")

    def heartbeat(self) -> None:
        super().heartbeat()
        # The prediction moves with the clock (23:49 is instant, 23:50 is tomorrow).
        account = self.account
        if account is not None and self.bank is not None:
            table = self.query_one("#borrow-figures", FigureTable)
            if table.value_of(t("money.borrow.transfer")) != self._arrival_text():
                # Only the figures: a refusal on screen and the focus stay as they are.
                self._show_figures(account)

    # --- messages ---------------------------------------------------------------------

    def show_status(self, text: str) -> None:
        self.query_one("#borrow-status", Banner).show(text, "error")

    def _field_message(self, text: str, *, error: bool) -> None:
        message = self.query_one("#borrow-message", Prose)
        message.update(text)
        message.set_class(error, "-error")

    def set_refusal(self, refusal: Refusal | None) -> None:
        """Show why borrowing is refused (or clear it), and offer the next step's key."""
        self.refusal = refusal
        status = self.query_one("#borrow-status", Banner)
        if refusal is None and self.notice:
            status.show(self.notice, "warning")
        elif refusal is None:
            status.clear()
        else:
            status.show(refusal.text, "error")
        step = self.query_one("#borrow-next-step", Button)
        if refusal is not None and refusal.next_step is not None:
            key, label = NEXT_STEP_KEYS[refusal.next_step]
            step.label = f"{key} {t(label)}"
        step.set_class(refusal is None or refusal.next_step is None, "-hidden")
        blocked = refusal is not None and refusal.blocks
        form = self.query_one("#borrow-form")
        form.disabled = blocked or self.account is None
        # A form that cannot be used only distracts from what to do instead.
        form.set_class(blocked, "-hidden")
        if not form.disabled:
            self.query_one("#borrow-amount").focus()
        elif not step.has_class("-hidden"):
            step.focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        step = self.refusal.next_step if self.refusal is not None else None
        if action == "repay":
            return step == "repay"
        if action == "settings":
            return step == "settings"
        if action in ("quick", "quick_all", "choose"):
            return not self.query_one("#borrow-form").disabled
        return True

    # --- actions ----------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss()

    def action_quick(self, amount: int) -> None:
        """Fill the field, nothing more: Enter then reviews it, as on Repay.

        A quick key that opened the confirmation made one key press the whole way to
        "borrow" on this screen, and only half of it on Repay.
        """
        field = self.query_one("#borrow-amount", AmountInput)
        field.set_amount(amount)
        field.focus()
        filled = t("money.borrow.filled", amount=format_yen(amount, get_language()))
        self._field_message(filled, error=False)

    def action_choose(self) -> None:
        """F3: to the first quick amount that can be chosen; Enter fills it."""
        for button in self.query(".quick").results(Button):
            if not button.disabled:
                button.focus()
                return

    def action_quick_all(self) -> None:
        if self.account is not None:
            self.action_quick(largest_borrowing(self.account.available))

    def action_repay(self) -> None:
        from acom_tui.screens.repay import RepayScreen

        self._reload_on_resume = True
        self.app.push_screen(RepayScreen())

    def action_settings(self) -> None:
        from acom_tui.screens.services import build_screen, service

        self._reload_on_resume = True
        self.app.push_screen(build_screen(service("settings")))

    @on(Button.Pressed, ".quick")
    def _quick_pressed(self, event: Button.Pressed) -> None:
        suffix = (event.button.id or "").removeprefix("quick-")
        if suffix == "all":
            self.action_quick_all()
        elif suffix.isdigit():
            self.action_quick(int(suffix))

    @on(Button.Pressed, "#borrow-next-step")
    def _next_step_pressed(self) -> None:
        if self.refusal is not None and self.refusal.next_step == "repay":
            self.action_repay()
        elif self.refusal is not None and self.refusal.next_step == "settings":
            self.action_settings()

    @on(Input.Submitted, "#borrow-amount")
    @on(Button.Pressed, "#borrow-next")
    def _submitted(self) -> None:
        self.proceed()

    @on(Input.Changed, "#borrow-amount")
    def _changed(self) -> None:
        # A refusal that the form can fix (too much, 総量規制) stays until the amount changes.
        if self.refusal is not None and not self.refusal.blocks:
            self.set_refusal(None)

    def proceed(self) -> None:
        """Check the amount here, then open the confirmation."""
        account = self.account
        field = self.query_one("#borrow-amount", AmountInput)
        if account is None or self.query_one("#borrow-form").disabled:
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
            self._field_message(t("money.borrow.hint"), error=False)
        self._confirm(account, amount.value)

    # --- confirmation and receipt -----------------------------------------------------

    def _confirm(self, account: Account, amount: int) -> None:
        session = self.acom.session
        if session is None:
            return
        client = session.backend.client
        if self.pending is not None and self.pending[0] == amount:
            key = self.pending[1]
        else:
            key = client.new_idempotency_key()
        dialog: ConfirmMovement[Borrowing] = ConfirmMovement(
            title=t("money.borrow.confirm.title"),
            rows=self.confirmation_rows(account, amount),
            note=t("money.borrow.confirm.note"),
            confirm_label=t("money.borrow.confirm.ok"),
            idempotency_key=key,
            send=lambda k: client.borrow(amount, idempotency_key=k),
        )
        self.app.push_screen(dialog, callback=lambda outcome: self._confirmed(amount, key, outcome))

    def confirmation_rows(self, account: Account, amount: int) -> list[Row]:
        lang = get_language()
        principal_after = account.principal + amount
        minimum = minimum_payment(
            principal_after, account.credit_limit, account.payoff_amount + amount
        )
        today = to_jst(self.acom.server_clock.now()).date()
        interest = interest_estimate(
            amount, account.interest_rate, today, account.interest_free_until
        )
        due = ""
        if account.principal > 0 and account.next_due_date is not None:
            due = t("money.borrow.confirm.due_same", date=format_date(account.next_due_date, lang))
        elif account.principal == 0:
            # A first borrowing sets the due date: the server's rule, so the date shown
            # now is the date the receipt will show.
            first = first_due_date(account.repayment_cycle, today, account.monthly_due_day)
            due = t("money.borrow.confirm.due_first", date=format_date(first, lang))
        return [
            (t("money.borrow.amount"), format_yen(amount, lang)),
            (t("money.borrow.destination"), self._destination()),
            (t("money.borrow.transfer"), self._arrival_text()),
            (t("money.borrow.principal_after"), format_yen(principal_after, lang)),
            (t("money.borrow.minimum_estimate"), format_yen(minimum, lang)),
            (
                t("money.borrow.interest_estimate", days=ESTIMATE_DAYS),
                t(
                    "money.borrow.interest_value",
                    interest=format_yen(interest, lang),
                    rate=format_rate(account.interest_rate, lang),
                ),
            ),
            (t("money.borrow.next_due"), due),
        ]

    def _confirmed(self, amount: int, key: str, outcome: Outcome[Borrowing] | None) -> None:
        if outcome is None or outcome.kind == "cancelled":
            return
        if outcome.kind == "unknown":
            self.pending = (amount, key)
            self.notice = t("money.confirm.unknown")
            refresh_dashboard(self.app)
            self.load()
            return
        self.pending = None
        self.notice = None
        if outcome.kind == "refused" and outcome.error is not None:
            self._refused(outcome.error)
            return
        if outcome.result is not None:
            refresh_dashboard(self.app)
            open_receipt(self.app, borrow_receipt(outcome.result))

    def _refused(self, error: errors.ApiError) -> None:
        refusal = refusal_for(error.code, error.details)
        if refusal is None:
            refusal = Refusal(error.code, errors_ui.message_for(error), None, blocks=False)
        self.set_refusal(refusal)
        if error.code in ("LIMIT_EXCEEDED", "OVERDUE", "ACCOUNT_SUSPENDED"):
            # The account changed since the form was drawn: show what it is now, and
            # keep the server's explanation on screen.
            self.load(then=lambda: self.set_refusal(refusal))


def borrow_receipt(borrowing: Borrowing) -> ReceiptScreen:
    lang = get_language()
    arrival = format_datetime(borrowing.arrives_at, lang)
    due = (
        format_date(borrowing.next_due_date, lang)
        if borrowing.next_due_date is not None
        else t("dashboard.no_payment_due")
    )
    rows: list[Row] = [
        (t("money.receipt.id"), borrowing.id),
        (t("money.borrow.amount"), format_yen(borrowing.amount, lang)),
        (t("money.borrow.destination"), format_bank_account(borrowing.bank_account)),
        (t("money.borrow.transfer"), t(f"money.transfer.kind.{borrowing.transfer}")),
        (t("money.receipt.arrives_at"), arrival),
        (t("money.borrow.principal_after"), format_yen(borrowing.principal_after, lang)),
        (t("money.borrow.available"), format_yen(borrowing.available_after, lang)),
        (t("money.borrow.next_due"), due),
        (t("money.receipt.minimum"), format_yen(borrowing.minimum_payment, lang)),
        (t("money.receipt.created_at"), format_datetime(borrowing.created_at, lang)),
    ]
    return ReceiptScreen(
        where=t("money.borrow.receipt.title"),
        lead=t(f"money.borrow.receipt.lead.{borrowing.transfer}", when=arrival),
        rows=rows,
        note=t("money.borrow.receipt.note"),
        statement_id=borrowing.id,
    )
