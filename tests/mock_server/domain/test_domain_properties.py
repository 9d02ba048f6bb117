"""Properties of the money rules that must hold for every input."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from acom_contract.money import allocate, interest_for_span
from mock_server.domain.account import accrue, borrow, new_account, repay, view
from mock_server.domain.simulator import (
    SimulationError,
    minimum_monthly_payment,
    simulate_by_count,
    simulate_by_payment,
)

yen = st.integers(min_value=0, max_value=10_000_000)
rates = st.decimals(min_value=Decimal("0.1"), max_value=Decimal("20.0"), places=1)
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


@given(late=yen, interest=yen, principal=yen, data=st.data())
def test_allocation_adds_up_and_respects_every_bucket(
    late: int, interest: int, principal: int, data: st.DataObject
) -> None:
    payoff = late + interest + principal
    if payoff == 0:
        return
    amount = data.draw(st.integers(min_value=1, max_value=payoff))
    parts = allocate(amount, late, interest, principal)
    assert parts.total == amount
    assert 0 <= parts.late_interest <= late
    assert 0 <= parts.interest <= interest
    assert 0 <= parts.principal <= principal
    # Nothing reaches a later bucket while an earlier one is unpaid.
    assert parts.interest == 0 or parts.late_interest == late
    assert parts.principal == 0 or parts.interest == interest


@given(
    principal=yen,
    rate=rates,
    start=days,
    short=st.integers(min_value=0, max_value=800),
    extra=st.integers(min_value=0, max_value=800),
)
def test_interest_grows_with_days(
    principal: int, rate: Decimal, start: date, short: int, extra: int
) -> None:
    shorter = interest_for_span(principal, rate, start, start + timedelta(days=short))
    longer = interest_for_span(principal, rate, start, start + timedelta(days=short + extra))
    assert 0 <= shorter <= longer


@given(small=yen, more=yen, rate=rates, start=days, span=st.integers(min_value=0, max_value=800))
def test_interest_grows_with_principal(
    small: int, more: int, rate: Decimal, start: date, span: int
) -> None:
    end = start + timedelta(days=span)
    assert interest_for_span(small, rate, start, end) <= interest_for_span(
        small + more, rate, start, end
    )


#: limit, rate, amount borrowed, days until the repayment, repayment in thousandths of the
#: payoff, days from the repayment to the view, first contract.
Case = tuple[int, Decimal, int, int, int, int, bool]


@st.composite
def repayments(draw: st.DrawFn) -> Case:
    limit = draw(st.integers(min_value=1, max_value=800)) * 10_000
    rate = draw(st.sampled_from([Decimal("18.0"), Decimal("15.0"), Decimal("4.5")]))
    amount = draw(st.integers(min_value=1, max_value=limit // 1000)) * 1000
    pay_after = draw(st.integers(min_value=0, max_value=120))
    share = draw(st.integers(min_value=1, max_value=1000))
    look_after = draw(st.integers(min_value=0, max_value=120))
    first_contract = draw(st.booleans())
    return limit, rate, amount, pay_after, share, look_after, first_contract


@given(case=repayments(), monthly=st.booleans())
def test_repay_then_view_never_shows_negative_figures(case: Case, monthly: bool) -> None:
    limit, rate, amount, pay_after, share, look_after, first_contract = case
    contract = date(2027, 12, 1)
    state = new_account(
        credit_limit=limit,
        interest_rate=rate,
        contract_date=contract,
        cycle="monthly" if monthly else "35days",
        cycle_day=31 if monthly else None,
        first_contract=first_contract,
    )
    state = borrow(state, amount, contract)
    paid_on = contract + timedelta(days=pay_after)
    payoff = view(state, paid_on).payoff_amount
    payment = max(1, payoff * share // 1000)
    state, parts = repay(state, payment, paid_on)
    assert parts.total == payment
    seen = view(state, paid_on + timedelta(days=look_after))
    money = (
        seen.principal,
        seen.available,
        seen.accrued_interest,
        seen.late_interest,
        seen.payoff_amount,
        seen.minimum_payment,
        seen.overdue_days,
    )
    assert all(figure >= 0 for figure in money)
    assert seen.minimum_payment <= seen.payoff_amount
    assert seen.principal <= limit
    assert (seen.next_due_date is None) == (seen.principal == 0)


@given(case=repayments())
def test_settling_never_changes_what_is_shown(
    case: Case,
) -> None:
    limit, rate, amount, pay_after, _, look_after, first_contract = case
    contract = date(2027, 12, 1)
    state = new_account(
        credit_limit=limit,
        interest_rate=rate,
        contract_date=contract,
        first_contract=first_contract,
    )
    state = borrow(state, amount, contract)
    day = contract + timedelta(days=pay_after + look_after)
    assert view(accrue(state, day), day) == view(state, day)


#: The simulator's published range of rates (SPEC 2.15 and the lender's 3.0-18.0%).
simulator_rates = st.decimals(min_value=Decimal("3.0"), max_value=Decimal("18.0"), places=1)


@given(
    amount=st.integers(min_value=1, max_value=8_000_000),
    rate=simulator_rates,
    payment_share=st.integers(min_value=0, max_value=1000),
)
def test_simulation_pays_back_exactly_the_amount_plus_interest(
    amount: int, rate: Decimal, payment_share: int
) -> None:
    minimum = minimum_monthly_payment(amount, rate)
    payment = minimum + (amount - minimum) * payment_share // 1000
    try:
        result = simulate_by_payment(amount, rate, payment)
    except SimulationError as error:
        assert error.field == "monthly_payment"
        return
    assert result.total_paid == amount + result.total_interest
    assert sum(row.principal for row in result.schedule) == amount
    assert result.schedule[-1].balance_after == 0
    assert all(row.payment <= payment for row in result.schedule)


@given(amount=st.integers(min_value=1, max_value=8_000_000), data=st.data())
def test_count_payment_is_the_smallest_that_fits(amount: int, data: st.DataObject) -> None:
    rate = data.draw(st.sampled_from([Decimal("18.0"), Decimal("15.0"), Decimal("3.0")]))
    payments = data.draw(st.integers(min_value=1, max_value=40))
    result = simulate_by_count(amount, rate, payments)
    assert result.payments <= payments
    assert result.total_paid == amount + result.total_interest
    if result.monthly_payment > minimum_monthly_payment(amount, rate):
        try:
            one_less = simulate_by_payment(amount, rate, result.monthly_payment - 1).payments
        except SimulationError as error:  # more payments than the rate's limit
            assert error.field == "monthly_payment"
            return
        assert one_less > payments
