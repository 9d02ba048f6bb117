"""When repayments fall due: the two repayment cycles of SPEC 2.5.

The server moves a loan's due date with these rules; the client uses the same ones to show
a first borrowing's due date in its confirmation, before anything is sent.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from acom_contract.calendar import add_months

__all__ = [
    "CYCLE_DAYS",
    "MONTHLY_FIRST_DUE_MIN_DAYS",
    "RepaymentCycle",
    "first_due_date",
    "next_due_after_payment",
    "require_cycle_day",
]

RepaymentCycle = Literal["35days", "monthly"]

#: 35-day cycle: the due date is this many days after the first borrowing / sufficient payment.
CYCLE_DAYS = 35
#: Monthly cycle: the first due date is the first cycle day at least this many days away.
MONTHLY_FIRST_DUE_MIN_DAYS = 14


def require_cycle_day(cycle_day: int | None) -> int:
    if cycle_day is None or not 1 <= cycle_day <= 31:
        raise ValueError(f"monthly cycle needs a day of month 1-31, got {cycle_day}")
    return cycle_day


def first_due_date(cycle: RepaymentCycle, borrowed_on: date, cycle_day: int | None = None) -> date:
    """Due date set by a borrowing from a zero balance.

    35days: borrowing day + 35. monthly: the first cycle day that is at least 14 days after
    the borrowing day, so a first period is never a few days long.
    """
    if cycle == "35days":
        return borrowed_on + timedelta(days=CYCLE_DAYS)
    cycle_day = require_cycle_day(cycle_day)
    earliest = borrowed_on + timedelta(days=MONTHLY_FIRST_DUE_MIN_DAYS)
    candidate = add_months(earliest, 0, day_of_month=cycle_day)
    if candidate < earliest:
        candidate = add_months(earliest, 1, day_of_month=cycle_day)
    return candidate


def next_due_after_payment(
    cycle: RepaymentCycle, paid_on: date, current_due: date, cycle_day: int | None = None
) -> date:
    """Due date after a payment that met the cycle's minimum.

    35days: payment day + 35. monthly: the cycle day in the month after the current due date;
    a late payment that is already past that day moves it on month by month until it is after
    the payment day.
    """
    if cycle == "35days":
        return paid_on + timedelta(days=CYCLE_DAYS)
    cycle_day = require_cycle_day(cycle_day)
    months = 1
    candidate = add_months(current_due, months, day_of_month=cycle_day)
    while candidate <= paid_on:
        months += 1
        candidate = add_months(current_due, months, day_of_month=cycle_day)
    return candidate
