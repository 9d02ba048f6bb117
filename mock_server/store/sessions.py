"""Bearer sessions, stored by token hash only."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from mock_server.store.timefmt import iso


def create(
    conn: sqlite3.Connection,
    token_hash: str,
    kind: str,
    subject: str,
    now: datetime,
    absolute_expires_at: datetime,
) -> None:
    """Open a session. A member session opened while the member's PIN is a one-time PIN
    is marked, whoever opens it, so the mark cannot be forgotten by a caller (SPEC 2.17)."""
    conn.execute(
        "INSERT INTO sessions(token_hash, kind, subject, created_at, last_seen_at, "
        "absolute_expires_at, pin_change_required) VALUES(?, ?, ?, ?, ?, ?, "
        "? = 'member' AND EXISTS (SELECT 1 FROM one_time_pins WHERE member_number = ?))",
        (token_hash, kind, subject, iso(now), iso(now), iso(absolute_expires_at), kind, subject),
    )


def get(conn: sqlite3.Connection, token_hash: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM sessions WHERE token_hash = ?", (token_hash,)
    ).fetchone()
    return row


def pin_change_pending(conn: sqlite3.Connection, session: sqlite3.Row) -> bool:
    """The session was opened with a one-time PIN that the member has not replaced yet.

    Once the PIN is changed (the one-time PIN is forgotten) the mark is cleared, so the
    same session goes on normally.
    """
    if not session["pin_change_required"]:
        return False
    pending = conn.execute(
        "SELECT 1 FROM one_time_pins WHERE member_number = ?", (session["subject"],)
    ).fetchone()
    if pending is None:
        conn.execute(
            "UPDATE sessions SET pin_change_required = 0 WHERE token_hash = ?",
            (session["token_hash"],),
        )
        return False
    return True


def touch(conn: sqlite3.Connection, token_hash: str, now: datetime) -> None:
    conn.execute(
        "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", (iso(now), token_hash)
    )


def revoke(conn: sqlite3.Connection, token_hash: str, now: datetime, reason: str) -> None:
    conn.execute(
        "UPDATE sessions SET revoked_at = ?, revoked_reason = ? "
        "WHERE token_hash = ? AND revoked_at IS NULL",
        (iso(now), reason, token_hash),
    )


def revoke_all(
    conn: sqlite3.Connection, kind: str, subject: str, now: datetime, reason: str
) -> int:
    cur = conn.execute(
        "UPDATE sessions SET revoked_at = ?, revoked_reason = ? "
        "WHERE kind = ? AND subject = ? AND revoked_at IS NULL",
        (iso(now), reason, kind, subject),
    )
    return cur.rowcount


def prune(conn: sqlite3.Connection, before: datetime) -> None:
    """Forget sessions that ended long ago."""
    conn.execute("DELETE FROM sessions WHERE absolute_expires_at < ?", (iso(before),))
