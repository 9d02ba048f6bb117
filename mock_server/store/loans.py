"""Each member's loan state (``domain.account.AccountState``) and contract terms."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal

from mock_server.domain.account import AccountState
from mock_server.store.timefmt import day


def _text(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def load(conn: sqlite3.Connection, member_number: str) -> AccountState | None:
    """The stored state; limit, rate and cycle come from the member's contract terms."""
    row = conn.execute(
        "SELECT l.*, m.credit_limit, m.interest_rate, m.repayment_cycle, m.monthly_due_day "
        "FROM loans l JOIN members m USING (member_number) WHERE l.member_number = ?",
        (member_number,),
    ).fetchone()
    if row is None:
        return None
    accrued = day(row["accrued_through"])
    assert accrued is not None  # NOT NULL column
    return AccountState(
        credit_limit=int(row["credit_limit"]),
        interest_rate=Decimal(row["interest_rate"]),
        accrued_through=accrued,
        cycle=row["repayment_cycle"],
        cycle_day=row["monthly_due_day"] if row["repayment_cycle"] == "monthly" else None,
        principal=int(row["principal"]),
        unpaid_interest=int(row["unpaid_interest"]),
        unpaid_late_interest=int(row["unpaid_late_interest"]),
        interest_free_until=day(row["interest_free_until"]),
        next_due_date=day(row["next_due_date"]),
        minimum_base=int(row["minimum_base"]),
        paid_in_cycle=int(row["paid_in_cycle"]),
        last_overdue_on=day(row["last_overdue_on"]),
    )


def _values(state: AccountState) -> tuple[object, ...]:
    return (
        state.principal,
        state.unpaid_interest,
        state.unpaid_late_interest,
        state.accrued_through.isoformat(),
        _text(state.interest_free_until),
        _text(state.next_due_date),
        state.minimum_base,
        state.paid_in_cycle,
        _text(state.last_overdue_on),
    )


def insert(conn: sqlite3.Connection, member_number: str, state: AccountState) -> None:
    conn.execute(
        "INSERT INTO loans(principal, unpaid_interest, unpaid_late_interest, accrued_through, "
        "interest_free_until, next_due_date, minimum_base, paid_in_cycle, last_overdue_on, "
        "member_number) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*_values(state), member_number),
    )


def save(conn: sqlite3.Connection, member_number: str, state: AccountState) -> None:
    """Write the loan part of ``state`` back (the contract terms are not touched)."""
    conn.execute(
        "UPDATE loans SET principal = ?, unpaid_interest = ?, unpaid_late_interest = ?, "
        "accrued_through = ?, interest_free_until = ?, next_due_date = ?, minimum_base = ?, "
        "paid_in_cycle = ?, last_overdue_on = ? WHERE member_number = ?",
        (*_values(state), member_number),
    )


def set_terms(
    conn: sqlite3.Connection, member_number: str, credit_limit: int, interest_rate: Decimal
) -> None:
    conn.execute(
        "UPDATE members SET credit_limit = ?, interest_rate = ? WHERE member_number = ?",
        (credit_limit, str(interest_rate), member_number),
    )


def suspend(conn: sqlite3.Connection, member_number: str, reason: str) -> None:
    conn.execute(
        "UPDATE members SET status = 'suspended', suspension_reason = ? WHERE member_number = ?",
        (reason, member_number),
    )
