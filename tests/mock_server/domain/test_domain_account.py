"""Account transitions (SPEC 2.5): borrowing, repaying, interest, due dates and arrears."""

from datetime import date
from decimal import Decimal

import pytest

from acom_contract.money import Allocation, InvalidAmountError, OverpaymentError
from mock_server.domain.account import (
    AccountState,
    accrue,
    add_months,
    apply_limit_change,
    borrow,
    due_date_for_first_borrowing,
    is_overdue,
    last_overdue_on,
    new_account,
    next_due_after_payment,
    repay,
    view,
)

RATE_18 = Decimal("18.0")


def returning_member(limit: int = 500_000) -> AccountState:
    """Contracted 1 Jan 2027 without the first-contract promotion, 35-day cycle, 18.0%."""
    return new_account(
        credit_limit=limit,
        interest_rate=RATE_18,
        contract_date=date(2027, 1, 1),
        first_contract=False,
    )


def borrowed_100k() -> AccountState:
    # Borrowed 100,000 on Sun 10 Jan 2027: due 10 Jan + 35 = 14 Feb; minimum 3.0% = 3,000.
    return borrow(returning_member(), 100_000, date(2027, 1, 10))


# --- interest-free period of a first contract -------------------------------------------


def test_first_contract_interest_free_through_day_30_after_contract() -> None:
    state = new_account(credit_limit=100_000, interest_rate=RATE_18, contract_date=date(2027, 3, 1))
    assert state.interest_free_until == date(2027, 3, 31)
    state = borrow(state, 100_000, date(2027, 3, 1))
    # 2 Mar .. 31 Mar are the 30 free days.
    assert view(state, date(2027, 3, 31)).accrued_interest == 0
    # 1 Apr is the first charged day: 18,000 / 365 = 49.31 -> 49
    assert view(state, date(2027, 4, 1)).accrued_interest == 49


def test_without_the_promotion_the_same_30_days_are_charged() -> None:
    state = borrow(returning_member(100_000), 100_000, date(2027, 3, 1))
    # 100,000 × 0.18 × 30 / 365 = 1,479.45 -> 1,479
    assert view(state, date(2027, 3, 31)).accrued_interest == 1479


def test_borrowing_late_in_the_free_period_is_only_charged_after_it() -> None:
    state = new_account(credit_limit=100_000, interest_rate=RATE_18, contract_date=date(2027, 3, 1))
    state = borrow(state, 100_000, date(2027, 3, 20))
    # Free through 31 Mar; 1 Apr .. 10 Apr = 10 days: 18,000,000 / 36,500 = 493.15 -> 493
    assert view(state, date(2027, 4, 10)).accrued_interest == 493


# --- borrowing ------------------------------------------------------------------------------


def test_first_borrowing_sets_the_35_day_due_date_and_minimum() -> None:
    seen = view(borrowed_100k(), date(2027, 1, 10))
    assert seen.principal == 100_000
    assert seen.available == 400_000
    assert seen.next_due_date == date(2027, 2, 14)
    assert seen.minimum_payment == 3_000
    assert seen.accrued_interest == 0
    assert seen.payoff_amount == 100_000


def test_borrowing_on_top_keeps_the_due_date_and_rebases_the_minimum() -> None:
    state = borrow(borrowed_100k(), 10_000, date(2027, 1, 20))
    seen = view(state, date(2027, 1, 20))
    assert seen.next_due_date == date(2027, 2, 14)
    # base 110,000 × 3.0% = 3,300 -> 4,000
    assert seen.minimum_payment == 4_000
    # interest on 100,000 settled for (10 Jan, 20 Jan]: 18,000,000 / 36,500 = 493.15 -> 493
    assert state.unpaid_interest == 493
    assert seen.accrued_interest == 493


def test_borrowing_whose_new_minimum_is_already_paid_completes_the_cycle() -> None:
    state = borrow(returning_member(), 101_000, date(2027, 1, 10))
    # minimum: 101,000 × 3.0% = 3,030 -> 4,000. Pay 3,500 on 20 Jan, not enough:
    # interest (10 Jan, 20 Jan] on 101,000 = 18,180,000 / 36,500 = 498.08 -> 498,
    # principal 101,000 - (3,500 - 498) = 97,998.
    state, _ = repay(state, 3_500, date(2027, 1, 20))
    assert state.principal == 97_998
    assert state.next_due_date == date(2027, 2, 14)
    # Borrow 1,000 on 25 Jan: new base 98,998 × 3.0% = 2,969.94 -> 3,000 <= 3,500 paid,
    # so the cycle is met on the borrowing day: due 25 Jan + 35 = 1 Mar.
    state = borrow(state, 1_000, date(2027, 1, 25))
    assert state.next_due_date == date(2027, 3, 1)
    assert state.paid_in_cycle == 0
    assert view(state, date(2027, 1, 25)).minimum_payment == 3_000


@pytest.mark.parametrize("amount", [999, 1_500, 0])
def test_borrow_refuses_malformed_amounts(amount: int) -> None:
    with pytest.raises(InvalidAmountError):
        borrow(returning_member(), amount, date(2027, 1, 10))


