"""Weak-PIN rules (SPEC 2.14)."""

from datetime import date

import pytest

from mock_server.domain.pin_rules import WeakPinReason, birthday_forms, era_year, weak_pin_reason

BIRTHDAY = date(1990, 4, 5)  # 平成2年


def reason(pin: str, phones: tuple[str, ...] = ("03-3456-7281",)) -> WeakPinReason | None:
    return weak_pin_reason(pin, birthday=BIRTHDAY, member_number="10000042", phones=list(phones))


def test_demo_pin_is_accepted() -> None:
    assert reason("4829") is None


@pytest.mark.parametrize("pin", ["0000", "1111", "9999"])
def test_repeated_digit(pin: str) -> None:
    assert reason(pin) == WeakPinReason.REPEATED_DIGIT


@pytest.mark.parametrize(
    "pin", ["0123", "1234", "6789", "9876", "3210", "7890", "8901", "9012", "0987", "1098", "2109"]
)
def test_runs_up_and_down_including_wrapping(pin: str) -> None:
    assert reason(pin) == WeakPinReason.SEQUENTIAL


@pytest.mark.parametrize("pin", ["1235", "1357", "2468", "1243"])
def test_near_runs_are_not_sequential(pin: str) -> None:
    assert reason(pin) is None


@pytest.mark.parametrize(
    "pin",
    [
        "0405",  # MMDD
        "0504",  # DDMM
        "1990",  # YYYY
        "9004",  # YYMM
        "0490",  # MMYY
        "9005",  # YYDD
        "0590",  # DDYY
        "0204",  # 平成02 + MM
        "0402",  # MM + 平成02
        "9045",  # YY M D
        "4590",  # M D YY
        "0245",  # 平成02 M D
    ],
)
def test_birthday_forms(pin: str) -> None:
    assert reason(pin) == WeakPinReason.BIRTHDAY


def test_single_digit_forms_only_when_both_are_single_digits() -> None:
    forms = birthday_forms(date(1990, 11, 5))
    assert "90115" not in forms  # would be 5 digits, never a PIN anyway
    assert all(len(form) == 4 for form in forms)
    assert "1105" in forms


def test_era_boundaries() -> None:
    assert era_year(date(1989, 1, 7)) == 64  # 昭和64年
    assert era_year(date(1989, 1, 8)) == 1  # 平成元年
    assert era_year(date(2019, 4, 30)) == 31  # 平成31年
    assert era_year(date(2019, 5, 1)) == 1  # 令和元年
    assert era_year(date(1926, 12, 24)) is None


def test_member_number_last_four_digits() -> None:
    assert reason("0042") == WeakPinReason.MEMBER_NUMBER


def test_phone_last_four_digits_ignoring_separators() -> None:
    assert reason("7281") == WeakPinReason.PHONE_NUMBER
    assert reason("5518", phones=("090 1234 5518", "12")) == WeakPinReason.PHONE_NUMBER
    assert reason("5518", phones=()) is None


@pytest.mark.parametrize("pin", ["1212", "1122", "2580", "4649", "2000"])
def test_common_pins(pin: str) -> None:
    assert reason(pin) == WeakPinReason.COMMON_PIN


def test_first_matching_reason_wins() -> None:
    # 1234 is also the phone's last four digits: SEQUENTIAL is checked first.
    assert reason("1234", phones=("090-5555-1234",)) == WeakPinReason.SEQUENTIAL


@pytest.mark.parametrize("pin", ["123", "12345", "12a4", "１２３４"])
def test_malformed_pin_is_the_callers_bug(pin: str) -> None:
    with pytest.raises(ValueError, match="4 ASCII digits"):
        reason(pin)
