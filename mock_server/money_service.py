"""The glue of the money part: load a loan from the store, apply a domain rule, write it back.

Every function here runs inside the caller's transaction (``store.write()`` for anything that
changes money) and raises ``ApiError`` for a refusal *before* it writes anything, so a refused
movement leaves nothing behind but what the caller decides to keep (the idempotency record).
The rules themselves are in ``mock_server/domain``; this module only decides what to load,
which rule to call and what to store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from acom_contract import eligibility
from acom_contract.money import Allocation, OverpaymentError
from acom_contract.schemas import (
    AccountStatus,
    BankAccount,
    Borrowing,
    Repayment,
    RepaymentQuote,
)
from mock_server.banks import BY_CODE
from mock_server.domain import account
from mock_server.domain.account import AccountState
from mock_server.errors import ApiError, validation_error
from mock_server.settings import ServerSettings
from mock_server.store import audit, documents, ledger, loans, members
from mock_server.store.timefmt import iso, parse

SYSTEM_ACTOR = "system"


# --- reading ------------------------------------------------------------------------------


def account_status(member: sqlite3.Row | Mapping[str, Any]) -> AccountStatus:
    """One status, the most serious first (as ``GET /v1/me/account`` and staff show it)."""
    if member["card_status"] == "lost":
        return "card_lost"
    if member["locked"]:
        return "locked"
    return "suspended" if member["status"] == "suspended" else "active"


def load_member(conn: sqlite3.Connection, member_number: str) -> sqlite3.Row:
    member = members.get(conn, member_number)
    if member is None:  # a session outliving its member: treat the token as invalid
        raise ApiError(401, "UNAUTHENTICATED", "This token is not valid; log in again.")
    return member


def load_state(conn: sqlite3.Connection, member_number: str) -> AccountState:
    state = loans.load(conn, member_number)
    if state is None:
        raise ApiError(401, "UNAUTHENTICATED", "This token is not valid; log in again.")
    return state


def repayment_method(state: AccountState) -> str:
    if state.cycle == "monthly":
        return f"定率リボルビング方式 (毎月{state.cycle_day}日払い)"
    return f"定率リボルビング方式 ({account.CYCLE_DAYS}日ごと払い)"


def has_valid_certificate(conn: sqlite3.Connection, member_number: str, now: datetime) -> bool:
    """An accepted income certificate uploaded within 3 years is on file (the services' rule)."""
    return documents.has_valid_certificate(conn, member_number, now)


@dataclass(frozen=True, slots=True)
class Income:
    """The income as declared and the income the credit rules use (SPEC 2.10)."""

    declared: int
    verified: int

    @property
    def certificate_needed(self) -> bool:
        return self.declared != self.verified


def income(conn: sqlite3.Connection, member: sqlite3.Row, now: datetime) -> Income:
    """The declared income counts once a certificate uploaded after the declaration is
    accepted; until then the last verified one (the contract's, or an earlier certificate's).

    Worked out when read, like the review itself, so moving the mock clock moves it too.
    """
    declared = int(member["annual_income"])
    verified = int(member["verified_annual_income"])
    reported = member["income_reported_at"]
    if (
        declared != verified
        and reported is not None
        and documents.accepted_since(conn, member["member_number"], parse(reported), now)
    ):
        verified = declared
    return Income(declared, verified)


# --- automatic suspensions ----------------------------------------------------------------


def delinquent(member: sqlite3.Row, state: AccountState, today: date, days: int) -> bool:
    """Overdue ``days`` or more and not yet suspended for any reason."""
    return member["status"] != "suspended" and account.overdue_days(state, today) >= days


def enforce_delinquency(
    conn: sqlite3.Connection, member: sqlite3.Row, now: datetime, settings: ServerSettings
) -> sqlite3.Row:
    """Suspend for ``DELINQUENCY`` when overdue long enough; returns the member row as stored.

    Applied lazily wherever the status matters (login, account, movements): the mock has no
    nightly batch, and the first look after the threshold is indistinguishable from one.
    """
    state = loans.load(conn, member["member_number"])
    if state is None or not delinquent(member, state, now.date(), settings.delinquency_days):
        return member
    number = member["member_number"]
    # Once per missed due date: a staff reinstatement after the due date overrides the
    # automatic rule until a new due date is missed (docs/decisions.md).
    reinstated = audit.last_action_at(conn, number, "reinstate")
    due = state.next_due_date
    if reinstated is not None and due is not None and parse(reinstated).date() > due:
        return member
    days = account.overdue_days(state, now.date())
    _suspend(conn, number, "DELINQUENCY", now, {"overdue_days": days})
    return load_member(conn, number)


def _suspend(
    conn: sqlite3.Connection,
    member_number: str,
    reason: str,
    now: datetime,
    details: dict[str, Any],
) -> None:
    loans.suspend(conn, member_number, reason)
    audit.add(
        conn,
        now,
        "system",
        SYSTEM_ACTOR,
        "suspend",
        member_number,
        reason,
        {"reason_code": reason, "automatic": True, **details},
    )


def _check_frequent_borrowing(
    conn: sqlite3.Connection, member_number: str, now: datetime, settings: ServerSettings
) -> None:
    window = timedelta(days=settings.frequent_borrowing_window_days)
    count = ledger.loans_since(conn, member_number, now - window)
    if count < settings.frequent_borrowing_count:
        return
    member = load_member(conn, member_number)
    if member["status"] == "suspended":
        return
    details = {"borrowings": count, "window_days": settings.frequent_borrowing_window_days}
    _suspend(conn, member_number, "FREQUENT_BORROWING", now, details)


def _refuse_blocked(member: sqlite3.Row, action: str) -> None:
    if member["locked"]:
        raise ApiError(
            423,
            "ACCOUNT_LOCKED",
            f"The account is locked: {action} is not possible until support unlocks it.",
        )
    if member["card_status"] == "lost":
        raise ApiError(
            403, "CARD_LOST", f"The card was reported lost or stolen: {action} is not possible."
        )
    if member["status"] == "suspended":
        raise ApiError(
            403,
            "ACCOUNT_SUSPENDED",
            f"Use of this account is suspended: {action} is not possible.",
            {"reason": member["suspension_reason"]},
        )


# --- borrowing ----------------------------------------------------------------------------


def check_borrow_amount(amount: int) -> None:
    """The amount's form (VALIDATION_ERROR), before any rule or idempotency record."""
    problem = eligibility.validate_borrow_amount(amount)
    if problem is not None:
        raise validation_error("amount", problem)


def bank_account(member: sqlite3.Row) -> BankAccount:
    bank = BY_CODE.get(member["bank_code"])
    number = str(member["account_number"])
    return BankAccount(
        bank_code=member["bank_code"],
        bank_name=bank.name if bank else member["bank_code"],
        branch_name=member["branch_name"],
        account_type=member["account_type"],
        account_number_masked="*" * max(0, len(number) - 3) + number[-3:],
        holder_kana=member["holder_kana"],
    )


def borrowing_headroom(
    state: AccountState, member: sqlite3.Row, today: date, verified_income: int
) -> dict[str, int | bool]:
    """What the UI needs to offer a borrowing that would pass: the details of a refusal."""
    available = max(0, state.credit_limit - state.principal)
    total_cap = verified_income // 3  # 3 × total <= income ⟺ total <= income // 3
    headroom = max(0, total_cap - state.principal - int(member["other_lenders_balance"]))
    unit = eligibility.BORROW_UNIT
    return {
        "available": available,
        "total_lending_headroom": headroom,
        "max_amount": min(available, headroom) // unit * unit,
        "overdue": account.is_overdue(state, today),
    }


_REFUSALS = {
    eligibility.BorrowRefusal.OVERDUE: "The payment due is overdue: pay the minimum first.",
    eligibility.BorrowRefusal.LIMIT_EXCEEDED: "The amount is more than the available credit.",
    eligibility.BorrowRefusal.TOTAL_LENDING_LIMIT: (
        "Borrowing from all lenders may not exceed one third of the annual income (総量規制)."
    ),
    eligibility.BorrowRefusal.INCOME_CERTIFICATE_REQUIRED: (
        "An income certificate is required for this credit limit: upload one first."
    ),
}


def borrow(
    conn: sqlite3.Connection,
    member_number: str,
    amount: int,
    now: datetime,
    settings: ServerSettings,
) -> Borrowing:
    """Book a borrowing paid to the member's registered account."""
    today = now.date()
    member = enforce_delinquency(conn, load_member(conn, member_number), now, settings)
    _refuse_blocked(member, "borrowing")
    state = load_state(conn, member_number)
    # 総量規制 rests on the verified income only: a declared figure is not evidence.
    verified_income = income(conn, member, now).verified
    refusal = eligibility.check_borrow(
        amount,
        principal=state.principal,
        credit_limit=state.credit_limit,
        other_lenders_balance=int(member["other_lenders_balance"]),
        annual_income=verified_income,
        overdue=account.is_overdue(state, today),
        has_valid_certificate=has_valid_certificate(conn, member_number, now),
    )
    if refusal is not None:
        details: dict[str, Any] = {
            "amount": amount,
            **borrowing_headroom(state, member, today, verified_income),
        }
        if refusal is eligibility.BorrowRefusal.OVERDUE:
            seen = account.view(state, today)
            details |= {
                "overdue_days": seen.overdue_days,
                "minimum_payment": seen.minimum_payment,
                "next_due_date": None
                if seen.next_due_date is None
                else seen.next_due_date.isoformat(),
            }
        raise ApiError(422, refusal.value, _REFUSALS[refusal], details)

    after = account.borrow(state, amount, today)
    bank = BY_CODE.get(member["bank_code"])
    transfer, arrives = eligibility.transfer_arrival(now, bool(bank and bank.instant_transfer))
    entry = loan_entry(member_number, after, amount, now, member["bank_code"], transfer, arrives)
    entry_id = ledger.add(conn, entry)
    loans.save(conn, member_number, after)
    _check_frequent_borrowing(conn, member_number, now, settings)
    seen = account.view(after, today)
    return Borrowing(
        id=statement_id("loan", entry_id),
        amount=amount,
        created_at=now,
        transfer=transfer,
        arrives_at=arrives,
        bank_account=bank_account(member),
        principal_after=after.principal,
        available_after=seen.available,
        next_due_date=after.next_due_date,
        minimum_payment=seen.minimum_payment,
    )


def loan_entry(
    member_number: str,
    after: AccountState,
    amount: int,
    at: datetime,
    bank_code: str,
    transfer: str,
    arrives_at: datetime,
) -> ledger.Entry:
    """The ledger row (and 貸付明細書) of a borrowing, from the state right after it."""
    seen = account.view(after, at.date())
    bank = BY_CODE.get(bank_code)
    return ledger.Entry(
        member_number=member_number,
        kind="loan",
        occurred_at=iso(at),
        amount=amount,
        balance_after=after.principal,
        next_due_date=None if after.next_due_date is None else after.next_due_date.isoformat(),
        next_due_amount=seen.minimum_payment,
        interest_rate=str(after.interest_rate),
        repayment_method=repayment_method(after),
        bank_code=bank_code,
        transfer=transfer,
        arrives_at=iso(arrives_at),
        description=f"振込による借入れ {bank.name if bank else bank_code}",
    )


# --- repayment ----------------------------------------------------------------------------


def check_repayment_amount(amount: int) -> None:
    if amount < 1:
        raise validation_error("amount", "amount must be at least 1 yen")


def _repayment_bank(bank_code: str) -> None:
    bank = BY_CODE.get(bank_code)
    if bank is None or not bank.internet_repayment:
        supported = [b.code for b in BY_CODE.values() if b.internet_repayment]
        raise ApiError(
            422,
            "BANK_NOT_SUPPORTED",
            "Internet repayment is not available from this bank.",
            {"bank_code": bank_code, "known_bank": bank is not None, "supported": supported},
        )


def _apply_repayment(
    state: AccountState, amount: int, today: date
) -> tuple[AccountState, Allocation]:
    try:
        return account.repay(state, amount, today)
    except OverpaymentError as exc:
        raise ApiError(
            422,
            "OVERPAYMENT",
            "The amount is more than everything owed (the payoff amount).",
            {"amount": amount, "payoff_amount": exc.payoff},
        ) from exc


def quote_repayment(
    conn: sqlite3.Connection, member_number: str, amount: int, bank_code: str, today: date
) -> RepaymentQuote:
    """What a repayment would do today, without doing it."""
    _repayment_bank(bank_code)
    state = load_state(conn, member_number)
    payoff = account.view(state, today).payoff_amount
    after, allocation = _apply_repayment(state, amount, today)
    return RepaymentQuote(
        amount=amount,
        bank_code=bank_code,
        late_interest=allocation.late_interest,
        interest=allocation.interest,
        principal=allocation.principal,
        principal_after=after.principal,
        payoff_amount=payoff,
        next_due_date_after=after.next_due_date,
    )


def repay(
    conn: sqlite3.Connection,
    member_number: str,
    amount: int,
    bank_code: str,
    now: datetime,
    settings: ServerSettings,
) -> Repayment:
    """Book a repayment by internet banking.

    Allowed whatever the account status: paying back never hurts the member, and a suspended
    or overdue member most of all must be able to pay (see docs/rules-money-service.md).
    """
    today = now.date()
    enforce_delinquency(conn, load_member(conn, member_number), now, settings)
    _repayment_bank(bank_code)
    state = load_state(conn, member_number)
    after, allocation = _apply_repayment(state, amount, today)
    entry = repayment_entry(member_number, after, allocation, now, bank_code)
    entry_id = ledger.add(conn, entry)
    loans.save(conn, member_number, after)
    return Repayment(
        id=statement_id("repayment", entry_id),
        amount=amount,
        bank_code=bank_code,
        created_at=now,
        late_interest=allocation.late_interest,
        interest=allocation.interest,
        principal=allocation.principal,
        principal_after=after.principal,
        next_due_date=after.next_due_date,
        minimum_payment=account.view(after, today).minimum_payment,
    )


def repayment_entry(
    member_number: str,
    after: AccountState,
    allocation: Allocation,
    at: datetime,
    bank_code: str,
) -> ledger.Entry:
    """The ledger row (and 入金明細書) of a repayment, from the state right after it."""
    bank = BY_CODE.get(bank_code)
    return ledger.Entry(
        member_number=member_number,
        kind="repayment",
        occurred_at=iso(at),
        amount=allocation.total,
        late_interest=allocation.late_interest,
        interest=allocation.interest,
        principal=allocation.principal,
        balance_after=after.principal,
        next_due_date=None if after.next_due_date is None else after.next_due_date.isoformat(),
        next_due_amount=account.view(after, at.date()).minimum_payment,
        repayment_method=repayment_method(after),
        bank_code=bank_code,
        description=f"振込による返済 {bank.name if bank else bank_code}",
    )


# --- contract terms -----------------------------------------------------------------------


def change_terms(
    conn: sqlite3.Connection,
    member_number: str,
    *,
    credit_limit: int,
    interest_rate: Decimal,
    today: date,
) -> AccountState:
    """New credit limit and rate from ``today`` (limit increase, staff): interest up to
    today is settled at the old rate first."""
    state = load_state(conn, member_number)
    after = account.apply_limit_change(
        state, credit_limit=credit_limit, interest_rate=interest_rate, today=today
    )
    loans.save(conn, member_number, after)
    loans.set_terms(conn, member_number, credit_limit, interest_rate)
    return after


# --- statement ids ------------------------------------------------------------------------


def statement_id(kind: str, entry_id: int) -> str:
    """The public id of a ledger row: its kind and number (``loan_123``)."""
    return f"{kind}_{entry_id}"


def parse_statement_id(text: str) -> tuple[str, int] | None:
    kind, _, number = text.partition("_")
    if kind not in ("loan", "repayment", "card") or not number.isdigit() or len(number) > 18:
        return None
    return kind, int(number)