def test_borrow_refuses_more_than_available() -> None:
    with pytest.raises(InvalidAmountError, match="available 400000"):
        borrow(borrowed_100k(), 401_000, date(2027, 1, 11))


# --- repaying -------------------------------------------------------------------------------


def test_repaying_the_minimum_moves_the_due_date_35_days_from_payment() -> None:
    # Interest (10 Jan, 1 Feb] = 22 days: 39,600,000 / 36,500 = 1,084.93 -> 1,084
    state, allocation = repay(borrowed_100k(), 3_000, date(2027, 2, 1))
    assert allocation == Allocation(late_interest=0, interest=1_084, principal=1_916)
    assert state.principal == 98_084
    assert state.next_due_date == date(2027, 3, 8)  # 1 Feb + 35
    assert state.paid_in_cycle == 0
    assert view(state, date(2027, 2, 1)).minimum_payment == 3_000


def test_partial_payment_keeps_the_due_date_and_shows_the_rest_due() -> None:
    state, _ = repay(borrowed_100k(), 2_000, date(2027, 2, 1))
    seen = view(state, date(2027, 2, 1))
    assert seen.next_due_date == date(2027, 2, 14)
    assert seen.minimum_payment == 1_000
    # A second payment completing the minimum moves the due date from its own day.
    state, _ = repay(state, 1_000, date(2027, 2, 10))
    assert state.next_due_date == date(2027, 3, 17)  # 10 Feb + 35


def test_repaying_everything_clears_the_due_date() -> None:
    state = borrowed_100k()
    payoff = view(state, date(2027, 2, 1)).payoff_amount
    assert payoff == 101_084
    state, allocation = repay(state, payoff, date(2027, 2, 1))
    assert allocation == Allocation(0, 1_084, 100_000)
    seen = view(state, date(2027, 3, 1))
    assert (seen.principal, seen.payoff_amount, seen.minimum_payment) == (0, 0, 0)
    assert seen.next_due_date is None
    assert seen.overdue_days == 0


def test_repaying_more_than_payoff_is_refused() -> None:
    with pytest.raises(OverpaymentError):
        repay(borrowed_100k(), 101_085, date(2027, 2, 1))


# --- arrears --------------------------------------------------------------------------------


def test_on_the_due_date_the_member_is_not_yet_overdue() -> None:
    # Borrowing stays possible on the due date itself: the member has all of that day to pay.
    assert not is_overdue(borrowed_100k(), date(2027, 2, 14))
    assert is_overdue(borrowed_100k(), date(2027, 2, 15))
    seen = view(borrowed_100k(), date(2027, 2, 14))
    assert seen.overdue_days == 0
    assert seen.late_interest == 0


def test_overdue_days_get_late_interest_instead_of_interest() -> None:
    seen = view(borrowed_100k(), date(2027, 2, 19))
    assert seen.overdue_days == 5
    # Interest only up to the due date: (10 Jan, 14 Feb] = 35 days:
    # 63,000,000 / 36,500 = 1,726.03 -> 1,726
    assert seen.accrued_interest == 1_726
    # Late interest 20% for (14 Feb, 19 Feb]: 10,000,000 / 36,500 = 273.97 -> 273
    assert seen.late_interest == 273
    assert seen.payoff_amount == 101_999
    assert seen.minimum_payment == 3_000


def test_paying_the_minimum_while_overdue_ends_the_arrears() -> None:
    state, allocation = repay(borrowed_100k(), 3_000, date(2027, 2, 19))
    assert allocation == Allocation(late_interest=273, interest=1_726, principal=1_001)
    assert state.principal == 98_999
    assert state.next_due_date == date(2027, 3, 26)  # 19 Feb + 35
    assert state.last_overdue_on == date(2027, 2, 19)
    seen = view(state, date(2027, 2, 20))
    assert seen.overdue_days == 0
    assert seen.late_interest == 0
    # Ordinary interest again: 98,999 × 0.18 / 365 = 48.82 -> 48
    assert seen.accrued_interest == 48


def test_paying_less_than_the_minimum_while_overdue_stays_overdue() -> None:
    state, _ = repay(borrowed_100k(), 2_000, date(2027, 2, 19))
    assert is_overdue(state, date(2027, 2, 20))
    assert view(state, date(2027, 2, 20)).overdue_days == 6
    assert last_overdue_on(state, date(2027, 2, 20)) == date(2027, 2, 20)


def test_late_interest_runs_even_in_the_interest_free_period() -> None:
    state = new_account(
        credit_limit=100_000,
        interest_rate=RATE_18,
        contract_date=date(2027, 3, 1),
        cycle="monthly",
        cycle_day=20,
    )
    state = borrow(state, 100_000, date(2027, 3, 1))
    assert state.next_due_date == date(2027, 3, 20)  # first 20th at least 14 days away
    seen = view(state, date(2027, 3, 25))
    assert seen.overdue_days == 5
    assert seen.accrued_interest == 0  # still inside the free period (through 31 Mar)
    assert seen.late_interest == 273  # 20% for 5 days on 100,000


