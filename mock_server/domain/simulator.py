"""The public repayment simulator (SPEC 2.15), following the lender's published method.

One payment every 30 days from the borrowing day; interest per period is
``floor(balance × rate × 30 / 365)`` (365 even in leap years); each payment pays the period's
interest first and the rest goes to principal; the last payment is whatever is left. This is a
model of the published simulator, not of the real account (``account.py``), which accrues daily.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from acom_contract.money import interest_for_days

PERIOD_DAYS = 30
SIMULATION_YEAR_DAYS = 365
MAX_AMOUNT = 8_000_000
#: The lender's published range of rates (its lowest and highest contract rate): the
#: simulator answers for these only.
MIN_RATE = Decimal("3.0")
MAX_RATE = Decimal("18.0")


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Published limits for one listed rate."""

    rate: Decimal
    max_payments: int
    #: Minimum monthly payment as a percentage of the amount borrowed.
    min_payment_percent: Decimal


# Listed rates, lowest first. A rate between two listed ones takes the limits of the next
# listed rate at or above it (no rate is above 18.0%: see MAX_RATE).
_PUBLISHED_LIMITS = (
    RateLimits(Decimal("3.0"), 73, Decimal("1.5")),
    RateLimits(Decimal("4.7"), 77, Decimal("1.5")),
    RateLimits(Decimal("7.7"), 87, Decimal("1.5")),
    RateLimits(Decimal("15.0"), 78, Decimal("2.0")),
    RateLimits(Decimal("18.0"), 46, Decimal("3.0")),
)


class SimulationError(ValueError):
    """Input outside what the simulator accepts.

    ``field`` names the offending input, ``limit`` which published limit it broke, and
    ``values`` the figures of that limit (``*_yen`` amounts, ``*_rate`` percents), so a
    client can say it in its own language.
    """

    def __init__(self, field: str, message: str, limit: str, values: dict[str, int | str]) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.limit = limit
        self.values = values


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    number: int
    #: Days from the borrowing day to this payment (30 × number).
    day: int
    payment: int
    interest: int
    principal: int
    balance_after: int


@dataclass(frozen=True, slots=True)
class SimulationResult:
    payments: int
    #: The regular payment; the last one may be smaller (see ``schedule``).
    monthly_payment: int
    total_interest: int
    total_paid: int
    schedule: tuple[ScheduleRow, ...]


def limits_for_rate(annual_rate: Decimal) -> RateLimits:
    """The published limits that apply to ``annual_rate`` (see the mapping note above)."""
    for limits in _PUBLISHED_LIMITS:
        if annual_rate <= limits.rate:
            return limits
    return _PUBLISHED_LIMITS[-1]


