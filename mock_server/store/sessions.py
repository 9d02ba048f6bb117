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


# A login whose client gave up (its deadline, a dropped connection) must not leave a
# session nobody can log out. The client names each login attempt; asking to abandon it
# either revokes the session it opened or, if it has not opened one yet, leaves this mark
# so that it never does. Both run in write transactions, so either order ends the same.
SCHEMA = """
CREATE TABLE IF NOT EXISTS login_attempts (
    attempt_hash TEXT PRIMARY KEY,      -- hash of the client's attempt id
    kind         TEXT NOT NULL,         -- member | staff
    token_hash   TEXT,                  -- the session it opened, or NULL: abandoned first
    created_at   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS login_attempts_created ON login_attempts(created_at);
"""


def attempt_seen(conn: sqlite3.Connection, attempt_hash: str) -> bool:
    """Whether this attempt id was used or abandoned already."""
    row = conn.execute(
        "SELECT 1 FROM login_attempts WHERE attempt_hash = ?", (attempt_hash,)
    ).fetchone()
    return row is not None


def attempt_opened(
    conn: sqlite3.Connection, attempt_hash: str, kind: str, token_hash: str, now: datetime
) -> None:
    conn.execute(
        "INSERT INTO login_attempts(attempt_hash, kind, token_hash, created_at) VALUES(?, ?, ?, ?)",
        (attempt_hash, kind, token_hash, iso(now)),
    )


def abandon_attempt(
    conn: sqlite3.Connection, attempt_hash: str, kind: str, now: datetime
) -> str | None:
    """End what the attempt opened, or mark it so it opens nothing; the subject (member
    number or staff ID) of the session that ended, if one did."""
    row = conn.execute(
        "SELECT kind, token_hash FROM login_attempts WHERE attempt_hash = ?", (attempt_hash,)
    ).fetchone()
    if row is None:
        conn.execute(
            "INSERT INTO login_attempts(attempt_hash, kind, token_hash, created_at) "
            "VALUES(?, ?, NULL, ?)",
            (attempt_hash, kind, iso(now)),
        )
        return None
    if row["kind"] != kind or row["token_hash"] is None:
        return None
    ended: sqlite3.Row | None = conn.execute(
        "UPDATE sessions SET revoked_at = ?, revoked_reason = 'login_abandoned' "
        "WHERE token_hash = ? AND revoked_at IS NULL RETURNING subject",
        (iso(now), row["token_hash"]),
    ).fetchone()
    return None if ended is None else str(ended["subject"])


# At most this many attempts are kept, newest first. Abandoning needs no token, so a flood
# of made-up ids must not grow the table without bound; a real abandonment follows its
# login within seconds and is among the newest long after.
ATTEMPTS_KEPT = 10_000


def prune_attempts(conn: sqlite3.Connection, before: datetime, keep: int = ATTEMPTS_KEPT) -> None:
    conn.execute("DELETE FROM login_attempts WHERE created_at < ?", (iso(before),))
    # By rowid, the order of insertion (a frozen clock gives many rows one created_at);
    # cheap under the bound: one walk of the table's b-tree to row ``keep``.
    cutoff = conn.execute(
        "SELECT rowid FROM login_attempts ORDER BY rowid DESC LIMIT 1 OFFSET ?", (keep,)
    ).fetchone()
    if cutoff is not None:
        conn.execute("DELETE FROM login_attempts WHERE rowid <= ?", (cutoff[0],))
