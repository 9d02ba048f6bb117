"""Borrowing checks, limit increases, certificate validity and transfer timing."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from acom_contract.calendar import is_bank_business_day as is_business_day
from acom_contract.eligibility import (
    BorrowRefusal,
    Decision,
    IncreaseReason,
    LimitRequestError,
    certificate_is_valid,
    certificate_rule_applies,
    check_borrow,
    decide_limit_increase,
    total_lending_ceiling,
    transfer_arrival,
    validate_borrow_amount,
    within_total_lending_limit,
)

JST = timezone(timedelta(hours=9))


def borrow_check(amount: int, **overrides: object) -> BorrowRefusal | None:
    """Roster member 10000009: income 3,000,000, other lenders 700,000, limit 500,000,
    principal 250,000, valid certificate. Room under 総量規制: 1,000,000 - 950,000 = 50,000."""
    facts: dict[str, object] = {
        "principal": 250_000,
        "credit_limit": 500_000,
        "other_lenders_balance": 700_000,
        "annual_income": 3_000_000,
        "overdue": False,
        "has_valid_certificate": True,
    }
    facts.update(overrides)
    return check_borrow(amount, **facts)  # type: ignore[arg-type]


# --- borrowing ------------------------------------------------------------------------------


def test_total_lending_limit_allows_exactly_one_third() -> None:
    assert within_total_lending_limit(1_000_000, 3_000_000)
    assert not within_total_lending_limit(1_000_001, 3_000_000)
    # Income not divisible by 3: 3 × 1,000,000 = 3,000,000 <= 3,000,001, but 3,000,003 is not.
    assert within_total_lending_limit(1_000_000, 3_000_001)
    assert not within_total_lending_limit(1_000_001, 3_000_001)


def test_borrowing_up_to_one_third_of_income_is_allowed() -> None:
    # 250,000 + 50,000 + 700,000 = 1,000,000 = 3,000,000 / 3
    assert borrow_check(50_000) is None


def test_borrowing_past_one_third_of_income_is_refused() -> None:
    # The roster's example: 250,000 + 60,000 + 700,000 = 1,010,000
    assert borrow_check(60_000) == BorrowRefusal.TOTAL_LENDING_LIMIT
    # One yen over: the same 1,000,000 against an income one yen short of 3,000,000
    assert borrow_check(50_000, annual_income=2_999_999) == BorrowRefusal.TOTAL_LENDING_LIMIT


def test_over_the_available_amount() -> None:
    assert borrow_check(251_000, annual_income=10_000_000) == BorrowRefusal.LIMIT_EXCEEDED
    assert borrow_check(250_000, annual_income=10_000_000) is None


def test_available_is_zero_after_a_limit_cut() -> None:
    assert borrow_check(1_000, credit_limit=200_000) == BorrowRefusal.LIMIT_EXCEEDED


def test_refusals_come_in_the_documented_order() -> None:
    everything_wrong = {"overdue": True, "has_valid_certificate": False}
    assert borrow_check(300_000, **everything_wrong) == BorrowRefusal.OVERDUE
    assert borrow_check(300_000, has_valid_certificate=False) == BorrowRefusal.LIMIT_EXCEEDED
    assert borrow_check(60_000, has_valid_certificate=False) == BorrowRefusal.TOTAL_LENDING_LIMIT
    assert borrow_check(1_000, has_valid_certificate=False) == (
        BorrowRefusal.INCOME_CERTIFICATE_REQUIRED
    )


def test_certificate_rule_from_500000_limit_inclusive() -> None:
    assert certificate_rule_applies(500_000, 0)
    assert not certificate_rule_applies(490_000, 0)


def test_certificate_rule_when_combined_borrowing_exceeds_one_million() -> None:
    assert not certificate_rule_applies(490_000, 510_000)  # exactly 1,000,000
    assert certificate_rule_applies(490_000, 510_001)
    refused = borrow_check(
        1_000,
        principal=0,
        credit_limit=490_000,
        other_lenders_balance=510_001,
        annual_income=10_000_000,
        has_valid_certificate=False,
    )
    assert refused == BorrowRefusal.INCOME_CERTIFICATE_REQUIRED


@pytest.mark.parametrize(
    ("amount", "problem"),
    [(0, "at least 1,000"), (999, "at least 1,000"), (1_500, "multiple of 1,000")],
)
def test_malformed_borrow_amounts_are_named(amount: int, problem: str) -> None:
    message = validate_borrow_amount(amount)
    assert message is not None
    assert problem in message


def test_well_formed_borrow_amount() -> None:
    assert validate_borrow_amount(1_000) is None
    assert validate_borrow_amount(250_000) is None


# --- certificate validity ---------------------------------------------------------------


def test_certificate_valid_through_its_third_anniversary() -> None:
    uploaded = date(2025, 4, 10)
    assert certificate_is_valid(uploaded, date(2025, 4, 10))
    assert certificate_is_valid(uploaded, date(2028, 4, 10))
    assert not certificate_is_valid(uploaded, date(2028, 4, 11))


def test_certificate_uploaded_on_a_leap_day_ends_on_28_february() -> None:
    assert certificate_is_valid(date(2028, 2, 29), date(2031, 2, 28))
    assert not certificate_is_valid(date(2028, 2, 29), date(2031, 3, 1))


# --- limit increase -----------------------------------------------------------------------


def increase(requested: int, **overrides: object) -> Decision:
    """Roster member 10000007: limit 300,000, income 3,000,000, other lenders 400,000,
    contract two years ago, never overdue, no certificate."""
    facts: dict[str, object] = {
        "current_limit": 300_000,
        "current_rate": Decimal("18.0"),
        "contract_date": date(2025, 6, 1),
        "today": date(2027, 6, 1),
        "last_overdue_on": None,
        "suspended": False,
        "other_lenders_balance": 400_000,
        "annual_income": 3_000_000,
        "has_valid_certificate": False,
    }
    facts.update(overrides)
    return decide_limit_increase(requested, **facts)  # type: ignore[arg-type]


def test_increase_to_500000_without_certificate_asks_for_documents() -> None:
    # 500,000 + 400,000 = 900,000 <= 1,000,000 (総量規制 fine), but 500,000 needs a certificate.
    assert increase(500_000) == Decision(
        "documents_required", (IncreaseReason.INCOME_CERTIFICATE_REQUIRED,), None
    )


def test_increase_with_a_valid_certificate_is_approved_at_the_same_rate() -> None:
    assert increase(500_000, has_valid_certificate=True) == Decision(
        "approved", (), Decimal("18.0")
    )


def test_small_increase_needs_no_certificate() -> None:
    # 400,000 < 500,000 and 400,000 + 400,000 = 800,000 <= 1,000,000
    assert increase(400_000).status == "approved"


def test_increase_to_one_million_lowers_the_rate_to_15() -> None:
    decision = increase(
        1_000_000, other_lenders_balance=0, has_valid_certificate=True, current_limit=900_000
    )
    assert decision == Decision("approved", (), Decimal("15.0"))


def test_contract_younger_than_six_months_is_declined() -> None:
    # 31 Jan + 6 months = 31 Jul: 30 Jul is one day short.
    young = {"contract_date": date(2027, 1, 31), "has_valid_certificate": True}
    declined = increase(400_000, today=date(2027, 7, 30), **young)
    assert declined.status == "declined"
    assert declined.reasons == (IncreaseReason.CONTRACT_UNDER_6_MONTHS,)
    assert increase(400_000, today=date(2027, 7, 31), **young).status == "approved"


def test_overdue_within_the_last_six_months_is_declined() -> None:
    # today 15 Sep 2027: the window starts 15 Mar 2027 (inclusive).
    recent = increase(400_000, today=date(2027, 9, 15), last_overdue_on=date(2027, 3, 15))
    assert recent.reasons == (IncreaseReason.RECENT_OVERDUE,)
    old = increase(400_000, today=date(2027, 9, 15), last_overdue_on=date(2027, 3, 14))
    assert old.status == "approved"


def test_total_lending_limit_on_the_requested_limit() -> None:
    # 600,000 + 400,000 = 1,000,000 = 3,000,000 / 3: allowed (then needs documents)
    assert increase(600_000).status == "documents_required"
    # 610,000 + 400,000 = 1,010,000: declined
    assert increase(610_000).reasons == (IncreaseReason.TOTAL_LENDING_LIMIT,)


def test_every_decline_reason_is_listed() -> None:
    decision = increase(
        610_000,
        contract_date=date(2027, 5, 1),
        last_overdue_on=date(2027, 5, 20),
        suspended=True,
    )
    assert decision == Decision(
        "declined",
        (
            IncreaseReason.CONTRACT_UNDER_6_MONTHS,
            IncreaseReason.RECENT_OVERDUE,
            IncreaseReason.SUSPENDED,
            IncreaseReason.TOTAL_LENDING_LIMIT,
        ),
        None,
    )


@pytest.mark.parametrize(
    ("requested", "problem"),
    [
        (505_000, "multiple of 10,000"),
        (8_010_000, "at most 8,000,000"),
        (300_000, "more than the current limit of 300,000"),
        (200_000, "more than the current limit"),
    ],
)
def test_malformed_limit_requests_are_named(requested: int, problem: str) -> None:
    with pytest.raises(LimitRequestError, match=problem) as caught:
        increase(requested)
    assert "requested_limit" in str(caught.value)


def test_top_limit_is_accepted() -> None:
    decision = increase(
        8_000_000,
        annual_income=30_000_000,
        other_lenders_balance=0,
        has_valid_certificate=True,
    )
    assert decision == Decision("approved", (), Decimal("15.0"))


# --- transfer timing ----------------------------------------------------------------------


def at(day: date, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=JST)


WEDNESDAY = date(2027, 3, 10)


def test_instant_bank_before_0010_waits_for_the_business_day() -> None:
    # 00:09 is outside 00:10-23:49: scheduled for 09:30 the same (business) day.
    assert transfer_arrival(at(WEDNESDAY, 0, 9), True) == ("scheduled", at(WEDNESDAY, 9, 30))


def test_instant_bank_from_0010_to_2349_arrives_in_a_minute() -> None:
    assert transfer_arrival(at(WEDNESDAY, 0, 10), True) == ("instant", at(WEDNESDAY, 0, 11))
    assert transfer_arrival(at(WEDNESDAY, 23, 49), True) == ("instant", at(WEDNESDAY, 23, 50))
    # The whole minute 23:49 is inside the window.
    assert transfer_arrival(at(WEDNESDAY, 23, 49, 59), True) == (
        "instant",
        at(WEDNESDAY, 23, 50, 59),
    )


def test_instant_bank_at_2350_is_scheduled_for_next_morning() -> None:
    assert transfer_arrival(at(WEDNESDAY, 23, 50), True) == (
        "scheduled",
        at(date(2027, 3, 11), 9, 30),
    )


def test_other_bank_on_friday_evening_arrives_on_monday() -> None:
    friday = date(2027, 3, 12)
    assert transfer_arrival(at(friday, 18, 0), False) == ("scheduled", at(date(2027, 3, 15), 9, 30))


def test_other_bank_during_the_day_is_next_business_day() -> None:
    assert transfer_arrival(at(WEDNESDAY, 9, 30), False) == (
        "scheduled",
        at(date(2027, 3, 11), 9, 30),
    )
    assert transfer_arrival(at(WEDNESDAY, 9, 29), False) == ("scheduled", at(WEDNESDAY, 9, 30))


def test_public_holiday_is_skipped() -> None:
    # Fri 19 Mar 2027 evening; Mon 22 Mar 2027 is the substitute holiday for 春分の日 (Sun 21st).
    assert transfer_arrival(at(date(2027, 3, 19), 18, 0), False) == (
        "scheduled",
        at(date(2027, 3, 23), 9, 30),
    )


def test_bank_year_end_break_is_skipped() -> None:
    # Thu 30 Dec 2027 evening: 31 Dec and 1-3 Jan are bank holidays; Tue 4 Jan 2028.
    assert transfer_arrival(at(date(2027, 12, 30), 18, 0), False) == (
        "scheduled",
        at(date(2028, 1, 4), 9, 30),
    )


def test_business_days() -> None:
    assert is_business_day(date(2027, 3, 10))
    assert not is_business_day(date(2027, 3, 13))  # Saturday
    assert not is_business_day(date(2026, 9, 22))  # 国民の休日 between 敬老の日 and 秋分の日
    assert not is_business_day(date(2029, 3, 20))  # 春分の日, computed for every year
    assert not is_business_day(date(2029, 2, 12))  # 振替休日 for 建国記念の日 on a Sunday


def test_transfer_in_2029_waits_for_the_substitute_holiday() -> None:
    # Fri 9 Feb 2029 23:55, a bank without instant transfer: Sun 11 Feb is 建国記念の日,
    # Mon 12 Feb its 振替休日, so the money arrives Tue 13 Feb 09:30.
    assert transfer_arrival(at(date(2029, 2, 9), 23, 55), False) == (
        "scheduled",
        at(date(2029, 2, 13), 9, 30),
    )
    # Golden Week 2030: Fri 3 May 憲法記念日, Mon 6 May 振替休日 for こどもの日.
    assert transfer_arrival(at(date(2030, 5, 2), 10, 0), False) == (
        "scheduled",
        at(date(2030, 5, 7), 9, 30),
    )


def test_transfer_keeps_the_callers_timezone() -> None:
    kind, when = transfer_arrival(at(WEDNESDAY, 12, 0), True)
    assert kind == "instant"
    assert when.utcoffset() == timedelta(hours=9)


def test_transfer_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        transfer_arrival(datetime(2027, 3, 10, 12, 0), True)


def test_total_lending_ceiling() -> None:
    # 10000007: 3,000,000 / 3 - 400,000.
    assert total_lending_ceiling(3_000_000, 400_000) == 600_000
    # Rounded down to a 10,000 step: 4,000,000 / 3 = 1,333,333.
    assert total_lending_ceiling(4_000_000, 0) == 1_330_000
    assert total_lending_ceiling(3_000_000, 1_200_000) == 0
    assert total_lending_ceiling(90_000_000, 0) == 8_000_000


def test_certificate_rule_of_the_article() -> None:
    assert certificate_rule_applies(500_000, 0)
    assert not certificate_rule_applies(490_000, 0)
    assert certificate_rule_applies(400_000, 600_001)
    assert not certificate_rule_applies(400_000, 600_000)
