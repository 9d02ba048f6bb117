"""The demo roster of SPEC section 4, seeded on first start and on every reset.

Dates are relative to the clock at the moment of seeding, so "due in 10 days" stays true
whatever day the demo is run.

Every loan is *ledger-consistent*: its state is not written down but replayed, movement by
movement, through the same domain transitions the API uses (``domain.account.borrow`` and
``repay``), from the contract day to the day of seeding. The ledger rows of that replay are
the member's statements, so statements, balance, interest and due date always agree. The
replay is deterministic (a ``random.Random`` seeded by the member number); see
docs/rules-money-service.md for how each history ends on the roster's figures.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from acom_contract import eligibility
from acom_contract.calendar import add_months
from acom_contract.money import ceil_to_1000
from acom_contract.schemas import JST
from mock_server import money_service, roster_services
from mock_server.banks import BY_CODE
from mock_server.clock import CLOCK_KEY
from mock_server.domain import account
from mock_server.domain.account import AccountState
from mock_server.hashing import ScryptParams, hash_secret
from mock_server.store import ledger, loans, meta
from mock_server.store.timefmt import iso

DEMO_PIN = "4829"
STAFF_ID = "S0001"
STAFF_PASSWORD = "staff-demo-pass"  # noqa: S105 - the published demo password
HISTORY_MEMBER = "10000010"  # the member with 10 years of busy history and a credit card


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
    # The sufficient payment that set the due date (35-day cycle: due = that day + 35). The
    # monthly cycle ignores it: its due date is the next cycle day after the seeding day.
    last_movement_days_ago: int
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


def next_cycle_day(today: date, cycle_day: int) -> date:
    """The first ``cycle_day`` of a month strictly after ``today``."""
    candidate = add_months(today, 0, day_of_month=cycle_day)
    return candidate if candidate > today else add_months(today, 1, day_of_month=cycle_day)


# --- replayed loan histories --------------------------------------------------------------


class _Replay:
    """Applies domain transitions to one member's loan and records their ledger rows."""

    def __init__(self, seed: Seed, rng: random.Random) -> None:
        self.seed = seed
        self.rng = rng
        self.entries: list[ledger.Entry] = []
        bank = BY_CODE.get(seed.bank_code)
        self.instant = bool(bank and bank.instant_transfer)
        self.repay_bank = seed.bank_code if bank and bank.internet_repayment else "0005"

    def _at(self, day: date) -> datetime:
        return datetime.combine(day, time(self.rng.randint(9, 21), self.rng.randint(0, 59)), JST)

    def borrow(self, state: AccountState, amount: int, day: date) -> AccountState:
        at = self._at(day)
        after = account.borrow(state, amount, day)
        transfer, arrives = eligibility.transfer_arrival(at, self.instant)
        self.entries.append(
            money_service.loan_entry(
                self.seed.member_number, after, amount, at, self.seed.bank_code, transfer, arrives
            )
        )
        return after

    def repay(self, state: AccountState, amount: int, day: date) -> AccountState:
        at = self._at(day)
        after, allocation = account.repay(state, amount, day)
        self.entries.append(
            money_service.repayment_entry(
                self.seed.member_number, after, allocation, at, self.repay_bank
            )
        )
        return after


