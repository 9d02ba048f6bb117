"""The public repayment simulator (SPEC 2.15)."""

from decimal import Decimal

import pytest

from mock_server.domain.simulator import (
    ScheduleRow,
    SimulationError,
    limits_for_rate,
    minimum_monthly_payment,
    simulate_by_count,
    simulate_by_payment,
)

RATE_18 = Decimal("18.0")


def test_first_two_periods_by_hand() -> None:
    result = simulate_by_payment(100_000, RATE_18, 10_000)
    # 1: 100,000 × 0.18 × 30 / 365 = 54,000,000 / 36,500 = 1,479.45 -> 1,479;
    #    principal 10,000 - 1,479 = 8,521; balance 91,479
    # 2: 91,479 × 0.18 × 30 / 365 = 49,398,660 / 36,500 = 1,353.39 -> 1,353;
    #    principal 8,647; balance 82,832
    assert result.schedule[:2] == (
        ScheduleRow(1, 30, 10_000, 1_479, 8_521, 91_479),
        ScheduleRow(2, 60, 10_000, 1_353, 8_647, 82_832),
    )


def test_last_payment_is_whatever_is_left() -> None:
    result = simulate_by_payment(100_000, RATE_18, 10_000)
    before_last, last = result.schedule[-2], result.schedule[-1]
    assert last.payment == before_last.balance_after + last.interest
    assert last.payment < 10_000
    assert last.balance_after == 0
    # About 9,000 of interest over the life: ten full payments do not cover 109,000.
    assert result.payments == 11
    assert result.monthly_payment == 10_000
    assert result.total_paid == 100_000 + result.total_interest


def test_a_payment_covering_everything_is_one_payment() -> None:
    result = simulate_by_payment(100_000, RATE_18, 500_000)
    assert result.payments == 1
    assert result.schedule[0].payment == 101_479
    assert result.total_paid == 101_479


def test_count_finds_the_smallest_payment() -> None:
    result = simulate_by_count(100_000, RATE_18, 12)
    assert result.payments == 12
    assert simulate_by_payment(100_000, RATE_18, result.monthly_payment - 1).payments == 13


def test_count_of_one_repays_with_the_first_period_interest() -> None:
    result = simulate_by_count(100_000, RATE_18, 1)
    assert (result.payments, result.monthly_payment, result.total_interest) == (1, 101_479, 1_479)


def test_count_below_the_minimum_payment_uses_the_minimum() -> None:
    # 87 payments at 7.7% would need only 1,498 a period, under the 1.5% minimum of 1,500;
    # 1,500 still takes all 87 payments.
    result = simulate_by_count(100_000, Decimal("7.7"), 87)
    assert result.monthly_payment == 1_500
    assert result.payments == 87


@pytest.mark.parametrize(
    ("rate", "max_payments", "minimum_percent"),
    [
        ("20.0", 46, "3.0"),
        ("18.0", 46, "3.0"),
        ("16.0", 46, "3.0"),
        ("15.0", 78, "2.0"),
        ("10.0", 78, "2.0"),
        ("7.7", 87, "1.5"),
        ("5.0", 87, "1.5"),
        ("4.7", 77, "1.5"),
        ("4.0", 77, "1.5"),
        ("3.0", 73, "1.5"),
        ("0.1", 73, "1.5"),
    ],
)
def test_rates_take_the_limits_of_the_next_listed_rate(
    rate: str, max_payments: int, minimum_percent: str
) -> None:
    limits = limits_for_rate(Decimal(rate))
    assert limits.max_payments == max_payments
    assert limits.min_payment_percent == Decimal(minimum_percent)


def test_minimum_monthly_payment_rounds_up() -> None:
    assert minimum_monthly_payment(100_000, RATE_18) == 3_000
    # 33,333 × 3% = 999.99 -> 1,000
    assert minimum_monthly_payment(33_333, RATE_18) == 1_000


def test_payment_under_the_minimum_names_the_limit() -> None:
    with pytest.raises(SimulationError) as caught:
        simulate_by_payment(100_000, RATE_18, 2_999)
    assert caught.value.field == "monthly_payment"
    assert "3,000 yen" in caught.value.message
    assert "3.0% of the amount at 18.0%" in caught.value.message


def test_payment_needing_too_many_payments_names_the_limit_and_what_fits() -> None:
    # 3,000 is the minimum, but needs 47 payments at 18.0% (the 47th is 781 yen).
    with pytest.raises(SimulationError) as caught:
        simulate_by_payment(100_000, RATE_18, 3_000)
    assert caught.value.field == "monthly_payment"
    assert "more than 46 payments" in caught.value.message
    smallest = simulate_by_count(100_000, RATE_18, 46).monthly_payment
    assert f"at least {smallest:,} yen" in caught.value.message
    assert simulate_by_payment(100_000, RATE_18, smallest).payments == 46


def test_too_many_payments_names_the_limit() -> None:
    with pytest.raises(SimulationError) as caught:
        simulate_by_count(100_000, RATE_18, 47)
    assert caught.value.field == "payments"
    assert "46" in caught.value.message
    assert simulate_by_count(100_000, Decimal("15.0"), 78).payments == 78


@pytest.mark.parametrize("payments", [0, -1])
def test_payments_must_be_positive(payments: int) -> None:
    with pytest.raises(SimulationError) as caught:
        simulate_by_count(100_000, RATE_18, payments)
    assert caught.value.field == "payments"


@pytest.mark.parametrize("amount", [0, 8_000_001])
def test_amount_out_of_range(amount: int) -> None:
    with pytest.raises(SimulationError) as caught:
        simulate_by_payment(amount, RATE_18, 10_000)
    assert caught.value.field == "amount"
    assert "8,000,000" in caught.value.message


@pytest.mark.parametrize("rate", ["0", "-1", "20.1", "NaN", "Infinity"])
def test_rate_out_of_range(rate: str) -> None:
    with pytest.raises(SimulationError) as caught:
        simulate_by_count(100_000, Decimal(rate), 12)
    assert caught.value.field == "annual_rate"


def test_bounds_are_accepted() -> None:
    assert simulate_by_count(8_000_000, Decimal("18.0"), 46).payments == 46
    assert simulate_by_payment(1, Decimal("3.0"), 1).total_paid == 1


@pytest.mark.parametrize("rate", ["20.0", "18.1", "2.9", "0.1"])
def test_rates_outside_the_published_range_are_refused(rate: str) -> None:
    with pytest.raises(SimulationError) as caught:
        simulate_by_count(100_000, Decimal(rate), 10)
    assert caught.value.field == "annual_rate"
    assert caught.value.limit == "rate_range"
    assert caught.value.values == {"min_rate": "3.0", "max_rate": "18.0"}
    assert "3.0% and 18.0%" in str(caught.value)
