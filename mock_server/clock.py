"""The server's only source of time: real Japan time by default, settable for demos and tests.

Two clocks with one behaviour:

* ``Clock`` keeps its state in memory: one process, one clock (tests, ``acom-tui --demo``);
* ``SharedClock`` keeps it in the database's ``meta`` table, so every worker process of one
  ``acom-mock-server`` reads and moves the same clock. It reads the state on every
  ``now()``: a primary-key read costs a few microseconds (docs/performance.md), cheaper
  than getting a cache's staleness right.

Both hold a ``Position`` (an offset from real time, or a frozen instant) and move it with
the same pure transitions.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from acom_contract.schemas import JST

if TYPE_CHECKING:
    from collections.abc import Callable

    from mock_server.store import Store

#: The ``meta`` key of the shared clock; a roster reset keeps it (the clock is not demo data).
CLOCK_KEY = "clock"


def real_now() -> datetime:
    return datetime.now(JST)


@dataclass(frozen=True)
class Position:
    """Where a clock stands: running at real speed ``offset`` from real time, or frozen."""

    offset: timedelta = timedelta(0)
    frozen_at: datetime | None = None

    def now(self, real: datetime) -> datetime:
        return self.frozen_at if self.frozen_at is not None else real + self.offset

    def set(self, now: datetime, real: datetime, frozen: bool | None) -> Position:
        if now.tzinfo is None:
            raise ValueError("clock time must be timezone-aware")
        now = now.astimezone(JST)
        keep_frozen = self.frozen_at is not None if frozen is None else frozen
        return Position(now - real, now if keep_frozen else None)

    def advance(self, delta: timedelta) -> Position:
        if delta < timedelta(0):
            raise ValueError("the clock only moves forward")
        frozen_at = None if self.frozen_at is None else self.frozen_at + delta
        return Position(self.offset + delta, frozen_at)

    def freeze(self, frozen: bool, real: datetime) -> Position:
        if frozen and self.frozen_at is None:
            return Position(self.offset, real + self.offset)
        if not frozen and self.frozen_at is not None:
            return Position(self.frozen_at - real, None)
        return self

    def to_json(self) -> str:
        frozen = None if self.frozen_at is None else self.frozen_at.isoformat()
        micros = self.offset // timedelta(microseconds=1)
        return json.dumps({"offset_us": micros, "frozen_at": frozen}, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> Position:
        data = json.loads(raw)
        frozen = data.get("frozen_at")
        return cls(
            timedelta(microseconds=int(data["offset_us"])),
            None if frozen is None else datetime.fromisoformat(frozen).astimezone(JST),
        )


class Clock:
    """A clock in Japan time that can be set, advanced and frozen.

    Unfrozen, it runs at real speed from an offset; frozen, it stands still until moved.
    All methods are thread-safe (sync routes run in a thread pool).
    """

    def __init__(self, now: datetime | None = None, *, frozen: bool = False) -> None:
        self._lock = threading.Lock()
        self._position = Position()
        if now is not None:
            self.set(now, frozen=frozen)
        elif frozen:
            self.freeze(True)

    @staticmethod
    def _real_now() -> datetime:
        return real_now()

    def _load(self) -> Position:
        with self._lock:
            return self._position

    def _update(self, change: Callable[[Position], Position]) -> Position:
        with self._lock:
            self._position = change(self._position)
            return self._position

    def now(self) -> datetime:
        return self._load().now(self._real_now())

    @property
    def frozen(self) -> bool:
        return self._load().frozen_at is not None

    def set(self, now: datetime, *, frozen: bool | None = None) -> datetime:
        real = self._real_now()
        return self._update(lambda p: p.set(now, real, frozen)).now(real)

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("the clock only moves forward")
        real = self._real_now()
        return self._update(lambda p: p.advance(delta)).now(real)

    def freeze(self, frozen: bool) -> datetime:
        real = self._real_now()
        return self._update(lambda p: p.freeze(frozen, real)).now(real)


@functools.lru_cache(maxsize=16)
def _parsed(raw: str) -> Position:
    # The stored text is still read on every now(); only its parsing (JSON and an ISO time,
    # most of the cost of a now()) is done once per distinct value. A Position is frozen.
    return Position.from_json(raw)


class SharedClock(Clock):
    """A ``Clock`` whose state lives in the database, shared by every process that opens it.

    Reads use the calling thread's store connection with a single ``SELECT`` (atomic on
    its own, and also valid inside a transaction the caller already holds). Moves are a
    read-modify-write in ``BEGIN IMMEDIATE``, so two workers moving the clock at once both
    count.
    """

    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = store

    def _read(self, conn: sqlite3.Connection) -> Position:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (CLOCK_KEY,)).fetchone()
        return Position() if row is None or row[0] is None else _parsed(row[0])

    def _load(self) -> Position:
        return self._read(self._store.connection())

    def _update(self, change: Callable[[Position], Position]) -> Position:
        conn = self._store.connection()
        if conn.in_transaction:  # the caller's write transaction: move the clock with it
            return self._write(conn, change)
        with self._store.write() as conn:
            return self._write(conn, change)

    def _write(self, conn: sqlite3.Connection, change: Callable[[Position], Position]) -> Position:
        position = change(self._read(conn))
        conn.execute(
            "INSERT INTO meta(key, value) VALUES(?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (CLOCK_KEY, position.to_json()),
        )
        return position

    def run_in_real_time(self) -> None:
        """Back to real Japan time, not frozen (a ``--reset`` start)."""
        self._update(lambda _: Position())
