"""Money arithmetic of the card loan: rate caps, daily interest, minimum payment, allocation.

SPEC 2.5. Amounts are integer yen and rates are ``Decimal`` percent per year. Every division
is done on exact integers (a rate is turned into a fraction first), so no float ever touches
money and the rounding is exactly the floor/ceil the rules name.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from acom_contract.due_dates import RepaymentCycle, next_due_after_payment

RATE_CAP_UNDER_1M = Decimal("18.0")
RATE_CAP_FROM_1M = Decimal("15.0")
LATE_RATE = Decimal("20.0")

#: 利息制限法 switches from the 18% to the 15% cap at this principal (we apply it to the limit).
RATE_CAP_THRESHOLD = 1_000_000

#: Minimum-payment ratio is 4.2% up to this limit (inclusive), 3.0% above it.
SMALL_LIMIT_THRESHOLD = 300_000
_MIN_RATIO_SMALL = (42, 1000)
_MIN_RATIO_LARGE = (30, 1000)


class MoneyRuleError(ValueError):
    """A money movement that the rules do not allow; ``code`` is the API error code."""

    code = "VALIDATION_ERROR"


class InvalidAmountError(MoneyRuleError):
    """The amount itself is malformed (not positive, not in the required unit, ...)."""


class OverpaymentError(MoneyRuleError):
    """A repayment larger than everything owed."""

    code = "OVERPAYMENT"

    def __init__(self, amount: int, payoff: int) -> None:
        super().__init__(f"amount {amount} yen is more than the payoff amount {payoff} yen")
        self.amount = amount
        self.payoff = payoff


@dataclass(frozen=True, slots=True)
class Allocation:
    """How one repayment is split; the parts always add up to the amount paid."""

    late_interest: int
    interest: int
    principal: int

    @property
    def total(self) -> int:
        return self.late_interest + self.interest + self.principal


def rate_cap(credit_limit: int) -> Decimal:
    """The highest rate 利息制限法 allows for a loan with this credit limit."""
    return RATE_CAP_UNDER_1M if credit_limit < RATE_CAP_THRESHOLD else RATE_CAP_FROM_1M


def capped_rate(annual_rate_percent: Decimal, credit_limit: int) -> Decimal:
    """``annual_rate_percent`` lowered to the legal cap for ``credit_limit`` when above it."""
    return min(annual_rate_percent, rate_cap(credit_limit))


def ceil_to_1000(amount: int) -> int:
    """Round a non-negative yen amount up to the next multiple of 1,000."""
    if amount < 0:
        raise ValueError(f"amount must not be negative, got {amount}")
    return -(-amount // 1000) * 1000


def payoff_amount(late_interest: int, interest: int, principal: int) -> int:
    """Everything owed today: what a single repayment must be to close the balance."""
    return late_interest + interest + principal


def _rate_fraction(annual_rate_percent: Decimal) -> tuple[int, int]:
    """The rate as an exact fraction of one (``Decimal("18.0")`` -> ``(18, 100)``)."""
    if not annual_rate_percent.is_finite() or annual_rate_percent < 0:
        raise ValueError(f"rate must be a finite non-negative Decimal, got {annual_rate_percent}")
    numerator, denominator = annual_rate_percent.as_integer_ratio()
    return numerator, denominator * 100


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def interest_for_days(
    principal: int, annual_rate_percent: Decimal, days: int, year_days: int
) -> int:
    """``floor(principal × rate × days / year_days)``, exactly."""
    if principal < 0 or days < 0:
        raise ValueError("principal and days must not be negative")
    numerator, denominator = _rate_fraction(annual_rate_percent)
    return (principal * numerator * days) // (denominator * year_days)


def interest_for_span(principal: int, annual_rate_percent: Decimal, start: date, end: date) -> int:
    """Interest on a constant principal for the days in ``(start, end]``.

    The start day (the day of borrowing or of the last settlement) is not counted; the end day
    is. A span that crosses 31 December is split by calendar year, each part is divided by that
    year's length (366 in a leap year) and floored on its own, and the parts are added.
    """
    if end < start:
        raise ValueError(f"span ends ({end}) before it starts ({start})")
    total = 0
    for year in range(start.year, end.year + 1):
        # Day 31 Dec of the previous year is excluded, so "after" it means from 1 Jan.
        part_start = max(start, date(year - 1, 12, 31))
        part_end = min(end, date(year, 12, 31))
        days = (part_end - part_start).days
        if days > 0:
            total += interest_for_days(principal, annual_rate_percent, days, days_in_year(year))
    return total


ESTIMATE_DAYS = 30


def interest_estimate(
    amount: int,
    annual_rate_percent: Decimal,
    borrowed_on: date,
    interest_free_until: date | None = None,
    days: int = ESTIMATE_DAYS,
) -> int:
    """The interest ``amount`` borrowed on ``borrowed_on`` accrues over the next ``days``
    days, as shown before the member decides: the day of borrowing is not counted, nor any
    day of a running interest-free period (so 0 inside it, only the days after its end)."""
    end = borrowed_on + timedelta(days=days)
    start = borrowed_on
    if interest_free_until is not None and interest_free_until > start:
        start = interest_free_until
    if start >= end:
        return 0
    return interest_for_span(amount, annual_rate_percent, start, end)


def minimum_payment_ratio(credit_limit: int) -> tuple[int, int]:
    """The minimum-payment ratio k as a fraction: 4.2% up to 300,000 yen of limit, else 3.0%."""
    return _MIN_RATIO_SMALL if credit_limit <= SMALL_LIMIT_THRESHOLD else _MIN_RATIO_LARGE


def minimum_payment(base_balance: int, credit_limit: int, payoff: int) -> int:
    """``ceil_to_1000(base_balance × k)``, never more than ``payoff``; 0 when nothing is owed.

    ``base_balance`` is the balance right after the last borrowing (定率リボルビング方式).
    """
    if base_balance <= 0 or payoff <= 0:
        return 0
    numerator, denominator = minimum_payment_ratio(credit_limit)
    exact_up = -(-(base_balance * numerator) // denominator)
    return min(ceil_to_1000(exact_up), payoff)


def allocate(amount: int, late_interest: int, interest: int, principal: int) -> Allocation:
    """Split a repayment: late interest first, then interest, then principal.

    Raises ``InvalidAmountError`` when ``amount`` is not positive and ``OverpaymentError`` when
    it is more than the payoff amount.
    """
    if amount <= 0:
        raise InvalidAmountError(f"amount must be at least 1 yen, got {amount}")
    payoff = payoff_amount(late_interest, interest, principal)
    if amount > payoff:
        raise OverpaymentError(amount, payoff)
    to_late = min(amount, late_interest)
    to_interest = min(amount - to_late, interest)
    return Allocation(to_late, to_interest, amount - to_late - to_interest)


#: A plan longer than this is reported as never ending (a payment below the interest).
MAX_PLAN_PAYMENTS = 1200


@dataclass(frozen=True, slots=True)
class RepaymentPlan:
    """Paying exactly the minimum on every due date from now on (貸金業法 §17's 返済期間
    and 返済回数 of a revolving loan): how many payments, and the day of the last one."""

    payments: int
    last_due_date: date
    total_interest: int


# Pure and often asked again (a statement page reloaded, walked again by an export).
@lru_cache(maxsize=4096)
def minimum_payment_plan(
    principal: int,
    annual_rate_percent: Decimal,
    credit_limit: int,
    *,
    start: date,
    first_due: date,
    cycle: RepaymentCycle,
    cycle_day: int | None = None,
    interest_free_until: date | None = None,
    first_payment: int | None = None,
) -> RepaymentPlan | None:
    """The plan for ``principal`` owed from ``start`` (the day of the borrowing), if the
    member borrows nothing more and pays the minimum on each due date, from ``first_due``.

    The account's own rules apply: interest accrues daily on the principal for the days in
    ``(previous payment, due date]`` (none through ``interest_free_until``), each payment
    pays interest first, the minimum is ``ceil_to_1000(principal × k)`` on the balance after
    the borrowing (``first_payment``, when given, is what the first due date asks, which is
    less when part of the cycle was already paid), the due date moves on by the cycle, and
    the last payment is whatever is left. None when the payments never repay it.
    """
    if principal <= 0:
        raise ValueError(f"principal must be positive, got {principal}")
    numerator, denominator = minimum_payment_ratio(credit_limit)
    regular = ceil_to_1000(-(-(principal * numerator) // denominator))
    rate_num, rate_den = _rate_fraction(annual_rate_percent)
    balance, unpaid, paid_interest = principal, 0, 0
    since, due = start, first_due
    for number in range(1, MAX_PLAN_PAYMENTS + 1):
        charged_from = since
        if interest_free_until is not None:
            charged_from = max(since, interest_free_until)
        if due.year == charged_from.year and due > charged_from:
            # interest_for_span within one year, without its per-call set-up: a statement
            # page computes a plan for each of up to 500 loans.
            days = (due - charged_from).days
            unpaid += (balance * rate_num * days) // (rate_den * days_in_year(due.year))
        elif due > charged_from:
            unpaid += interest_for_span(balance, annual_rate_percent, charged_from, due)
        asked = first_payment if number == 1 and first_payment else regular
        payment = min(asked, balance + unpaid)
        to_interest = min(payment, unpaid)
        unpaid -= to_interest
        paid_interest += to_interest
        balance -= payment - to_interest
        if balance == 0 and unpaid == 0:
            return RepaymentPlan(number, due, paid_interest)
        since, due = due, next_due_after_payment(cycle, due, due, cycle_day)
    return None
