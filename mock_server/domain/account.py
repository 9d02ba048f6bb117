"""One member's revolving loan: what the store persists and how borrowing and repaying change it.

SPEC 2.5. ``AccountState`` is immutable; ``borrow``, ``repay``, ``accrue`` and
``apply_limit_change`` return a new state and never read the clock (``today`` is passed in,
already in Japan time). ``view`` computes every figure of the account endpoint for a given day
without changing anything, so reading the account any number of times never changes what is
owed.

Interest is *settled* (floored and added to the carried amounts) only when something changes
the principal or the rate: ``borrow``, ``repay`` and ``apply_limit_change`` call ``accrue``
themselves. Between those events the pending interest is recomputed from ``accrued_through``.
Callers should not call ``accrue`` on every read: each settlement floors, so settling daily
would charge up to a yen less per day than settling once (see docs/rules-money.md).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from acom_contract.calendar import add_months
from acom_contract.due_dates import (
    CYCLE_DAYS,
    MONTHLY_FIRST_DUE_MIN_DAYS,
    RepaymentCycle,
    first_due_date,
    next_due_after_payment,
    require_cycle_day,
)
from acom_contract.eligibility import BORROW_UNIT
from acom_contract.money import (
    LATE_RATE,
    Allocation,
    InvalidAmountError,
    allocate,
    interest_for_span,
    minimum_payment,
    payoff_amount,
)

__all__ = [
    "CYCLE_DAYS",
    "INTEREST_FREE_DAYS",
    "MONTHLY_FIRST_DUE_MIN_DAYS",
    "AccountState",
    "AccountView",
    "RepaymentCycle",
    "accrue",
    "add_months",
    "apply_limit_change",
    "borrow",
    "cycle_minimum",
    "due_date_for_first_borrowing",
    "interest_free_until",
    "is_overdue",
    "last_overdue_on",
    "new_account",
    "next_due_after_payment",
    "overdue_days",
    "repay",
    "view",
]

#: First contract promotion: no interest for this many days from the day after the contract.
INTEREST_FREE_DAYS = 30

# The due-date rules are published (the client shows a first due date before the member
# borrows), so they live in the contract; these names are kept for the server's callers.
due_date_for_first_borrowing = first_due_date
_require_cycle_day = require_cycle_day


def interest_free_until(contract_date: date, *, first_contract: bool) -> date | None:
    """Last interest-free day of the first-contract promotion (contract day + 30), if any."""
    return contract_date + timedelta(days=INTEREST_FREE_DAYS) if first_contract else None


@dataclass(frozen=True, slots=True)
class AccountState:
    """What the store persists for one member's loan.

    ``unpaid_interest`` and ``unpaid_late_interest`` are settled through ``accrued_through``;
    interest after that day is pending and shown by ``view``. ``minimum_base`` is the balance
    right after the last borrowing; ``paid_in_cycle`` is what was repaid since the due date
    last moved.
    """

    credit_limit: int
    interest_rate: Decimal
    accrued_through: date
    cycle: RepaymentCycle = "35days"
    cycle_day: int | None = None
    principal: int = 0
    unpaid_interest: int = 0
    unpaid_late_interest: int = 0
    interest_free_until: date | None = None
    next_due_date: date | None = None
    minimum_base: int = 0
    paid_in_cycle: int = 0
    last_overdue_on: date | None = None

    def __post_init__(self) -> None:
        for name in (
            "credit_limit",
            "principal",
            "unpaid_interest",
            "unpaid_late_interest",
            "minimum_base",
            "paid_in_cycle",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.cycle == "monthly":
            _require_cycle_day(self.cycle_day)
        elif self.cycle == "35days":
            if self.cycle_day is not None:
                raise ValueError("cycle_day is only for the monthly cycle")
        else:
            raise ValueError(f"unknown repayment cycle {self.cycle!r}")
        if self.principal > 0 and (self.next_due_date is None or self.minimum_base == 0):
            raise ValueError("an account with a balance needs a next_due_date and minimum_base")


def new_account(
    *,
    credit_limit: int,
    interest_rate: Decimal,
    contract_date: date,
    cycle: RepaymentCycle = "35days",
    cycle_day: int | None = None,
    first_contract: bool = True,
) -> AccountState:
    """A freshly contracted loan with nothing borrowed yet."""
    return AccountState(
        credit_limit=credit_limit,
        interest_rate=interest_rate,
        accrued_through=contract_date,
        cycle=cycle,
        cycle_day=cycle_day,
        interest_free_until=interest_free_until(contract_date, first_contract=first_contract),
    )


@dataclass(frozen=True, slots=True)
class AccountView:
    """Every figure of the ``account`` resource (SPEC 3.1) for one day.

    ``minimum_payment`` is what must still be paid by ``next_due_date`` to meet this cycle's
    minimum (the cycle's minimum less what was already paid in the cycle, never more than the
    payoff amount).
    """

    credit_limit: int
    principal: int
    available: int
    interest_rate: Decimal
    accrued_interest: int
    late_interest: int
    payoff_amount: int
    next_due_date: date | None
    minimum_payment: int
    overdue_days: int
    repayment_cycle: RepaymentCycle
    cycle_day: int | None
    interest_free_until: date | None


def cycle_minimum(state: AccountState) -> int:
    """The cycle's minimum before any payment: ``ceil_to_1000(minimum_base × k)``."""
    return minimum_payment(state.minimum_base, state.credit_limit, state.minimum_base)


def is_overdue(state: AccountState, today: date) -> bool:
    """Past the due date with less than the cycle's minimum paid."""
    return (
        state.principal > 0
        and state.next_due_date is not None
        and today > state.next_due_date
        and state.paid_in_cycle < cycle_minimum(state)
    )


