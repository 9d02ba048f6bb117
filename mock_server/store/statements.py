"""Statement queries over the ledger: keyset pages, newest first."""

from __future__ import annotations

import sqlite3


def page(
    conn: sqlite3.Connection,
    member_number: str,
    *,
    kind: str | None = None,
    start: str | None = None,
    end: str | None = None,
    before: tuple[str, int] | None = None,
    limit: int = 50,
) -> list[sqlite3.Row]:
    """Up to ``limit`` rows ordered by (occurred_at, id) descending.

    ``start`` (inclusive) and ``end`` (exclusive) are ISO times; ``before`` is the
    (occurred_at, id) of the last row of the previous page. Keyset paging, not OFFSET: rows
    inserted meanwhile (always later) never shift a page that is being walked.
    """
    clauses = ["member_number = ?"]
    params: list[object] = [member_number]
    if kind is not None:
        clauses.append("kind = ?")
        params.append(kind)
    if start is not None:
        clauses.append("occurred_at >= ?")
        params.append(start)
    if end is not None:
        clauses.append("occurred_at < ?")
        params.append(end)
    if before is not None:
        # A row value, so SQLite seeks the index instead of filtering an OR.
        clauses.append("(occurred_at, id) < (?, ?)")
        params.extend(before)
    sql = (
        f"SELECT * FROM ledger WHERE {' AND '.join(clauses)} "  # noqa: S608 - fixed clauses
        "ORDER BY occurred_at DESC, id DESC LIMIT ?"
    )
    return conn.execute(sql, [*params, limit]).fetchall()


def get(conn: sqlite3.Connection, member_number: str, entry_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM ledger WHERE id = ? AND member_number = ?", (entry_id, member_number)
    ).fetchone()
    return row


def contract_terms(conn: sqlite3.Connection, member_number: str) -> sqlite3.Row | None:
    """What every loan and repayment statement repeats from the contract: its day, the
    credit limit, the cycle and the interest-free period (``loans``)."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT m.contract_date, m.credit_limit, m.repayment_cycle, m.monthly_due_day, "
        "l.interest_free_until FROM members m LEFT JOIN loans l USING (member_number) "
        "WHERE m.member_number = ?",
        (member_number,),
    ).fetchone()
    return row
