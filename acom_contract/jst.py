"""Japan time: the one timezone of the contract.

Japan has had no daylight saving since 1951, so Japan time is a fixed +09:00 offset and
neither the host's timezone nor its tzdata ever matters.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Final

__all__ = ["JST", "to_jst"]

JST: Final = timezone(timedelta(hours=9), "JST")


def to_jst(moment: datetime) -> datetime:
    """``moment`` in Japan time; a naive datetime is refused (its zone would be a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.astimezone(JST)
