"""What the reliability tests check on a server's database after the fact (plain functions)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.mock_process import SCRIPT

MEMBER = "10000001"  # limit 500,000, principal 120,000, valid certificate: can borrow a lot
REPAY_BANK = "0036"  # 楽天銀行: internet repayment
PIN = "4829"

needs_script = pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed")


@dataclass(frozen=True)
class Books:
    """A member's money as the database holds it."""

    principal: int  # loans.principal
    from_ledger: int  # Σ loan amounts − Σ principal parts of repayments
    credit_limit: int
    movements: dict[str, int]  # public id ("loan_12") -> amount, loan and repayment rows


def read_books(db: Path, member: str = MEMBER) -> Books:
    with sqlite3.connect(db) as conn:
        principal = conn.execute(
            "SELECT principal FROM loans WHERE member_number = ?", (member,)
        ).fetchone()[0]
        limit = conn.execute(
            "SELECT credit_limit FROM members WHERE member_number = ?", (member,)
        ).fetchone()[0]
        rows = conn.execute(
            "SELECT id, kind, amount, principal FROM ledger "
            "WHERE member_number = ? AND kind IN ('loan', 'repayment')",
            (member,),
        ).fetchall()
    from_ledger = sum(amount if kind == "loan" else -part for _, kind, amount, part in rows)
    movements = {f"{kind}_{id_}": amount for id_, kind, amount, _ in rows}
    return Books(int(principal), from_ledger, int(limit), movements)


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def open_claims(db: Path, member: str = MEMBER) -> int:
    """Idempotency keys claimed but never completed (a request that never ended)."""
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT COUNT(*) FROM idempotency_keys "
            "WHERE member_number = ? AND completed_at IS NULL",
            (member,),
        ).fetchone()
    return int(row[0])