def _walk(replay: _Replay, state: AccountState, day: date, end: date, busy: bool) -> AccountState:
    """A plausible, never-overdue past from ``day`` until before ``end``.

    Each step is a borrowing or an on-time repayment (0-5 days before the due date). ``busy``
    borrows more often, for the member whose statements fill pages.
    """
    rng = replay.rng
    borrow_odds = 0.75 if busy else 0.25
    while True:
        available = state.credit_limit - state.principal
        if state.principal == 0:
            day += timedelta(days=rng.randint(3, 40))
            if day >= end:
                return state
            amount = rng.randint(10, max(10, min(available, state.credit_limit * 6 // 10) // 1000))
            state = replay.borrow(state, amount * 1000, day)
            continue
        due = state.next_due_date
        assert due is not None  # a balance always has a due date
        room = (due - day).days - 2  # borrowings stay 2+ days before the due date
        if rng.random() < borrow_odds and available >= 5000 and room >= 1:
            day += timedelta(days=rng.randint(1, min(room, 10)))
            if day >= end:
                return state
            amount = rng.randint(1, min(available, 100_000) // 1000) * 1000
            state = replay.borrow(state, amount, day)
            continue
        day = due - timedelta(days=rng.randint(0, min(5, (due - day).days - 1)))
        if day >= end:
            return state
        seen = account.view(state, day)
        if rng.random() < 0.08:
            amount = seen.payoff_amount
        elif rng.random() < 0.25:
            amount = seen.minimum_payment + rng.randint(1, 30) * 1000
        else:
            amount = seen.minimum_payment
        state = replay.repay(state, min(amount, seen.payoff_amount), day)


def replay_loan(seed: Seed, today: date) -> tuple[AccountState, list[ledger.Entry]]:
    """The member's loan as of ``today`` and the ledger rows that led to it.

    The history ends with three movements that land exactly on the roster's figures: a
    payoff, a borrowing of principal + extra, and a sufficient repayment of interest + extra
    on the "last movement" day, which sets the due date and leaves the roster's principal.
    """
    contract = today - timedelta(days=seed.contract_days_ago)
    cycle: account.RepaymentCycle = "monthly" if seed.repayment_cycle == "monthly" else "35days"
    state = account.new_account(
        credit_limit=seed.credit_limit,
        interest_rate=Decimal(seed.interest_rate),
        contract_date=contract,
        cycle=cycle,
        cycle_day=seed.monthly_due_day if cycle == "monthly" else None,
    )
    if seed.principal == 0:
        return state, []
    rng = random.Random(int(seed.member_number))
    replay = _Replay(seed, rng)
    if cycle == "monthly":
        assert seed.monthly_due_day is not None
        target_due = next_cycle_day(today, seed.monthly_due_day)
        due_before = add_months(target_due, -1, day_of_month=seed.monthly_due_day)
        final_day = due_before - timedelta(days=rng.randint(0, 3))
        borrow_day = due_before - timedelta(days=20)  # first due: the cycle day 14+ days later
    else:
        final_day = today - timedelta(days=seed.last_movement_days_ago)
        borrow_day = final_day - timedelta(days=rng.randint(5, 12))
        target_due = final_day + timedelta(days=account.CYCLE_DAYS)
    payoff_day = borrow_day - timedelta(days=rng.randint(3, 20))
    start = contract + timedelta(days=rng.randint(1, 10))
    if start < payoff_day:
        state = _walk(replay, state, start, payoff_day, busy=seed.member_number == HISTORY_MEMBER)
    payoff = account.view(state, payoff_day).payoff_amount
    if payoff:
        state = replay.repay(state, payoff, payoff_day)

    extra = ceil_to_1000(seed.principal * 5 // 100) + 1000  # always covers the minimum
    state = replay.borrow(state, seed.principal + extra, borrow_day)
    owed = account.view(state, final_day)
    state = replay.repay(state, owed.payoff_amount - seed.principal, final_day)
    if state.principal != seed.principal or state.next_due_date != target_due:
        raise AssertionError(f"roster history of {seed.member_number} missed its figures")
    return state, replay.entries


# --- card use (カード利用明細) ----------------------------------------------------------------

_SHOPS = (
    ("コンビニ デモマート", 200, 2_000),
    ("スーパー サンプル", 800, 8_000),
    ("デモ書店", 600, 4_000),
    ("オンラインショップ デモ", 1_000, 30_000),
    ("デモ石油 給油所", 3_000, 9_000),
    ("レストラン サンプル", 1_500, 12_000),
    ("デモ交通 乗車券", 200, 15_000),
    ("ドラッグストア デモ", 300, 5_000),
)
_BILLS = (("デモ電力", 4_000, 14_000), ("デモモバイル", 3_000, 9_000))
CARD_BILL_DAY = 27
_PURCHASES_A_DAY = (0, 1, 2, 3)
_PURCHASE_WEIGHTS = (10, 50, 30, 10)  # 1.4 a day: 10 years fill 5,000+ statement rows


def card_history(seed: Seed, now: datetime) -> list[ledger.Entry]:
    """Deterministic card use from the contract day until yesterday: purchases most days,
    utility bills on the card each month, and the monthly direct debit of the card bill."""
    rng = random.Random(int(seed.member_number) * 7 + 1)
    today = now.date()
    day = today - timedelta(days=seed.contract_days_ago) + timedelta(days=1)
    entries: list[ledger.Entry] = []
    month_total = 0
    number = seed.member_number

    def add(hour: int, amount: int, merchant: str, description: str) -> None:
        # The text iso() would write, built directly: this runs thousands of times per seed.
        at = f"{day.isoformat()}T{hour:02d}:{rng.randrange(60):02d}:00+09:00"
        entries.append(
            ledger.Entry(number, "card", at, amount, merchant=merchant, description=description)
        )

    while day < today:
        if day.day == CARD_BILL_DAY and month_total:
            add(6, month_total, "ACマスターカード", "口座振替 カードご利用代金")
            month_total = 0
        if day.day == 10:
            for name, low, high in _BILLS:
                amount = rng.randint(low, high)
                add(8, amount, name, "公共料金 カード払い")
                month_total += amount
        for _ in range(rng.choices(_PURCHASES_A_DAY, _PURCHASE_WEIGHTS)[0]):
            name, low, high = rng.choice(_SHOPS)
            amount = rng.randrange(low // 10, high // 10 + 1) * 10
            add(9 + rng.randrange(14), amount, name, "ショッピング 1回払い")
            month_total += amount
        day += timedelta(days=1)
    return entries


# --- seeding --------------------------------------------------------------------------------


def clear(conn: sqlite3.Connection) -> None:
    """Remove every row of every table except the schema version and the shared clock."""
    conn.execute("PRAGMA defer_foreign_keys = ON")  # checked at commit, when all is seeded
    tables = conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    for table in tables:
        if table["name"] == "meta":
            # The clock is not demo data: a reset must not move the time of the other workers.
            conn.execute("DELETE FROM meta WHERE key NOT IN ('schema_version', ?)", (CLOCK_KEY,))
        else:
            conn.execute(f'DELETE FROM "{table["name"]}"')  # noqa: S608 - names from sqlite_master


def seed(conn: sqlite3.Connection, now: datetime, scrypt: ScryptParams) -> None:
    """Reset the database to the roster (inside the caller's write transaction)."""
    clear(conn)
    today = now.date()
    entries: list[ledger.Entry] = []
    for s in _roster():
        contract = today - timedelta(days=s.contract_days_ago)
        member_hash = hash_secret(DEMO_PIN, scrypt)  # a salt of its own each
        conn.execute(
            "INSERT INTO members(member_number, pin_hash, name, name_kana, birthday, status, "
            "suspension_reason, card_status, failed_attempts, locked, locked_at, contract_date, "
            "credit_limit, interest_rate, repayment_cycle, monthly_due_day, annual_income, "
            "verified_annual_income, other_lenders_balance, has_credit_card, bank_code, "
            "branch_name, account_type, account_number, holder_kana, postal_code, prefecture, "
            "city, line1, line2, home_phone, mobile_phone, email, employer_name, employer_phone, "
            "employer_reported_at, income_reported_at, e_delivery, e_delivery_at, created_at) "
            "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
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
                s.annual_income,  # verified at contract: the income the credit line rests on
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
        state, history = replay_loan(s, today)
        loans.insert(conn, s.member_number, state)
        if s.has_credit_card:
            # Interleave by time so that ids follow time, as they do for live movements.
            history = sorted(history + card_history(s, now), key=lambda e: e.occurred_at)
        entries.extend(history)
    ledger.add_many(conn, entries)
    conn.execute(
        "INSERT INTO staff(staff_id, name, password_hash) VALUES(?, ?, ?)",
        (STAFF_ID, "サポート 担当", hash_secret(STAFF_PASSWORD, scrypt)),
    )
    certificates = {s.member_number: s.certificate_days_ago for s in _roster()}
    roster_services.seed(conn, now, certificates)
    meta.put(conn, "seeded_at", iso(now))
