"""Money arithmetic (SPEC 2.5); every expected figure is worked out by hand in the comment."""

from datetime import date
from decimal import Decimal

import pytest

from acom_contract.money import (
    Allocation,
    InvalidAmountError,
    OverpaymentError,
    allocate,
    capped_rate,
    ceil_to_1000,
    interest_for_span,
    minimum_payment,
    payoff_amount,
    rate_cap,
)

RATE_18 = Decimal("18.0")


def test_rate_cap_switches_at_one_million() -> None:
    assert rate_cap(999_999) == Decimal("18.0")
    assert rate_cap(1_000_000) == Decimal("15.0")
    assert rate_cap(8_000_000) == Decimal("15.0")


def test_capped_rate_only_lowers() -> None:
    assert capped_rate(Decimal("18.0"), 1_000_000) == Decimal("15.0")
    assert capped_rate(Decimal("12.5"), 1_000_000) == Decimal("12.5")


def test_thirty_days_in_an_ordinary_year() -> None:
    # 100,000 × 0.18 × 30 / 365 = 1,479.45 -> 1,479
    assert interest_for_span(100_000, RATE_18, date(2027, 3, 1), date(2027, 3, 31)) == 1479


def test_start_day_is_not_counted_end_day_is() -> None:
    # (1 Mar, 2 Mar] is one day: 18,000 / 365 = 49.31 -> 49
    assert interest_for_span(100_000, RATE_18, date(2027, 3, 1), date(2027, 3, 2)) == 49
    assert interest_for_span(100_000, RATE_18, date(2027, 3, 1), date(2027, 3, 1)) == 0


def test_leap_day_counts_and_the_year_has_366_days() -> None:
    # (28 Feb 2028, 1 Mar 2028] = 29 Feb and 1 Mar: 100,000 × 0.18 × 2 / 366 = 98.36 -> 98
    assert interest_for_span(100_000, RATE_18, date(2028, 2, 28), date(2028, 3, 1)) == 98
    # The same dates a year earlier are one day over 365: 49.31 -> 49
    assert interest_for_span(100_000, RATE_18, date(2027, 2, 28), date(2027, 3, 1)) == 49


def test_span_crossing_new_year_is_split_and_floored_per_year() -> None:
    # 2027 part (20 Dec, 31 Dec] = 11 days: 19,800,000 / 36,500 = 542.47 -> 542
    # 2028 part (31 Dec, 10 Jan] = 10 days: 18,000,000 / 36,600 = 491.80 -> 491
    # One undivided 21-day span over 365 would give 1,035.
    assert interest_for_span(100_000, RATE_18, date(2027, 12, 20), date(2028, 1, 10)) == 1033


def test_fractional_rate_is_exact() -> None:
    # 100,000 × 0.178 × 30 / 365 = 534,000 / 365 = 1,463.01 -> 1,463
    assert interest_for_span(100_000, Decimal("17.8"), date(2027, 3, 1), date(2027, 3, 31)) == 1463
    # 1,000,000 × 0.045 for all of 2027 = exactly 45,000 (no float drift to 44,999)
    assert (
        interest_for_span(1_000_000, Decimal("4.5"), date(2026, 12, 31), date(2027, 12, 31))
        == 45_000
    )


def test_span_backwards_is_refused() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        interest_for_span(100_000, RATE_18, date(2027, 3, 2), date(2027, 3, 1))


@pytest.mark.parametrize(
    ("amount", "expected"), [(0, 0), (1, 1000), (999, 1000), (1000, 1000), (1001, 2000)]
)
def test_ceil_to_1000(amount: int, expected: int) -> None:
    assert ceil_to_1000(amount) == expected


def test_minimum_payment_at_exactly_300000_limit_uses_4_2_percent() -> None:
    # 300,000 × 4.2% = 12,600 -> 13,000
    assert minimum_payment(300_000, 300_000, 400_000) == 13_000


def test_minimum_payment_above_300000_limit_uses_3_percent() -> None:
    # 300,000 × 3.0% = 9,000, already a multiple of 1,000
    assert minimum_payment(300_000, 310_000, 400_000) == 9_000


def test_minimum_payment_rounds_up_to_1000() -> None:
    # 120,000 × 3.0% = 3,600 -> 4,000 (roster member 10000001)
    assert minimum_payment(120_000, 500_000, 125_000) == 4_000
    # 1,000 × 4.2% = 42 -> 1,000
    assert minimum_payment(1_000, 100_000, 1_010) == 1_000


def test_minimum_payment_never_more_than_payoff() -> None:
    assert minimum_payment(100_000, 500_000, 2_500) == 2_500


def test_minimum_payment_is_zero_when_nothing_is_owed() -> None:
    assert minimum_payment(100_000, 500_000, 0) == 0
    assert minimum_payment(0, 500_000, 0) == 0


def test_payoff_amount_adds_the_three_buckets() -> None:
    assert payoff_amount(300, 1_200, 100_000) == 101_500


def test_allocate_late_interest_then_interest_then_principal() -> None:
    assert allocate(5_000, 300, 1_200, 100_000) == Allocation(300, 1_200, 3_500)
    assert allocate(1_000, 300, 1_200, 100_000) == Allocation(300, 700, 0)
    assert allocate(200, 300, 1_200, 100_000) == Allocation(200, 0, 0)


def test_allocate_the_whole_payoff() -> None:
    assert allocate(101_500, 300, 1_200, 100_000) == Allocation(300, 1_200, 100_000)


def test_allocate_more_than_payoff_is_an_overpayment() -> None:
    with pytest.raises(OverpaymentError) as caught:
        allocate(101_501, 300, 1_200, 100_000)
    assert caught.value.code == "OVERPAYMENT"
    assert caught.value.payoff == 101_500
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("amount", [0, -1])
def test_allocate_refuses_non_positive_amounts(amount: int) -> None:
    with pytest.raises(InvalidAmountError) as caught:
        allocate(amount, 0, 0, 100_000)
    assert caught.value.code == "VALIDATION_ERROR"
