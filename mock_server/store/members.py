"""Members, their login failures, and failures per client address."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from mock_server.store.timefmt import iso


def get(conn: sqlite3.Connection, member_number: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM members WHERE member_number = ?", (member_number,)
    ).fetchone()
    return row


def set_other_lenders_balance(conn: sqlite3.Connection, member_number: str, amount: int) -> None:
    """What the credit bureau reports; never set by the member (SPEC 2.10)."""
    conn.execute(
        "UPDATE members SET other_lenders_balance = ? WHERE member_number = ?",
        (amount, member_number),
    )


def set_failures(
    conn: sqlite3.Connection, member_number: str, failed: int, locked: bool, at: datetime
) -> None:
    conn.execute(
        "UPDATE members SET failed_attempts = ?, locked = ?, "
        "locked_at = CASE WHEN ? THEN ? ELSE locked_at END WHERE member_number = ?",
        (failed, int(locked), int(locked), iso(at), member_number),
    )


def reset_failures(conn: sqlite3.Connection, member_number: str) -> None:
    conn.execute(
        "UPDATE members SET failed_attempts = 0 WHERE member_number = ? AND failed_attempts <> 0",
        (member_number,),
    )


def unlock(conn: sqlite3.Connection, member_number: str) -> None:
    conn.execute(
        "UPDATE members SET failed_attempts = 0, locked = 0, locked_at = NULL "
        "WHERE member_number = ?",
        (member_number,),
    )


def get_unknown(conn: sqlite3.Connection, member_number: str) -> tuple[int, bool]:
    row = conn.execute(
        "SELECT failed_attempts, locked FROM unknown_login_failures WHERE member_number = ?",
        (member_number,),
    ).fetchone()
    return (row["failed_attempts"], bool(row["locked"])) if row else (0, False)


def set_unknown(conn: sqlite3.Connection, member_number: str, failed: int, locked: bool) -> None:
    conn.execute(
        "INSERT INTO unknown_login_failures(member_number, failed_attempts, locked) "
        "VALUES(?, ?, ?) ON CONFLICT(member_number) DO UPDATE SET "
        "failed_attempts = excluded.failed_attempts, locked = excluded.locked",
        (member_number, failed, int(locked)),
    )


def add_address_failure(conn: sqlite3.Connection, address: str, at: datetime) -> None:
    conn.execute("INSERT INTO login_failures(address, at) VALUES(?, ?)", (address, iso(at)))


def address_failures_since(
    conn: sqlite3.Connection, address: str, since: datetime
) -> tuple[int, str | None]:
    """How many failures this address had since ``since``, and the oldest of them."""
    row = conn.execute(
        "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM login_failures WHERE address = ? AND at >= ?",
        (address, iso(since)),
    ).fetchone()
    return int(row["n"]), row["oldest"]


def prune_address_failures(conn: sqlite3.Connection, before: datetime) -> None:
    conn.execute("DELETE FROM login_failures WHERE at < ?", (iso(before),))
