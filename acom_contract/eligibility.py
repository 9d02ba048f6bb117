"""Who may borrow, whether a limit increase is granted, and when a transfer arrives.

SPEC 2.6 (checks only), 2.11 (certificate validity) and 2.13. Account-status blocks
(suspended, card lost, locked) are checked by the caller before these rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from acom_contract.calendar import add_months, is_bank_business_day
from acom_contract.money import capped_rate

MIN_BORROW = 1000
BORROW_UNIT = 1000
MIN_CREDIT_LIMIT = 10_000
MAX_CREDIT_LIMIT = 8_000_000
LIMIT_STEP = 10_000

#: The article's rule is 50万円以上 (inclusive), stricter than the law's "over 500,000".
CERTIFICATE_LIMIT = 500_000
#: Own limit + other lenders' balances above this also needs a certificate.
CERTIFICATE_COMBINED = 1_000_000
CERTIFICATE_VALID_YEARS = 3
CONTRACT_MONTHS_BEFORE_INCREASE = 6
OVERDUE_LOOKBACK_MONTHS = 6

INSTANT_OPENS = time(0, 10)
INSTANT_CLOSES = time(23, 49)  # the whole minute 23:49 is still instant
SCHEDULED_AT = time(9, 30)


class BorrowRefusal(StrEnum):
    """API error codes for a refused borrowing, in the order they are checked."""

    OVERDUE = "OVERDUE"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    TOTAL_LENDING_LIMIT = "TOTAL_LENDING_LIMIT"
    INCOME_CERTIFICATE_REQUIRED = "INCOME_CERTIFICATE_REQUIRED"


class IncreaseReason(StrEnum):
    """Machine codes explaining a limit-increase decision."""

    CONTRACT_UNDER_6_MONTHS = "CONTRACT_UNDER_6_MONTHS"
    RECENT_OVERDUE = "RECENT_OVERDUE"
    SUSPENDED = "SUSPENDED"
    TOTAL_LENDING_LIMIT = "TOTAL_LENDING_LIMIT"
    INCOME_CERTIFICATE_REQUIRED = "INCOME_CERTIFICATE_REQUIRED"


class LimitRequestError(ValueError):
    """The requested limit is malformed; the message names the problem (VALIDATION_ERROR)."""


DecisionStatus = Literal["approved", "declined", "documents_required"]
TransferKind = Literal["instant", "scheduled"]


@dataclass(frozen=True, slots=True)
class Decision:
    """Outcome of a limit-increase application.

    ``new_rate`` is the rate that applies with the new limit when approved (the current rate,
    lowered to the legal cap if the new limit needs it) and ``None`` otherwise.
    """

    status: DecisionStatus
    reasons: tuple[IncreaseReason, ...]
    new_rate: Decimal | None


def within_total_lending_limit(total_borrowing: int, annual_income: int) -> bool:
    """総量規制: borrowing from all lenders may be at most one third of annual income."""
    return 3 * total_borrowing <= annual_income


def total_lending_ceiling(annual_income: int, other_lenders_balance: int) -> int:
    """The highest credit limit 総量規制 allows: a third of the income less other lenders'
    balances, in whole 10,000-yen steps, capped at the largest limit (0 when nothing is
    left)."""
    room = annual_income // 3 - other_lenders_balance
    return max(0, min(MAX_CREDIT_LIMIT, room - room % LIMIT_STEP))


def certificate_rule_applies(credit_limit: int, other_lenders_balance: int) -> bool:
    """Whether an income certificate must be on file for this limit."""
    return (
        credit_limit >= CERTIFICATE_LIMIT
        or credit_limit + other_lenders_balance > CERTIFICATE_COMBINED
    )


def certificate_valid_until(uploaded_on: date) -> date:
    """Last day a certificate uploaded on ``uploaded_on`` counts as valid.

    Counted like a period in years under 民法 140/143: the upload day is not counted, so three
    years end on the third anniversary of the upload day (28 Feb for a 29 Feb upload).
    """
    return add_months(uploaded_on, 12 * CERTIFICATE_VALID_YEARS)


def certificate_is_valid(uploaded_on: date, today: date) -> bool:
    """Valid from the upload day through its third anniversary, inclusive."""
    return today <= certificate_valid_until(uploaded_on)


def validate_borrow_amount(amount: int) -> str | None:
    """A message naming what is wrong with a borrowing amount, or None when it is well formed."""
    if amount < MIN_BORROW:
        return f"amount must be at least {MIN_BORROW:,} yen"
    if amount % BORROW_UNIT:
        return f"amount must be a multiple of {BORROW_UNIT:,} yen"
    return None


def check_borrow(
    amount: int,
    *,
    principal: int,
    credit_limit: int,
    other_lenders_balance: int,
    annual_income: int,
    overdue: bool,
    has_valid_certificate: bool,
) -> BorrowRefusal | None:
    """The first reason a well-formed borrowing is refused, or None when it may go ahead.

    Order: OVERDUE, LIMIT_EXCEEDED, TOTAL_LENDING_LIMIT, INCOME_CERTIFICATE_REQUIRED (the
    member can fix the later ones only after the earlier ones).
    """
    if overdue:
        return BorrowRefusal.OVERDUE
    if amount > max(0, credit_limit - principal):
        return BorrowRefusal.LIMIT_EXCEEDED
    if not within_total_lending_limit(principal + amount + other_lenders_balance, annual_income):
        return BorrowRefusal.TOTAL_LENDING_LIMIT
    if certificate_rule_applies(credit_limit, other_lenders_balance) and not has_valid_certificate:
        return BorrowRefusal.INCOME_CERTIFICATE_REQUIRED
    return None


def validate_requested_limit(requested_limit: int, current_limit: int) -> str | None:
    """A message naming what is wrong with a requested limit, or None when it is well formed."""
    if requested_limit % LIMIT_STEP:
        return f"requested_limit must be a multiple of {LIMIT_STEP:,} yen"
    if requested_limit > MAX_CREDIT_LIMIT:
        return f"requested_limit must be at most {MAX_CREDIT_LIMIT:,} yen"
    if requested_limit <= current_limit:
        return f"requested_limit must be more than the current limit of {current_limit:,} yen"
    return None


def history_declines(
    contract_date: date, today: date, last_overdue_on: date | None, *, suspended: bool = False
) -> tuple[IncreaseReason, ...]:
    """The decline reasons of SPEC 2.13 that do not depend on the limit asked for (the
    contract's age, a recent overdue, a suspension): a client that knows them says so
    before the member applies, with the same rule the decision uses."""
    declined: list[IncreaseReason] = []
    if today < add_months(contract_date, CONTRACT_MONTHS_BEFORE_INCREASE):
        declined.append(IncreaseReason.CONTRACT_UNDER_6_MONTHS)
    lookback_start = add_months(today, -OVERDUE_LOOKBACK_MONTHS)
    if last_overdue_on is not None and last_overdue_on >= lookback_start:
        declined.append(IncreaseReason.RECENT_OVERDUE)
    if suspended:
        declined.append(IncreaseReason.SUSPENDED)
    return tuple(declined)


def decide_limit_increase(
    requested_limit: int,
    *,
    current_limit: int,
    current_rate: Decimal,
    contract_date: date,
    today: date,
    last_overdue_on: date | None,
    suspended: bool,
    other_lenders_balance: int,
    annual_income: int,
    has_valid_certificate: bool,
) -> Decision:
    """The immediate decision on a limit increase (SPEC 2.13).

    Every decline reason that applies is listed, so the member learns all of them at once.
    Raises ``LimitRequestError`` when the requested limit is malformed.
    """
    problem = validate_requested_limit(requested_limit, current_limit)
    if problem is not None:
        raise LimitRequestError(problem)
    declined = list(history_declines(contract_date, today, last_overdue_on, suspended=suspended))
    if not within_total_lending_limit(requested_limit + other_lenders_balance, annual_income):
        declined.append(IncreaseReason.TOTAL_LENDING_LIMIT)
    if declined:
        return Decision("declined", tuple(declined), None)
    if certificate_rule_applies(requested_limit, other_lenders_balance) and not (
        has_valid_certificate
    ):
        return Decision("documents_required", (IncreaseReason.INCOME_CERTIFICATE_REQUIRED,), None)
    return Decision("approved", (), capped_rate(current_rate, requested_limit))


def next_scheduled_transfer(now: datetime) -> datetime:
    """The first 09:30 on a business day strictly after ``now``, in ``now``'s timezone."""
    day = now.date()
    while True:
        slot = datetime.combine(day, SCHEDULED_AT, now.tzinfo)
        if slot > now and is_bank_business_day(day):
            return slot
        day += timedelta(days=1)


def transfer_arrival(now: datetime, instant_bank: bool) -> tuple[TransferKind, datetime]:
    """When a borrowing paid by transfer reaches the member's bank account.

    Instant-transfer banks, 00:10-23:49 every day: about a minute (``now`` + 1 minute).
    Otherwise, and for instant banks outside that window: the next business-day 09:30.
    ``now`` must be timezone-aware (Japan time); the answer is in the same timezone.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    clock = now.time().replace(second=0, microsecond=0)
    if instant_bank and INSTANT_OPENS <= clock <= INSTANT_CLOSES:
        return "instant", now + timedelta(minutes=1)
    return "scheduled", next_scheduled_transfer(now)
