"""The member's registered information, PIN and electronic-delivery consent (``members`` row)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import datetime

from mock_server.store.timefmt import iso

# The columns a member may change through the API; anything else is refused before SQL.
# Not other_lenders_balance (the credit bureau's) nor verified_annual_income (SPEC 2.10).
EDITABLE_COLUMNS = frozenset(
    {
        "postal_code",
        "prefecture",
        "city",
        "line1",
        "line2",
        "home_phone",
        "mobile_phone",
        "email",
        "employer_name",
        "employer_phone",
        "annual_income",
        "employer_reported_at",
        "income_reported_at",
    }
)


def update(conn: sqlite3.Connection, member_number: str, values: Mapping[str, object]) -> None:
    """Set the given columns of the member row."""
    unknown = set(values) - EDITABLE_COLUMNS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if not values:
        return
    columns = sorted(values)
    assignments = ", ".join(f"{column} = ?" for column in columns)
    conn.execute(
        f"UPDATE members SET {assignments} WHERE member_number = ?",  # noqa: S608 - whitelisted
        [*(values[column] for column in columns), member_number],
    )


def set_verified_income(conn: sqlite3.Connection, member_number: str, income: int) -> None:
    """The income the credit rules use, once a certificate (or the contract) showed it."""
    conn.execute(
        "UPDATE members SET verified_annual_income = ? WHERE member_number = ?",
        (income, member_number),
    )


def set_pin_hash(conn: sqlite3.Connection, member_number: str, pin_hash: str) -> None:
    conn.execute(
        "UPDATE members SET pin_hash = ? WHERE member_number = ?", (pin_hash, member_number)
    )


def revoke_other_sessions(
    conn: sqlite3.Connection, member_number: str, keep_token_hash: str, now: datetime, reason: str
) -> int:
    """End every open session of the member except the one making the request."""
    cur = conn.execute(
        "UPDATE sessions SET revoked_at = ?, revoked_reason = ? "
        "WHERE kind = 'member' AND subject = ? AND token_hash <> ? AND revoked_at IS NULL",
        (iso(now), reason, member_number, keep_token_hash),
    )
    return cur.rowcount


def e_delivery_updated_at(conn: sqlite3.Connection, member_number: str) -> str | None:
    row = conn.execute(
        "SELECT updated_at FROM electronic_delivery WHERE member_number = ?", (member_number,)
    ).fetchone()
    return None if row is None else str(row["updated_at"])


def set_e_delivery(
    conn: sqlite3.Connection, member_number: str, consent: bool, now: datetime
) -> None:
    """Record a change of consent: ``e_delivery_at`` is when consent was given, NULL when off."""
    conn.execute(
        "UPDATE members SET e_delivery = ?, e_delivery_at = ? WHERE member_number = ?",
        (int(consent), iso(now) if consent else None, member_number),
    )
    conn.execute(
        "INSERT INTO electronic_delivery(member_number, updated_at) VALUES(?, ?) "
        "ON CONFLICT(member_number) DO UPDATE SET updated_at = excluded.updated_at",
        (member_number, iso(now)),
    )
