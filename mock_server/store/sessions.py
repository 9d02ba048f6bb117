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
    conn.execute(
        "INSERT INTO sessions(token_hash, kind, subject, created_at, last_seen_at, "
        "absolute_expires_at) VALUES(?, ?, ?, ?, ?, ?)",
        (token_hash, kind, subject, iso(now), iso(now), iso(absolute_expires_at)),
    )


def get(conn: sqlite3.Connection, token_hash: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM sessions WHERE token_hash = ?", (token_hash,)
    ).fetchone()
    return row


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