def minimum_monthly_payment(amount: int, annual_rate: Decimal) -> int:
    """The smallest monthly payment allowed: the published percentage of the amount, rounded up."""
    numerator, denominator = limits_for_rate(annual_rate).min_payment_percent.as_integer_ratio()
    return -(-(amount * numerator) // (denominator * 100))


def period_interest(balance: int, annual_rate: Decimal) -> int:
    return interest_for_days(balance, annual_rate, PERIOD_DAYS, SIMULATION_YEAR_DAYS)


def _validate(amount: int, annual_rate: Decimal) -> RateLimits:
    if not 1 <= amount <= MAX_AMOUNT:
        raise SimulationError(
            "amount",
            f"must be between 1 and {MAX_AMOUNT:,} yen",
            "amount_range",
            {"max_yen": MAX_AMOUNT},
        )
    if not annual_rate.is_finite() or not MIN_RATE <= annual_rate <= MAX_RATE:
        raise SimulationError(
            "annual_rate",
            f"must be between {MIN_RATE}% and {MAX_RATE}% (the lender's published range)",
            "rate_range",
            {"min_rate": str(MIN_RATE), "max_rate": str(MAX_RATE)},
        )
    return limits_for_rate(annual_rate)


def _schedule(
    amount: int, annual_rate: Decimal, payment: int, max_rows: int
) -> tuple[ScheduleRow, ...] | None:
    """The payment schedule, or None when it needs more than ``max_rows`` payments."""
    rows: list[ScheduleRow] = []
    balance = amount
    while balance > 0:
        if len(rows) == max_rows:
            return None
        interest = period_interest(balance, annual_rate)
        paid = min(payment, balance + interest)
        balance -= paid - interest
        number = len(rows) + 1
        rows.append(
            ScheduleRow(number, number * PERIOD_DAYS, paid, interest, paid - interest, balance)
        )
    return tuple(rows)


def _result(payment: int, schedule: tuple[ScheduleRow, ...]) -> SimulationResult:
    total_interest = sum(row.interest for row in schedule)
    return SimulationResult(
        payments=len(schedule),
        monthly_payment=payment,
        total_interest=total_interest,
        total_paid=sum(row.payment for row in schedule),
        schedule=schedule,
    )


def simulate_by_payment(
    amount: int, annual_rate: Decimal, monthly_payment: int
) -> SimulationResult:
    """How long ``amount`` takes to repay at ``monthly_payment`` every 30 days.

    A payment that never repays (not more than a period's interest) cannot pass the minimum
    monthly payment, which is always above a period's interest; and the schedule is cut off at
    the payment-count limit anyway, so no input loops.
    """
    limits = _validate(amount, annual_rate)
    minimum = minimum_monthly_payment(amount, annual_rate)
    if monthly_payment < minimum:
        raise SimulationError(
            "monthly_payment",
            f"must be at least {minimum:,} yen ({limits.min_payment_percent}% of the amount "
            f"at {limits.rate}%)",
            "min_payment",
            {
                "minimum_yen": minimum,
                "percent": str(limits.min_payment_percent),
                "band_rate": str(limits.rate),
            },
        )
    schedule = _schedule(amount, annual_rate, monthly_payment, limits.max_payments)
    if schedule is None:
        fits = _smallest_payment(amount, annual_rate, limits.max_payments)
        raise SimulationError(
            "monthly_payment",
            f"repayment would take more than {limits.max_payments} payments (the limit at "
            f"{limits.rate}%); a payment of at least {fits:,} yen fits",
            "too_many_payments",
            {"max": limits.max_payments, "band_rate": str(limits.rate), "fits_yen": fits},
        )
    return _result(monthly_payment, schedule)


def _smallest_payment(amount: int, annual_rate: Decimal, payments: int) -> int:
    """The smallest payment that repays within ``payments`` (binary search).

    The number of payments never grows as the payment grows, so the answer splits the range
    into payments that are too small and payments that are enough.
    """
    too_small = period_interest(amount, annual_rate)  # never repays
    enough = amount + too_small  # repays in one
    while enough - too_small > 1:
        middle = (too_small + enough) // 2
        if _schedule(amount, annual_rate, middle, payments) is None:
            too_small = middle
        else:
            enough = middle
    return enough


def simulate_by_count(amount: int, annual_rate: Decimal, payments: int) -> SimulationResult:
    """The smallest whole-yen payment every 30 days that repays ``amount`` in ``payments``.

    When that is below the published minimum monthly payment, the minimum is used instead and
    the schedule may be shorter than ``payments`` (see docs/rules-money.md).
    """
    limits = _validate(amount, annual_rate)
    if not 1 <= payments <= limits.max_payments:
        raise SimulationError(
            "payments",
            f"must be between 1 and {limits.max_payments} (the limit at {limits.rate}%)",
            "payments_range",
            {"max": limits.max_payments, "band_rate": str(limits.rate)},
        )
    payment = max(
        _smallest_payment(amount, annual_rate, payments),
        minimum_monthly_payment(amount, annual_rate),
    )
    schedule = _schedule(amount, annual_rate, payment, payments)
    assert schedule is not None  # a larger payment never needs more payments
    return _result(payment, schedule)
