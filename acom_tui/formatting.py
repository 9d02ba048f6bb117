"""How money, rates, dates, times and durations are written, in Japanese and English.

Everything is written by hand instead of with ``strftime`` or ``locale``: those depend on
the host's locale settings, and a support engineer's English server must still show
``2026年12月8日(火)`` to a Japanese cardholder. Times are always shown in Japan time,
whatever the host timezone or the zone a ``datetime`` carries; the fixed-offset ``JST``
below needs no tz database (Japan has had no daylight saving time since 1951).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Final

from acom_contract.jst import to_jst
from acom_tui.i18n import Language

__all__ = [
    "format_countdown",
    "format_date",
    "format_datetime",
    "format_duration_short",
    "format_rate",
    "format_time",
    "format_yen",
]


_JA_WEEKDAYS: Final = ("月", "火", "水", "木", "金", "土", "日")
_EN_WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_EN_MONTHS: Final = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def _require_int(value: object, what: str) -> int:
    # bool is an int subclass, and a float "yen" has already lost exactness: both are bugs.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    return value


def _check_lang(lang: str) -> None:
    if lang not in ("ja", "en"):
        raise ValueError(f"unsupported language {lang!r}")


def format_yen(amount: int, lang: Language) -> str:
    """``120,000円`` (ja) or ``¥120,000`` (en); negative amounts get a leading ``-``.

    The minus is ASCII: U+2212 is East-Asian-ambiguous and may take two columns.
    """
    _require_int(amount, "amount")
    _check_lang(lang)
    sign = "-" if amount < 0 else ""
    digits = f"{abs(amount):,}"
    return f"{sign}{digits}円" if lang == "ja" else f"{sign}¥{digits}"


def format_rate(rate: Decimal, lang: Language) -> str:
    """An annual rate in percent with at least one decimal: ``18.0%``, ``4.75%``."""
    if not isinstance(rate, Decimal):
        raise TypeError(f"rate must be a Decimal, not {type(rate).__name__}")
    if not rate.is_finite():
        raise ValueError("rate must be finite")
    _check_lang(lang)
    # Trailing zeros past the first decimal carry no meaning for a published rate.
    text = f"{rate.normalize():f}"
    whole, _, fraction = text.partition(".")
    if whole == "-0":
        whole = "0"
    return f"{whole}.{fraction or '0'}%"


def _as_jst_date(day: date) -> date:
    return to_jst(day).date() if isinstance(day, datetime) else day


def format_date(day: date, lang: Language) -> str:
    """``2026年12月8日(火)`` or ``Tue 8 Dec 2026``; a datetime counts by its Japan date."""
    _check_lang(lang)
    day = _as_jst_date(day)
    if lang == "ja":
        return f"{day.year}年{day.month}月{day.day}日({_JA_WEEKDAYS[day.weekday()]})"
    return f"{_EN_WEEKDAYS[day.weekday()]} {day.day} {_EN_MONTHS[day.month - 1]} {day.year}"


def format_time(moment: datetime, lang: Language, *, seconds: bool = False) -> str:
    """Japan clock time: ``9:00`` (ja) or ``09:00 JST`` (en)."""
    _check_lang(lang)
    local = to_jst(moment)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if seconds:
        clock += f":{local.second:02d}"
    if lang == "ja":
        # Japanese notices write the hour without a leading zero (9:00, not 09:00).
        return clock.removeprefix("0") if local.hour < 10 else clock
    return f"{clock} JST"


def format_datetime(moment: datetime, lang: Language, *, seconds: bool = False) -> str:
    """``2026年12月8日(火) 14:05`` or ``Tue 8 Dec 2026 14:05 JST``, in Japan time."""
    local = to_jst(moment)
    return f"{format_date(local.date(), lang)} {format_time(local, lang, seconds=seconds)}"


def format_countdown(seconds: int, lang: Language) -> str:
    """A live countdown: ``1時間05分09秒`` / ``1:05:09``; below an hour ``5分09秒`` / ``5:09``.

    Minutes and seconds after a larger unit are zero-padded so the text keeps its width
    while it ticks. A deadline already past shows zero rather than a negative time.
    """
    _require_int(seconds, "seconds")
    _check_lang(lang)
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, secs = divmod(rest, 60)
    if lang == "ja":
        if hours:
            return f"{hours}時間{minutes:02d}分{secs:02d}秒"
        if minutes:
            return f"{minutes}分{secs:02d}秒"
        return f"{secs}秒"
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def format_duration_short(seconds: int, lang: Language) -> str:
    """A wait in words, rounded up: ``45秒``, ``2分``, ``1時間1分`` / ``45 s``, ``2 min``.

    Rounded up, never down, because it answers "how long until I may try again": telling
    someone to wait 1 minute when 61 seconds remain sends them into another refusal.
    """
    _require_int(seconds, "seconds")
    _check_lang(lang)
    seconds = max(seconds, 0)
    if seconds < 60:
        return f"{seconds}秒" if lang == "ja" else f"{seconds} s"
    total_minutes = -(-seconds // 60)
    hours, minutes = divmod(total_minutes, 60)
    if lang == "ja":
        if not hours:
            return f"{minutes}分"
        return f"{hours}時間{minutes}分" if minutes else f"{hours}時間"
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"
