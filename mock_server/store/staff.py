"""What support staff change on a member (SPEC 2.17), and the one-time PINs they issue.

Every function runs inside the caller's write transaction, so the change and its audit row
commit together or not at all.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Literal

from mock_server.store.timefmt import iso, parse

# A PIN reset by staff is a one-time PIN: it must be replaced by the member at the next
# login, and stops working if not used in time (docs/api.md, "Staff API").
SCHEMA = """
CREATE TABLE IF NOT EXISTS one_time_pins (
    member_number TEXT PRIMARY KEY REFERENCES members(member_number),
    issued_at     TEXT NOT NULL,
    issued_by     TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
-- Wrong staff passwords per claimed staff ID, known or not: an unknown ID is counted and
-- locked like a real one, so the answers cannot tell the two apart (SPEC 2.17).
CREATE TABLE IF NOT EXISTS staff_login_failures (
    staff_id        TEXT PRIMARY KEY,
    failed_attempts INTEGER NOT NULL,
    locked          INTEGER NOT NULL DEFAULT 0,
    locked_at       TEXT
);
-- Failed staff logins per client address, for the per-address throttle.
CREATE TABLE IF NOT EXISTS staff_address_failures (
    address TEXT NOT NULL,
    at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS staff_address_failures_at ON staff_address_failures(address, at);
"""

OneTimePinState = Literal["none", "valid", "expired"]


def set_suspension(conn: sqlite3.Connection, member_number: str, reason_code: str | None) -> None:
    """Suspend with a reason code, or reinstate with None."""
    conn.execute(
        "UPDATE members SET status = ?, suspension_reason = ? WHERE member_number = ?",
        ("active" if reason_code is None else "suspended", reason_code, member_number),
    )


def set_card_status(
    conn: sqlite3.Connection, member_number: str, card_status: Literal["active", "lost"]
) -> None:
    conn.execute(
        "UPDATE members SET card_status = ? WHERE member_number = ?", (card_status, member_number)
    )


def issue_one_time_pin(
    conn: sqlite3.Connection,
    member_number: str,
    pin_hash: str,
    *,
    issued_by: str,
    now: datetime,
    expires_at: datetime,
) -> None:
    """Replace the PIN, clear the lock and failure count, and remember it is one-time."""
    conn.execute(
        "UPDATE members SET pin_hash = ?, failed_attempts = 0, locked = 0, locked_at = NULL "
        "WHERE member_number = ?",
        (pin_hash, member_number),
    )
    conn.execute(
        "INSERT INTO one_time_pins(member_number, issued_at, issued_by, expires_at) "
        "VALUES(?, ?, ?, ?) ON CONFLICT(member_number) DO UPDATE SET "
        "issued_at = excluded.issued_at, issued_by = excluded.issued_by, "
        "expires_at = excluded.expires_at",
        (member_number, iso(now), issued_by, iso(expires_at)),
    )


def one_time_pin_state(
    conn: sqlite3.Connection, member_number: str, now: datetime
) -> OneTimePinState:
    """Whether the member's current PIN is a one-time PIN, and whether it is still usable."""
    row = conn.execute(
        "SELECT expires_at FROM one_time_pins WHERE member_number = ?", (member_number,)
    ).fetchone()
    if row is None:
        return "none"
    return "valid" if now < parse(row["expires_at"]) else "expired"


def clear_one_time_pin(conn: sqlite3.Connection, member_number: str) -> None:
    """The member chose a PIN of their own: it is no longer one-time."""
    conn.execute("DELETE FROM one_time_pins WHERE member_number = ?", (member_number,))


# --- staff password lockout ----------------------------------------------------------------


def login_failures(conn: sqlite3.Connection, staff_id: str) -> tuple[int, bool]:
    """Consecutive wrong passwords for this claimed ID, and whether it is locked."""
    row = conn.execute(
        "SELECT failed_attempts, locked FROM staff_login_failures WHERE staff_id = ?",
        (staff_id,),
    ).fetchone()
    return (row["failed_attempts"], bool(row["locked"])) if row else (0, False)


def set_login_failures(
    conn: sqlite3.Connection, staff_id: str, failed: int, locked: bool, now: datetime
) -> None:
    conn.execute(
        "INSERT INTO staff_login_failures(staff_id, failed_attempts, locked, locked_at) "
        "VALUES(?, ?, ?, ?) ON CONFLICT(staff_id) DO UPDATE SET "
        "failed_attempts = excluded.failed_attempts, locked = excluded.locked, "
        "locked_at = excluded.locked_at",
        (staff_id, failed, int(locked), iso(now) if locked else None),
    )


def clear_login_failures(conn: sqlite3.Connection, staff_id: str) -> bool:
    """Forget the count and the lock (a login, an admin unlock); True if there was one."""
    cur = conn.execute("DELETE FROM staff_login_failures WHERE staff_id = ?", (staff_id,))
    return cur.rowcount > 0


def exists(conn: sqlite3.Connection, staff_id: str) -> bool:
    row = conn.execute("SELECT 1 FROM staff WHERE staff_id = ?", (staff_id,)).fetchone()
    return row is not None


def add_address_failure(conn: sqlite3.Connection, address: str, at: datetime) -> None:
    conn.execute("INSERT INTO staff_address_failures(address, at) VALUES(?, ?)", (address, iso(at)))


def address_failures_since(
    conn: sqlite3.Connection, address: str, since: datetime
) -> tuple[int, str | None]:
    """How many failed staff logins this address had since ``since``, and the oldest."""
    row = conn.execute(
        "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM staff_address_failures "
        "WHERE address = ? AND at >= ?",
        (address, iso(since)),
    ).fetchone()
    return int(row["n"]), row["oldest"]


def prune_address_failures(conn: sqlite3.Connection, before: datetime) -> None:
    conn.execute("DELETE FROM staff_address_failures WHERE at < ?", (iso(before),))
