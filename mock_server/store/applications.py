"""Credit-limit increase applications: the decision and what it changed."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from decimal import Decimal

from mock_server.store.timefmt import iso

NO_CURSOR = 2**62


def add(
    conn: sqlite3.Connection,
    *,
    member_number: str,
    requested_limit: int,
    status: str,
    reasons: list[str],
    decided_at: datetime,
    previous_limit: int,
    previous_rate: Decimal,
    new_limit: int | None,
    new_rate: Decimal | None,
) -> int:
    cur = conn.execute(
        "INSERT INTO limit_increase_applications(member_number, requested_limit, status, "
        "reasons, decided_at, previous_limit, previous_rate, new_limit, new_rate) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            member_number,
            requested_limit,
            status,
            json.dumps(reasons),
            iso(decided_at),
            previous_limit,
            str(previous_rate),
            new_limit,
            None if new_rate is None else str(new_rate),
        ),
    )
    return int(cur.lastrowid or 0)


def get(conn: sqlite3.Connection, application_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM limit_increase_applications WHERE id = ?", (application_id,)
    ).fetchone()
    return row


def page(
    conn: sqlite3.Connection, member_number: str, *, before_id: int | None, limit: int
) -> list[sqlite3.Row]:
    """Newest first; ``before_id`` continues after the last row of the previous page."""
    return conn.execute(
        "SELECT * FROM limit_increase_applications WHERE member_number = ? AND id < ? "
        "ORDER BY id DESC LIMIT ?",
        (member_number, before_id if before_id is not None else NO_CURSOR, limit),
    ).fetchall()
