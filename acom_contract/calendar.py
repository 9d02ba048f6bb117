"""The business calendar both sides use: public holidays, bank and desk business days.

Japanese public holidays (国民の祝日, with 振替休日 and 国民の休日) come from the
maintained ``holidays`` library, which applies the statutory rules for every year, so
transfers, due dates and the desk's hours stay right past any table's last year.
"""

from __future__ import annotations

import calendar as _month_lengths
from datetime import date
from functools import lru_cache

import holidays

__all__ = [
    "add_months",
    "holiday_name",
    "is_bank_business_day",
    "is_public_holiday",
    "is_weekday_business_day",
]


@lru_cache(maxsize=64)
def _year(year: int) -> dict[date, str]:
    # One year at a time, cached: the library computes a year's holidays on first use.
    calendar = holidays.country_holidays("JP", years=year, language="ja")
    return dict(calendar.items())


def holiday_name(day: date) -> str | None:
    """The holiday's Japanese name (``元日``, ``振替休日``), or None on an ordinary day."""
    return _year(day.year).get(day)


def is_public_holiday(day: date) -> bool:
    return day in _year(day.year)


def is_weekday_business_day(day: date) -> bool:
    """Monday-Friday and not a public holiday: the support desk's days."""
    return day.weekday() < 5 and not is_public_holiday(day)


def is_bank_business_day(day: date) -> bool:
    """A day banks move money: a weekday business day outside their 31 Dec - 3 Jan break
    (銀行休業日)."""
    year_end_break = (day.month == 12 and day.day == 31) or (day.month == 1 and day.day <= 3)
    return is_weekday_business_day(day) and not year_end_break


def add_months(day: date, months: int, *, day_of_month: int | None = None) -> date:
    """``day`` moved by whole months; a day the target month lacks becomes its last day.

    ``day_of_month`` (1-31) replaces ``day.day`` so that a cycle day of 31 comes back to the
    31st after passing through a 30-day month.
    """
    wanted = day.day if day_of_month is None else day_of_month
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(wanted, _month_lengths.monthrange(year, month)[1]))
