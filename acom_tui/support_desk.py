"""Whether the member support desk is open: business days 09:00-18:00 Japan time.

"Business day" means Monday to Friday except Japanese national holidays (国民の祝日,
including 振替休日 and 国民の休日), from the shared calendar in ``acom_contract.calendar``.
Outside the table only weekends close the desk: showing "open" on an unlisted
holiday costs a caller a recorded message, while an invented holiday would turn people
away from a desk that is in fact answering.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final

from acom_contract.calendar import is_weekday_business_day
from acom_contract.jst import JST, to_jst
from acom_tui.formatting import format_datetime, format_time
from acom_tui.i18n import get_language, t

__all__ = [
    "CLOSES",
    "LOST_CARD_PHONE",
    "OPENS",
    "SUPPORT_PHONE",
    "DeskStatus",
    "describe_desk_status",
    "desk_status",
]

OPENS: Final = time(9, 0)
CLOSES: Final = time(18, 0)
# Clearly fictional (all zeros): this is a demo product; the catalogue texts say so too.
SUPPORT_PHONE: Final = "0120-000-000"
# The lost or stolen card line answers 24 hours, every day (SPEC 2.16); also fictional.
LOST_CARD_PHONE: Final = "0120-000-999"


@dataclass(frozen=True, slots=True)
class DeskStatus:
    """``closes_at`` is set while open, ``opens_at`` while closed; both in Japan time."""

    open: bool
    opens_at: datetime | None
    closes_at: datetime | None


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=JST)


def desk_status(now: datetime) -> DeskStatus:
    """The desk at ``now`` (any aware datetime; judged by its Japan date and time)."""
    local = to_jst(now)
    today = local.date()
    if is_weekday_business_day(today):
        if local < _at(today, OPENS):
            return DeskStatus(open=False, opens_at=_at(today, OPENS), closes_at=None)
        if local < _at(today, CLOSES):
            return DeskStatus(open=True, opens_at=None, closes_at=_at(today, CLOSES))
    day = today + timedelta(days=1)
    # At most a handful of days (Golden Week); the bound only guards against a broken calendar.
    while not is_weekday_business_day(day) and day - today < timedelta(days=31):
        day += timedelta(days=1)
    return DeskStatus(open=False, opens_at=_at(day, OPENS), closes_at=None)


def describe_desk_status(status: DeskStatus, now: datetime) -> str:
    """One line for the screen, in the current language: open now, or when it opens."""
    lang = get_language()
    if status.open and status.closes_at is not None:
        return t("support.open_now", until=format_time(status.closes_at, lang))
    if status.opens_at is None:
        return t("support.closed")
    opens = to_jst(status.opens_at)
    if opens.date() == to_jst(now).date():
        when = t("support.today_at", time=format_time(opens, lang))
    else:
        when = format_datetime(opens, lang)
    return t("support.opens_at", when=when)
