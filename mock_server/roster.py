"""The demo roster of SPEC section 4, seeded on first start and on every reset.

Dates are relative to the clock at the moment of seeding, so "due in 10 days" stays true
whatever day the demo is run.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from mock_server import roster_services
from mock_server.hashing import ScryptParams, hash_secret
from mock_server.store import meta
from mock_server.store.timefmt import iso

DEMO_PIN = "4829"
STAFF_ID = "S0001"
STAFF_PASSWORD = "staff-demo-pass"  # noqa: S105 - the published demo password


@dataclass
class Seed:
    """One roster member; fields not given take the values of an ordinary member."""

    member_number: str
    name: str
    name_kana: str
    birthday: date
    contract_days_ago: int
    credit_limit: int
    principal: int
    interest_rate: str
    last_movement_days_ago: int  # the borrowing or sufficient payment that set the due date
    annual_income: int = 4_800_000
    other_lenders_balance: int = 0
    repayment_cycle: str = "35days"
    monthly_due_day: int | None = None
    bank_code: str = "0036"
    branch_name: str = "第一営業支店"
    status: str = "active"
    suspension_reason: str | None = None
    card_status: str = "active"
    failed_attempts: int = 0
    locked: bool = False
    has_credit_card: bool = False
    certificate_days_ago: int | None = None  # an accepted income certificate, uploaded then
    e_delivery: bool = True
    email_on: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def _roster() -> list[Seed]:
    return [
        Seed(
            "10000001",
            "山田 太郎",
            "ヤマダ タロウ",
            date(1985, 7, 14),
            730,
            500_000,
            120_000,
            "18.0",
            25,
            certificate_days_ago=365,
        ),
        Seed(
            "10000002",
            "佐藤 花子",
            "サトウ ハナコ",
            date(1990, 3, 2),
            400,
            300_000,
            50_000,
            "18.0",
            20,
            failed_attempts=2,
        ),
        Seed(
            "10000003",
            "鈴木 一郎",
            "スズキ イチロウ",
            date(1978, 11, 23),
            900,
            300_000,
            80_000,
            "18.0",
            15,
            failed_attempts=3,
            locked=True,
        ),
        Seed(
            "10000004",
            "高橋 次郎",
            "タカハシ ジロウ",
            date(1982, 1, 30),
            1200,
            500_000,
            300_000,
            "18.0",
            105,
            status="suspended",
            suspension_reason="DELINQUENCY",
            certificate_days_ago=800,
        ),
        Seed(
            "10000005",
            "田中 美咲",
            "タナカ ミサキ",
            date(1995, 6, 9),
            500,
            300_000,
            30_000,
            "18.0",
            12,
            card_status="lost",
        ),
        Seed("10000006", "伊藤 健", "イトウ ケン", date(2000, 4, 18), 10, 100_000, 0, "18.0", 0),
        Seed(
            "10000007",
            "渡辺 直子",
            "ワタナベ ナオコ",
            date(1988, 9, 5),
            600,
            300_000,
            100_000,
            "18.0",
            20,
            annual_income=3_000_000,
            other_lenders_balance=400_000,
        ),
        Seed(
            "10000008",
            "山本 翔",
            "ヤマモト ショウ",
            date(1992, 12, 1),
            700,
            300_000,
            200_000,
            "18.0",
            40,
        ),
        Seed(
            "10000009",
            "中村 由美",
            "ナカムラ ユミ",
            date(1987, 2, 27),
            800,
            500_000,
            250_000,
            "18.0",
            10,
            annual_income=3_000_000,
            other_lenders_balance=700_000,
            certificate_days_ago=200,
        ),
        Seed(
            "10000010",
            "小林 誠",
            "コバヤシ マコト",
            date(1975, 8, 20),
            3653,
            1_000_000,
            420_000,
            "15.0",
            14,
            annual_income=7_200_000,
            has_credit_card=True,
            certificate_days_ago=400,
        ),
        Seed(
            "10000011",
            "加藤 さくら",
            "カトウ サクラ",
            date(1993, 10, 10),
            450,
            500_000,
            150_000,
            "18.0",
            0,
            repayment_cycle="monthly",
            monthly_due_day=25,
            bank_code="0005",
            certificate_days_ago=300,
        ),
    ]


def _next_monthly(today: date, day: int) -> date:
    candidate = today.replace(day=day)
    if candidate <= today:
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        candidate = date(year, month, day)
    return candidate


def clear(conn: sqlite3.Connection) -> None:
    """Remove every row of every table except the schema version."""
    conn.execute("PRAGMA defer_foreign_keys = ON")  # checked at commit, when all is seeded
    tables = conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    for table in tables:
        if table["name"] == "meta":
            conn.execute("DELETE FROM meta WHERE key <> 'schema_version'")
        else:
            conn.execute(f'DELETE FROM "{table["name"]}"')  # noqa: S608 - names from sqlite_master


def seed(conn: sqlite3.Connection, now: datetime, scrypt: ScryptParams) -> None:
    """Reset the database to the roster (inside the caller's write transaction)."""
    clear(conn)
    today = now.date()
    for s in _roster():
        contract = today - timedelta(days=s.contract_days_ago)
        last_move = today - timedelta(days=s.last_movement_days_ago)
        if s.principal == 0:
            due: date | None = None
        elif s.repayment_cycle == "monthly":
            assert s.monthly_due_day is not None
            due = _next_monthly(today, s.monthly_due_day)
        else:
            due = last_move + timedelta(days=35)
        member_hash = hash_secret(DEMO_PIN, scrypt)  # a salt of its own each
        conn.execute(
            "INSERT INTO members(member_number, pin_hash, name, name_kana, birthday, status, "
            "suspension_reason, card_status, failed_attempts, locked, locked_at, contract_date, "
            "credit_limit, interest_rate, repayment_cycle, monthly_due_day, annual_income, "
            "other_lenders_balance, has_credit_card, bank_code, branch_name, account_type, "
            "account_number, holder_kana, postal_code, prefecture, city, line1, line2, "
            "home_phone, mobile_phone, email, employer_name, employer_phone, "
            "employer_reported_at, income_reported_at, e_delivery, e_delivery_at, created_at) "
            "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                s.member_number,
                member_hash,
                s.name,
                s.name_kana,
                s.birthday.isoformat(),
                s.status,
                s.suspension_reason,
                s.card_status,
                s.failed_attempts,
                int(s.locked),
                iso(now - timedelta(days=1)) if s.locked else None,
                contract.isoformat(),
                s.credit_limit,
                s.interest_rate,
                s.repayment_cycle,
                s.monthly_due_day,
                s.annual_income,
                s.other_lenders_balance,
                int(s.has_credit_card),
                s.bank_code,
                s.branch_name,
                "ordinary",
                "1" + s.member_number[-6:],
                s.name_kana,
                "160-0023",
                "東京都",
                "新宿区西新宿",
                f"1-{int(s.member_number[-2:])}-1",
                "",
                None,
                f"090-{s.member_number[4:8]}-{s.member_number[:4]}",
                f"member{s.member_number[-2:]}@example.jp" if s.email_on else None,
                "株式会社デモ商事",
                "03-0000-0000",
                None,
                None,
                int(s.e_delivery),
                iso(now - timedelta(days=s.contract_days_ago)) if s.e_delivery else None,
                iso(now - timedelta(days=s.contract_days_ago)),
            ),
        )
        conn.execute(
            "INSERT INTO loans(member_number, principal, accrued_through, interest_free_until, "
            "next_due_date, minimum_base) VALUES(?, ?, ?, ?, ?, ?)",
            (
                s.member_number,
                s.principal,
                last_move.isoformat(),
                (contract + timedelta(days=30)).isoformat(),
                None if due is None else due.isoformat(),
                s.principal,
            ),
        )
    conn.execute(
        "INSERT INTO staff(staff_id, name, password_hash) VALUES(?, ?, ?)",
        (STAFF_ID, "サポート 担当", hash_secret(STAFF_PASSWORD, scrypt)),
    )
    roster_services.seed(conn, now)
    meta.put(conn, "seeded_at", iso(now))