# --- settlement, rate change, clock -------------------------------------------------------


def test_view_does_not_depend_on_settling_first() -> None:
    state = borrowed_100k()
    for day in (date(2027, 1, 31), date(2027, 2, 19)):
        assert view(accrue(state, day), day) == view(state, day)


def test_limit_change_settles_interest_at_the_old_rate() -> None:
    state = apply_limit_change(
        borrowed_100k(),
        credit_limit=1_000_000,
        interest_rate=Decimal("15.0"),
        today=date(2027, 1, 20),
    )
    # 10 days at 18%: 493; then 10 days at 15%: 15,000,000 / 36,500 = 410.96 -> 410
    assert view(state, date(2027, 1, 30)).accrued_interest == 903
    assert view(state, date(2027, 1, 30)).available == 900_000


def test_available_is_never_negative_after_a_limit_cut() -> None:
    state = apply_limit_change(
        borrowed_100k(), credit_limit=50_000, interest_rate=RATE_18, today=date(2027, 1, 20)
    )
    assert view(state, date(2027, 1, 20)).available == 0


def test_clock_moved_back_settles_nothing() -> None:
    state = accrue(borrowed_100k(), date(2027, 2, 1))
    assert accrue(state, date(2027, 1, 20)) == state
    seen = view(state, date(2027, 1, 20))
    assert seen.accrued_interest == 1_084
    assert seen.overdue_days == 0


# --- due-date helpers ---------------------------------------------------------------------


def test_monthly_first_due_is_the_first_cycle_day_at_least_14_days_away() -> None:
    assert due_date_for_first_borrowing("monthly", date(2027, 3, 5), 25) == date(2027, 3, 25)
    # 15 Mar + 14 = 29 Mar is after the 25th: next month
    assert due_date_for_first_borrowing("monthly", date(2027, 3, 15), 25) == date(2027, 4, 25)
    # exactly 14 days away is allowed
    assert due_date_for_first_borrowing("monthly", date(2027, 3, 11), 25) == date(2027, 3, 25)


def test_monthly_day_31_falls_on_the_last_day_of_short_months() -> None:
    assert due_date_for_first_borrowing("monthly", date(2027, 4, 1), 31) == date(2027, 4, 30)
    assert next_due_after_payment("monthly", date(2027, 4, 28), date(2027, 4, 30), 31) == date(
        2027, 5, 31
    )
    assert next_due_after_payment("monthly", date(2028, 1, 30), date(2028, 1, 31), 31) == date(
        2028, 2, 29
    )


def test_monthly_next_due_is_the_same_day_next_month() -> None:
    # Paid early or on time: the month after the current due date.
    assert next_due_after_payment("monthly", date(2027, 3, 10), date(2027, 3, 25), 25) == date(
        2027, 4, 25
    )
    # Paid late, after next month's day too: moved on until after the payment.
    assert next_due_after_payment("monthly", date(2027, 4, 26), date(2027, 3, 25), 25) == date(
        2027, 5, 25
    )


def test_35_day_helpers() -> None:
    assert due_date_for_first_borrowing("35days", date(2027, 12, 1)) == date(2028, 1, 5)
    assert next_due_after_payment("35days", date(2028, 2, 1), date(2028, 2, 10)) == date(
        2028, 3, 7
    )  # 2028 is a leap year: 1 Feb + 35 = 7 Mar


def test_monthly_repayment_moves_to_next_month() -> None:
    state = new_account(
        credit_limit=300_000,
        interest_rate=RATE_18,
        contract_date=date(2027, 1, 1),
        cycle="monthly",
        cycle_day=25,
        first_contract=False,
    )
    state = borrow(state, 100_000, date(2027, 3, 5))
    assert state.next_due_date == date(2027, 3, 25)
    state, _ = repay(state, 5_000, date(2027, 3, 24))  # 4.2% of 100,000 = 4,200 -> 5,000
    assert state.next_due_date == date(2027, 4, 25)


def test_add_months_clamps_and_goes_backwards() -> None:
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 3, 31), -1) == date(2027, 2, 28)
    assert add_months(date(2027, 1, 15), -13) == date(2025, 12, 15)


def test_state_validation() -> None:
    with pytest.raises(ValueError, match="day of month"):
        AccountState(100_000, RATE_18, date(2027, 1, 1), cycle="monthly")
    with pytest.raises(ValueError, match="only for the monthly"):
        AccountState(100_000, RATE_18, date(2027, 1, 1), cycle_day=25)
    with pytest.raises(ValueError, match="next_due_date"):
        AccountState(100_000, RATE_18, date(2027, 1, 1), principal=10_000, minimum_base=10_000)
    with pytest.raises(ValueError, match="minimum_base"):
        AccountState(
            100_000, RATE_18, date(2027, 1, 1), principal=10_000, next_due_date=date(2027, 2, 5)
        )
    with pytest.raises(ValueError, match="negative"):
        AccountState(100_000, RATE_18, date(2027, 1, 1), paid_in_cycle=-1)
