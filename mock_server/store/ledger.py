"""The ledger: one row per money movement or card use, never updated or deleted."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from mock_server.store.timefmt import iso


class Entry(NamedTuple):
    """A ledger row as written. Times are ISO text in Japan time, dates ISO dates.

    A named tuple, so ``executemany`` takes thousands of them as they are (seeding speed).
    """

    member_number: str
    kind: str  # loan | repayment | card
    occurred_at: str
    amount: int
    late_interest: int | None = None
    interest: int | None = None
    principal: int | None = None
    balance_after: int | None = None
    next_due_date: str | None = None
    next_due_amount: int | None = None
    interest_rate: str | None = None
    repayment_method: str | None = None
    bank_code: str | None = None
    transfer: str | None = None
    arrives_at: str | None = None
    merchant: str | None = None
    description: str | None = None


_COLUMNS = Entry._fields
_INSERT = f"INSERT INTO ledger({', '.join(_COLUMNS)}) VALUES({', '.join('?' for _ in _COLUMNS)})"


def add(conn: sqlite3.Connection, entry: Entry) -> int:
    """Insert one row and return its id."""
    cur = conn.execute(_INSERT, entry)
    return int(cur.lastrowid or 0)


def add_many(conn: sqlite3.Connection, entries: Iterable[Entry]) -> None:
    """Bulk insert, in order (ids grow with the order given)."""
    conn.executemany(_INSERT, entries)


def loans_since(conn: sqlite3.Connection, member_number: str, since: datetime) -> int:
    """How many borrowings the member made strictly after ``since``."""
    row = conn.execute(
        "SELECT COUNT(*) AS n FROM ledger "
        "WHERE member_number = ? AND kind = 'loan' AND occurred_at > ?",
        (member_number, iso(since)),
    ).fetchone()
    return int(row["n"])