def overdue_days(state: AccountState, today: date) -> int:
    if not is_overdue(state, today):
        return 0
    assert state.next_due_date is not None  # is_overdue checked it
    return (today - state.next_due_date).days


def last_overdue_on(state: AccountState, today: date) -> date | None:
    """The most recent day the account was overdue (today when it is overdue now)."""
    return today if is_overdue(state, today) else state.last_overdue_on


def _pending(state: AccountState, today: date) -> tuple[int, int]:
    """(interest, late interest) for the days in ``(accrued_through, today]``, not yet settled.

    On an overdue day late interest (20%) replaces ordinary interest; interest-free days of a
    first contract carry no ordinary interest (late interest still runs on them).
    """
    start = state.accrued_through
    if today <= start or state.principal == 0:
        return 0, 0
    ordinary_end = today
    late = 0
    if is_overdue(state, today):
        assert state.next_due_date is not None
        ordinary_end = max(start, state.next_due_date)
        late = interest_for_span(state.principal, LATE_RATE, ordinary_end, today)
    ordinary_start = start
    if state.interest_free_until is not None:
        ordinary_start = max(start, state.interest_free_until)
    interest = 0
    if ordinary_end > ordinary_start:
        interest = interest_for_span(
            state.principal, state.interest_rate, ordinary_start, ordinary_end
        )
    return interest, late


def accrue(state: AccountState, today: date) -> AccountState:
    """Settle interest and late interest through ``today``.

    A ``today`` before ``accrued_through`` (the mock clock was moved back) settles nothing.
    """
    if today <= state.accrued_through:
        return state
    interest, late = _pending(state, today)
    return replace(
        state,
        unpaid_interest=state.unpaid_interest + interest,
        unpaid_late_interest=state.unpaid_late_interest + late,
        accrued_through=today,
        last_overdue_on=last_overdue_on(state, today),
    )


def borrow(state: AccountState, amount: int, today: date) -> AccountState:
    """Add a borrowing of ``amount`` yen made on ``today``.

    Eligibility (overdue, 総量規制, certificate, account status) is ``eligibility.check_borrow``'s
    job and must be checked first; this only guards the amount and the credit limit.
    """
    if amount < BORROW_UNIT or amount % BORROW_UNIT:
        raise InvalidAmountError(f"amount must be a multiple of 1,000 yen, got {amount}")
    settled = accrue(state, today)
    available = max(0, settled.credit_limit - settled.principal)
    if amount > available:
        raise InvalidAmountError(f"amount {amount} yen is more than available {available} yen")
    principal = settled.principal + amount
    if settled.principal == 0:
        due = due_date_for_first_borrowing(settled.cycle, today, settled.cycle_day)
        return replace(
            settled, principal=principal, minimum_base=principal, next_due_date=due, paid_in_cycle=0
        )
    rebased = replace(settled, principal=principal, minimum_base=principal)
    if rebased.paid_in_cycle >= cycle_minimum(rebased):
        # What was already paid covers the new, smaller minimum: the cycle is complete today.
        return _start_next_cycle(rebased, today)
    return rebased


def repay(state: AccountState, amount: int, today: date) -> tuple[AccountState, Allocation]:
    """Apply a repayment of ``amount`` yen made on ``today``.

    Interest is settled through ``today`` first, so the payment day itself carries interest.
    Raises ``InvalidAmountError`` / ``OverpaymentError`` (from ``allocate``).
    """
    settled = accrue(state, today)
    allocation = allocate(
        amount, settled.unpaid_late_interest, settled.unpaid_interest, settled.principal
    )
    paid = replace(
        settled,
        unpaid_late_interest=settled.unpaid_late_interest - allocation.late_interest,
        unpaid_interest=settled.unpaid_interest - allocation.interest,
        principal=settled.principal - allocation.principal,
        paid_in_cycle=settled.paid_in_cycle + amount,
    )
    if payoff_amount(paid.unpaid_late_interest, paid.unpaid_interest, paid.principal) == 0:
        cleared = replace(paid, next_due_date=None, paid_in_cycle=0, minimum_base=0)
        return cleared, allocation
    if paid.paid_in_cycle >= cycle_minimum(paid):
        return _start_next_cycle(paid, today), allocation
    return paid, allocation


def _start_next_cycle(state: AccountState, met_on: date) -> AccountState:
    assert state.next_due_date is not None
    due = next_due_after_payment(state.cycle, met_on, state.next_due_date, state.cycle_day)
    return replace(state, next_due_date=due, paid_in_cycle=0)


def apply_limit_change(
    state: AccountState, *, credit_limit: int, interest_rate: Decimal, today: date
) -> AccountState:
    """New limit and rate from ``today``; interest up to today is settled at the old rate."""
    return replace(accrue(state, today), credit_limit=credit_limit, interest_rate=interest_rate)


def view(state: AccountState, today: date) -> AccountView:
    """The account as the member sees it on ``today`` (nothing is changed or settled)."""
    interest, late = _pending(state, today)
    accrued_interest = state.unpaid_interest + interest
    late_interest = state.unpaid_late_interest + late
    payoff = payoff_amount(late_interest, accrued_interest, state.principal)
    still_due = max(0, cycle_minimum(state) - state.paid_in_cycle) if state.principal else 0
    return AccountView(
        credit_limit=state.credit_limit,
        principal=state.principal,
        available=max(0, state.credit_limit - state.principal),
        interest_rate=state.interest_rate,
        accrued_interest=accrued_interest,
        late_interest=late_interest,
        payoff_amount=payoff,
        next_due_date=state.next_due_date,
        minimum_payment=min(still_due, payoff),
        overdue_days=overdue_days(state, today),
        repayment_cycle=state.cycle,
        cycle_day=state.cycle_day,
        interest_free_until=state.interest_free_until,
    )
