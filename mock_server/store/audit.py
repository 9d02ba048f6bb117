"""The audit log: who did what, when, to whom, and why."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from mock_server.store.timefmt import iso


def add(
    conn: sqlite3.Connection,
    at: datetime,
    actor_kind: str,
    actor: str,
    action: str,
    member_number: str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> int:
    cur = conn.execute(
        "INSERT INTO audit(at, actor_kind, actor, action, member_number, reason, details) "
        "VALUES(?, ?, ?, ?, ?, ?, ?)",
        (iso(at), actor_kind, actor, action, member_number, reason, json.dumps(details or {})),
    )
    return int(cur.lastrowid or 0)


def list_entries(
    conn: sqlite3.Connection,
    *,
    member_number: str | None = None,
    actor: str | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> list[sqlite3.Row]:
    """Newest first."""
    clauses, params = [], []
    if member_number is not None:
        clauses.append("member_number = ?")
        params.append(member_number)
    if actor is not None:
        clauses.append("actor = ?")
        params.append(actor)
    if before_id is not None:
        clauses.append("id < ?")
        params.append(str(before_id))
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return conn.execute(
        f"SELECT * FROM audit {where} ORDER BY id DESC LIMIT ?",  # noqa: S608 - fixed clauses
        [*params, limit],
    ).fetchall()


def last_action_at(conn: sqlite3.Connection, member_number: str, action: str) -> str | None:
    """When ``action`` was last recorded for the member (ISO text), if ever."""
    row = conn.execute(
        "SELECT MAX(at) AS at FROM audit WHERE member_number = ? AND action = ?",
        (member_number, action),
    ).fetchone()
    return None if row is None else row["at"]
