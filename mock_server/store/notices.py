"""The e-mail service: its settings, the loan cards' expiry, and the mail outbox (notices)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from mock_server.store.timefmt import iso

NO_CURSOR = 2**62


@dataclass(frozen=True, slots=True)
class Toggles:
    due_reminders: bool = False
    overdue_notices: bool = False
    card_renewal: bool = False
    campaigns: bool = False


def get_toggles(conn: sqlite3.Connection, member_number: str) -> Toggles:
    """A member who never chose gets everything off: e-mail is sent only on request."""
    row = conn.execute(
        "SELECT * FROM notification_settings WHERE member_number = ?", (member_number,)
    ).fetchone()
    if row is None:
        return Toggles()
    return Toggles(
        due_reminders=bool(row["due_reminders"]),
        overdue_notices=bool(row["overdue_notices"]),
        card_renewal=bool(row["card_renewal"]),
        campaigns=bool(row["campaigns"]),
    )


def put_toggles(
    conn: sqlite3.Connection, member_number: str, toggles: Toggles, now: datetime
) -> None:
    conn.execute(
        "INSERT INTO notification_settings(member_number, due_reminders, overdue_notices, "
        "card_renewal, campaigns, updated_at) VALUES(?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(member_number) DO UPDATE SET due_reminders = excluded.due_reminders, "
        "overdue_notices = excluded.overdue_notices, card_renewal = excluded.card_renewal, "
        "campaigns = excluded.campaigns, updated_at = excluded.updated_at",
        (
            member_number,
            int(toggles.due_reminders),
            int(toggles.overdue_notices),
            int(toggles.card_renewal),
            int(toggles.campaigns),
            iso(now),
        ),
    )


def all_toggles(conn: sqlite3.Connection) -> dict[str, Toggles]:
    return {
        row["member_number"]: Toggles(
            due_reminders=bool(row["due_reminders"]),
            overdue_notices=bool(row["overdue_notices"]),
            card_renewal=bool(row["card_renewal"]),
            campaigns=bool(row["campaigns"]),
        )
        for row in conn.execute("SELECT * FROM notification_settings").fetchall()
    }


def put_card_expiry(conn: sqlite3.Connection, member_number: str, expires_on: date) -> None:
    conn.execute(
        "INSERT INTO loan_cards(member_number, expires_on) VALUES(?, ?) "
        "ON CONFLICT(member_number) DO UPDATE SET expires_on = excluded.expires_on",
        (member_number, expires_on.isoformat()),
    )


def all_card_expiries(conn: sqlite3.Connection) -> dict[str, date]:
    return {
        row["member_number"]: date.fromisoformat(row["expires_on"])
        for row in conn.execute("SELECT * FROM loan_cards").fetchall()
    }


def add(
    conn: sqlite3.Connection,
    *,
    member_number: str,
    kind: str,
    reference_date: date,
    to_address: str | None,
    subject: str,
    body: str,
    facts: str,
    created_at: datetime,
) -> bool:
    """Queue one message; False when this member already has this kind for this date.

    ``facts`` is the JSON of the figures in the body (mock_server/notice_texts.py).
    """
    cur = conn.execute(
        "INSERT INTO notices(member_number, kind, reference_date, to_address, subject, body, "
        "facts, created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(member_number, kind, reference_date) DO NOTHING",
        (
            member_number,
            kind,
            reference_date.isoformat(),
            to_address,
            subject,
            body,
            facts,
            iso(created_at),
        ),
    )
    return cur.rowcount == 1


def page(
    conn: sqlite3.Connection,
    *,
    member_number: str | None,
    kind: str | None = None,
    before_id: int | None,
    limit: int,
) -> list[sqlite3.Row]:
    """Newest first (ids grow with the send day); ``before_id`` continues a previous page."""
    clauses = ["id < ?"]
    params: list[object] = [before_id if before_id is not None else NO_CURSOR]
    if member_number is not None:
        clauses.append("member_number = ?")
        params.append(member_number)
    if kind is not None:
        clauses.append("kind = ?")
        params.append(kind)
    return conn.execute(
        f"SELECT * FROM notices WHERE {' AND '.join(clauses)} "  # noqa: S608 - fixed clauses
        "ORDER BY id DESC LIMIT ?",
        [*params, limit],
    ).fetchall()


def unread_count(conn: sqlite3.Connection, member_number: str) -> int:
    row = conn.execute(
        "SELECT COUNT(*) AS n FROM notices WHERE member_number = ? AND read_at IS NULL",
        (member_number,),
    ).fetchone()
    return int(row["n"])


def mark_read(
    conn: sqlite3.Connection, member_number: str, notice_id: int, now: datetime
) -> sqlite3.Row | None:
    """Mark one of the member's notices read (keeping the first read time); None if not theirs."""
    conn.execute(
        "UPDATE notices SET read_at = ? WHERE id = ? AND member_number = ? AND read_at IS NULL",
        (iso(now), notice_id, member_number),
    )
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM notices WHERE id = ? AND member_number = ?", (notice_id, member_number)
    ).fetchone()
    return row
