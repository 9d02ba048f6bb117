"""The server's only source of time: real Japan time by default, settable for demos and tests."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from acom_tui.api.schemas import JST


class Clock:
    """A clock in Japan time that can be set, advanced and frozen.

    Unfrozen, it runs at real speed from an offset; frozen, it stands still until moved.
    All methods are thread-safe (sync routes run in a thread pool).
    """

    def __init__(self, now: datetime | None = None, *, frozen: bool = False) -> None:
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._frozen_at: datetime | None = None
        if now is not None:
            self.set(now, frozen=frozen)
        elif frozen:
            self.freeze(True)

    @staticmethod
    def _real_now() -> datetime:
        return datetime.now(JST)

    def now(self) -> datetime:
        with self._lock:
            if self._frozen_at is not None:
                return self._frozen_at
            return self._real_now() + self._offset

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def set(self, now: datetime, *, frozen: bool | None = None) -> datetime:
        if now.tzinfo is None:
            raise ValueError("clock time must be timezone-aware")
        now = now.astimezone(JST)
        with self._lock:
            keep_frozen = self._frozen_at is not None if frozen is None else frozen
            self._offset = now - self._real_now()
            self._frozen_at = now if keep_frozen else None
        return now

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += delta
            if self._frozen_at is not None:
                self._frozen_at += delta
                return self._frozen_at
            return self._real_now() + self._offset

    def freeze(self, frozen: bool) -> datetime:
        with self._lock:
            if frozen and self._frozen_at is None:
                self._frozen_at = self._real_now() + self._offset
            elif not frozen and self._frozen_at is not None:
                self._offset = self._frozen_at - self._real_now()
                self._frozen_at = None
            return self._frozen_at or (self._real_now() + self._offset)
