"""Idempotency-Key records: a claim while a movement runs, then the stored response."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from mock_server.store.timefmt import iso, parse


@dataclass(frozen=True, slots=True)
class Record:
    fingerprint: str
    claim: str | None  # nonce of the request working on it; None once completed
    claimed_at: datetime
    status_code: int | None
    response_body: str | None

    @property
    def completed(self) -> bool:
        return self.claim is None and self.status_code is not None


def prune(conn: sqlite3.Connection, expired_at: datetime) -> None:
    """Forget every record created at or before ``expired_at`` (the retention has run out)."""
    conn.execute("DELETE FROM idempotency_keys WHERE created_at <= ?", (iso(expired_at),))


def get(conn: sqlite3.Connection, member_number: str, key: str) -> Record | None:
    row = conn.execute(
        "SELECT fingerprint, claim, claimed_at, status_code, response_body "
        "FROM idempotency_keys WHERE member_number = ? AND key = ?",
        (member_number, key),
    ).fetchone()
    if row is None:
        return None
    return Record(
        row["fingerprint"],
        row["claim"],
        parse(row["claimed_at"]),
        row["status_code"],
        row["response_body"],
    )


def claim(
    conn: sqlite3.Connection,
    member_number: str,
    key: str,
    fingerprint: str,
    nonce: str,
    now: datetime,
) -> None:
    """Claim the key for one request (a new record, or one whose claim was abandoned)."""
    conn.execute(
        "INSERT INTO idempotency_keys(member_number, key, fingerprint, claim, claimed_at, "
        "created_at) VALUES(?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(member_number, key) DO UPDATE SET fingerprint = excluded.fingerprint, "
        "claim = excluded.claim, claimed_at = excluded.claimed_at, "
        "created_at = excluded.created_at, completed_at = NULL, status_code = NULL, "
        "response_body = NULL",
        (member_number, key, fingerprint, nonce, iso(now), iso(now)),
    )


def holds_claim(conn: sqlite3.Connection, member_number: str, key: str, nonce: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM idempotency_keys WHERE member_number = ? AND key = ? AND claim = ?",
        (member_number, key, nonce),
    ).fetchone()
    return row is not None


def complete(
    conn: sqlite3.Connection,
    member_number: str,
    key: str,
    nonce: str,
    status_code: int,
    response_body: str,
    now: datetime,
) -> None:
    conn.execute(
        "UPDATE idempotency_keys SET claim = NULL, completed_at = ?, status_code = ?, "
        "response_body = ? WHERE member_number = ? AND key = ? AND claim = ?",
        (iso(now), status_code, response_body, member_number, key, nonce),
    )


def release(conn: sqlite3.Connection, member_number: str, key: str, nonce: str) -> None:
    """Drop a claim whose movement failed unexpectedly, so a retry can run at once."""
    conn.execute(
        "DELETE FROM idempotency_keys WHERE member_number = ? AND key = ? AND claim = ?",
        (member_number, key, nonce),
    )
