"""The shared business calendar: every year, not a table that ends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from acom_contract.calendar import (
    holiday_name,
    is_bank_business_day,
    is_public_holiday,
    is_weekday_business_day,
)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 1, 1), "元日"),
        (date(2029, 2, 12), "振替休日"),  # 建国記念の日 falls on a Sunday
        (date(2029, 4, 30), "振替休日"),  # 昭和の日 on a Sunday
        (date(2029, 9, 24), "振替休日"),  # 秋分の日 on a Sunday
        (date(2030, 3, 20), "春分の日"),
        (date(2030, 5, 6), "振替休日"),  # こどもの日 on a Sunday
        (date(2032, 9, 21), "国民の休日"),  # between 敬老の日 and 秋分の日
    ],
)
def test_holidays_past_any_table(day: date, name: str) -> None:
    assert holiday_name(day) == name
    assert is_public_holiday(day)
    assert not is_weekday_business_day(day)


def test_ordinary_days_are_not_holidays() -> None:
    assert holiday_name(date(2029, 2, 13)) is None
    assert is_weekday_business_day(date(2029, 2, 13))  # Tuesday


def test_banks_close_over_new_year_the_desk_only_on_holidays() -> None:
    new_year_eve = date(2029, 12, 31)  # a Monday, not a public holiday
    assert not is_public_holiday(new_year_eve)
    assert is_weekday_business_day(new_year_eve)
    assert not is_bank_business_day(new_year_eve)
    assert not is_bank_business_day(date(2030, 1, 2))
    assert is_bank_business_day(date(2030, 1, 4))


def test_every_year_to_2040_has_the_statutory_sixteen_or_more() -> None:
    for year in range(2025, 2041):
        days = [date(year, 1, 1) + timedelta(days=n) for n in range(366)]
        count = sum(1 for d in days if d.year == year and is_public_holiday(d))
        assert count >= 16, year


def test_every_year_obeys_the_holiday_law() -> None:
    """The rules of 国民の祝日に関する法律 checked on what the calendar gives, 2025-2040."""
    first, last = date(2025, 1, 1), date(2040, 12, 31)
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    HOLIDAYS = {day: name for day in days if (name := holiday_name(day)) is not None}
    assert sum(d.year == 2026 for d in HOLIDAYS) == 18
    assert sum(d.year == 2027 for d in HOLIDAYS) == 17
    assert sum(d.year == 2029 for d in HOLIDAYS) == 19
    happy_mondays = {"成人の日", "海の日", "敬老の日", "スポーツの日"}
    for day, name in HOLIDAYS.items():
        if name in happy_mondays:
            assert day.weekday() == 0, (day, name)
        if name == "振替休日":
            # The first non-holiday after a holiday that fell on a Sunday.
            before = day - timedelta(days=1)
            while before.weekday() != 6:
                assert before in HOLIDAYS, day
                before -= timedelta(days=1)
            assert before in HOLIDAYS, day
        if name == "国民の休日":
            assert day - timedelta(days=1) in HOLIDAYS and day + timedelta(days=1) in HOLIDAYS
    # Every Sunday holiday has its substitute.
    for day in HOLIDAYS:
        if day.weekday() == 6:
            after = day + timedelta(days=1)
            while after in HOLIDAYS and HOLIDAYS[after] != "振替休日" and after <= last:
                after += timedelta(days=1)
            assert HOLIDAYS.get(after) == "振替休日", day
