"""Weak-PIN rules for a PIN change (SPEC 2.14): PINs a third party could guess.

The article warns against birthdays and phone numbers; the rest are the patterns that top
every published list of most-used PINs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from itertools import pairwise

PIN_LENGTH = 4

# Not repeated digits or runs (those have their own reasons): the most common of the rest,
# plus 4649 (yo-ro-shi-ku), the best-known Japanese number pun.
COMMON_PINS = frozenset(
    {"1212", "1122", "1313", "1010", "1004", "2000", "2001", "6969", "2580", "0852", "4649"}
)

# Japanese eras in force from the given day (和暦): people write their birth year this way on
# every form, so "H02" as 02 is as guessable as 1990 as 90.
_ERAS = ((date(2019, 5, 1), 2018), (date(1989, 1, 8), 1988), (date(1926, 12, 25), 1925))


class WeakPinReason(StrEnum):
    """Stable codes for ``details.reason`` of a ``WEAK_PIN`` error, in checking order."""

    REPEATED_DIGIT = "REPEATED_DIGIT"
    SEQUENTIAL = "SEQUENTIAL"
    BIRTHDAY = "BIRTHDAY"
    MEMBER_NUMBER = "MEMBER_NUMBER"
    PHONE_NUMBER = "PHONE_NUMBER"
    COMMON_PIN = "COMMON_PIN"


def is_sequential(pin: str) -> bool:
    """Each digit one more (or one less) than the last, 0 following 9: 1234, 7890, 3210, 1098."""
    steps = {(int(b) - int(a)) % 10 for a, b in pairwise(pin)}
    return steps in ({1}, {9})


def era_year(day: date) -> int | None:
    """The year of the Japanese era (昭和, 平成, 令和) in force on ``day``; None before 昭和."""
    for start, offset in _ERAS:
        if day >= start:
            return day.year - offset
    return None


def birthday_forms(birthday: date) -> frozenset[str]:
    """Every 4-digit way of writing the birthday that the rule refuses.

    MMDD, DDMM, YYYY, YYMM, MMYY, YYDD, DDYY (YY = last two digits of the year); the same
    with the Japanese era year as YY (era YYMM, MMYY, YYDD, DDYY); and, when month and day
    are single digits, YYMD and MDYY (1990-04-05 -> 9045, 4590).
    """
    yyyy = f"{birthday.year:04d}"
    mm = f"{birthday.month:02d}"
    dd = f"{birthday.day:02d}"
    years = [yyyy[2:]]
    era = era_year(birthday)
    if era is not None:
        years.append(f"{era % 100:02d}")
    forms = {mm + dd, dd + mm, yyyy}
    for yy in years:
        forms.update({yy + mm, mm + yy, yy + dd, dd + yy})
        if birthday.month < 10 and birthday.day < 10:
            md = f"{birthday.month}{birthday.day}"
            forms.update({yy + md, md + yy})
    return frozenset(forms)


def _last_four_digits(text: str) -> str | None:
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    return digits[-PIN_LENGTH:] if len(digits) >= PIN_LENGTH else None


def weak_pin_reason(
    pin: str, *, birthday: date, member_number: str, phones: Iterable[str]
) -> WeakPinReason | None:
    """Why ``pin`` is too easy to guess, or None when it may be used.

    ``pin`` must already be 4 ASCII digits (format validation is the caller's). Phones may
    contain hyphens or spaces; only their digits count.
    """
    if len(pin) != PIN_LENGTH or not (pin.isascii() and pin.isdigit()):
        raise ValueError("pin must be 4 ASCII digits")
    if len(set(pin)) == 1:
        return WeakPinReason.REPEATED_DIGIT
    if is_sequential(pin):
        return WeakPinReason.SEQUENTIAL
    if pin in birthday_forms(birthday):
        return WeakPinReason.BIRTHDAY
    if pin == _last_four_digits(member_number):
        return WeakPinReason.MEMBER_NUMBER
    if any(pin == _last_four_digits(phone) for phone in phones):
        return WeakPinReason.PHONE_NUMBER
    if pin in COMMON_PINS:
        return WeakPinReason.COMMON_PIN
    return None
