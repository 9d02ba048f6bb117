"""Maintenance windows: weekly Monday 01:00-05:00 JST, plus ad-hoc ones (SPEC 2.3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal

from acom_contract.schemas import JST

WEEKLY_START = time(1, 0)
WEEKLY_END = time(5, 0)
MONDAY = 0


@dataclass(frozen=True)
class Window:
    kind: Literal["weekly", "adhoc"]
    starts_at: datetime
    ends_at: datetime | None  # None: ad-hoc maintenance with no announced end

    def contains(self, now: datetime) -> bool:
        return self.starts_at <= now and (self.ends_at is None or now < self.ends_at)


def _weekly_window_of_week(now: datetime) -> Window:
    """The weekly window in the Monday-to-Sunday week that contains ``now`` (Japan time)."""
    local = now.astimezone(JST)
    monday = local.date() - timedelta(days=local.weekday() - MONDAY)
    return Window(
        "weekly",
        datetime.combine(monday, WEEKLY_START, JST),
        datetime.combine(monday, WEEKLY_END, JST),
    )


def current_window(now: datetime, adhoc: Window | None = None) -> Window | None:
    """The window in force at ``now``, if any (ad-hoc first: it may be longer)."""
    if adhoc is not None and adhoc.contains(now):
        return adhoc
    weekly = _weekly_window_of_week(now)
    return weekly if weekly.contains(now) else None


def next_window(now: datetime, adhoc: Window | None = None) -> Window:
    """The next window that starts after ``now``."""
    weekly = _weekly_window_of_week(now)
    if weekly.starts_at <= now:
        weekly = Window(
            "weekly", weekly.starts_at + timedelta(days=7), _end(weekly) + timedelta(days=7)
        )
    if adhoc is not None and now < adhoc.starts_at < weekly.starts_at:
        return adhoc
    return weekly


def _end(window: Window) -> datetime:
    assert window.ends_at is not None
    return window.ends_at


def last_start(now: datetime, adhoc: Window | None = None) -> datetime:
    """When the most recent window (at or before ``now``) started.

    A session created before this moment has been revoked by that maintenance.
    """
    weekly = _weekly_window_of_week(now)
    start = weekly.starts_at if weekly.starts_at <= now else weekly.starts_at - timedelta(days=7)
    if adhoc is not None and adhoc.starts_at <= now:
        start = max(start, adhoc.starts_at)
    return start


def retry_after_seconds(now: datetime, window: Window) -> int:
    """Whole seconds until the window ends (rounded up, at least 1)."""
    if window.ends_at is None:
        return 600
    remaining = (window.ends_at - now).total_seconds()
    return max(1, int(-(-remaining // 1)))
