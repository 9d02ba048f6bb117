"""GET /v1/me/account on the roster, automatic suspensions, and the roster's ledger.

The clock starts at Wed 2 Dec 2026 10:00 JST (tests/conftest.py). Every figure below is
worked out by hand from the roster's replayed history (mock_server/roster.py).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import httpx

from mock_server import money_service, roster
from mock_server.clock import Clock
from mock_server.store import Store
from tests.conftest import FIXED_NOW

PIN = "4829"


async def login(http: httpx.AsyncClient, number: str) -> dict[str, str]:
    response = await http.post("/v1/sessions", json={"member_number": number, "pin": PIN})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def account(http: httpx.AsyncClient, number: str) -> dict:
    response = await http.get("/v1/me/account", headers=await login(http, number))
    assert response.status_code == 200, response.text
    body: dict = response.json()
    return body


async def test_regular_member_figures(http: httpx.AsyncClient) -> None:
    body = await account(http, "10000001")
    # Last sufficient payment 25 days ago (7 Nov) left 120,000; interest for (7 Nov, 2 Dec]:
    # 120,000 x 0.18 x 25 / 365 = 1,479.45 -> 1,479.
    # Minimum: the last borrowing left 127,000; limit 500,000 > 300,000 so k = 3.0%:
    # 3,810 -> 4,000.
    assert body == body | {
        "credit_limit": 500_000,
        "principal": 120_000,
        "available": 380_000,
        "interest_rate": "18.0",
        "accrued_interest": 1479,
        "late_interest": 0,
        "payoff_amount": 121_479,
        "next_due_date": "2026-12-12",
        "minimum_payment": 4000,
        "overdue_days": 0,
        "repayment_cycle": "35days",
        "interest_free_until": None,
        "status": "active",
        "suspension_reason": None,
    }


async def test_overdue_member_figures(http: httpx.AsyncClient) -> None:
    body = await account(http, "10000008")
    # Paid 23 Oct, due 23 Oct + 35 = 27 Nov, nothing paid since: 5 days overdue.
    # Interest (23 Oct, 27 Nov] = 35 days: 200,000 x 0.18 x 35 / 365 = 3,452.05 -> 3,452.
    # Late interest replaces it after the due date, (27 Nov, 2 Dec] = 5 days at 20%:
    # 200,000 x 0.20 x 5 / 365 = 547.9 -> 547.
    # Minimum: base 211,000, limit 300,000 so k = 4.2%: 8,862 -> 9,000.
    assert body == body | {
        "principal": 200_000,
        "accrued_interest": 3452,
        "late_interest": 547,
        "payoff_amount": 203_999,
        "next_due_date": "2026-11-27",
        "minimum_payment": 9000,
        "overdue_days": 5,
        "status": "active",
    }


async def test_monthly_cycle_member(http: httpx.AsyncClient) -> None:
    body = await account(http, "10000011")
    assert body["repayment_cycle"] == "monthly"
    assert body["monthly_due_day"] == 25
    assert body["next_due_date"] == "2026-12-25"
    assert body["principal"] == 150_000
    # Base 159,000 x 3.0% = 4,770 -> 5,000.
    assert body["minimum_payment"] == 5000


async def test_interest_free_period_of_a_new_member(http: httpx.AsyncClient, clock: Clock) -> None:
    # Contract 22 Nov 2026: interest-free through 22 Dec (contract day + 30).
    headers = await login(http, "10000006")
    before = (await http.get("/v1/me/account", headers=headers)).json()
    assert before["principal"] == 0
    assert before["interest_free_until"] == "2026-12-22"
    assert before["next_due_date"] is None
    borrowed = await http.post(
        "/v1/me/borrowings",
        json={"amount": 50_000},
        headers=headers | {"Idempotency-Key": "first-borrowing"},
    )
    assert borrowed.status_code == 201, borrowed.text
    assert borrowed.json()["next_due_date"] == "2027-01-06"  # 2 Dec + 35

    clock.advance(timedelta(days=20))  # 22 Dec: the last free day
    body = await account(http, "10000006")
    assert body["accrued_interest"] == 0
    assert body["interest_free_until"] == "2026-12-22"

    clock.advance(timedelta(days=15))  # 6 Jan 2027, the due date: not overdue yet
    body = await account(http, "10000006")
    # Only the days after the promotion: (22 Dec, 6 Jan], split at the year end and floored
    # per year: 9 days of 2026 -> 50,000 x 0.18 x 9 / 365 = 221.9 -> 221, and 6 days of 2027
    # -> 147.9 -> 147.
    assert body["accrued_interest"] == 221 + 147
    assert body["interest_free_until"] is None  # the promotion is over
    assert body["overdue_days"] == 0

    clock.advance(timedelta(days=5))  # 11 Jan: 5 days overdue
    body = await account(http, "10000006")
    # Ordinary interest stops at the due date, late interest runs after it:
    # 50,000 x 0.20 x 5 / 365 = 136.99 -> 136.
    assert body["accrued_interest"] == 368
    assert body["late_interest"] == 136
    assert body["overdue_days"] == 5


async def test_delinquency_suspends_at_login_after_61_days(
    http: httpx.AsyncClient, clock: Clock, store: Store
) -> None:
    clock.advance(timedelta(days=55))  # 26 Jan 2027: 60 days overdue
    body = await account(http, "10000008")
    assert body["overdue_days"] == 60
    assert body["status"] == "active"

    clock.advance(timedelta(days=1))  # 61 days
    response = await http.post("/v1/sessions", json={"member_number": "10000008", "pin": PIN})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "ACCOUNT_SUSPENDED"
    assert response.json()["error"]["details"] == {"reason": "DELINQUENCY"}
    with store.read() as conn:
        rows = conn.execute(
            "SELECT * FROM audit WHERE member_number = '10000008' AND action = 'suspend'"
        ).fetchall()
    assert len(rows) == 1
    assert rows[0]["actor_kind"] == "system"
    assert rows[0]["reason"] == "DELINQUENCY"
    assert json.loads(rows[0]["details"])["overdue_days"] == 61


async def test_delinquency_suspends_an_open_session_on_read(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    clock.advance(timedelta(days=55, hours=13, minutes=55))  # Tue 26 Jan 23:55: 60 days
    headers = await login(http, "10000008")
    clock.advance(timedelta(minutes=10))  # Wed 27 Jan 00:05: 61 days
    body = (await http.get("/v1/me/account", headers=headers)).json()
    assert body["overdue_days"] == 61
    assert body["status"] == "suspended"
    assert body["suspension_reason"] == "DELINQUENCY"
    refused = await http.post(
        "/v1/me/borrowings", json={"amount": 1000}, headers=headers | {"Idempotency-Key": "k"}
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["details"] == {"reason": "DELINQUENCY"}


async def test_account_needs_a_session(http: httpx.AsyncClient) -> None:
    response = await http.get("/v1/me/account")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHENTICATED"


def test_every_roster_loan_agrees_with_its_ledger(store: Store, app: object) -> None:
    with store.read() as conn:
        rows = conn.execute(
            "SELECT l.member_number, l.principal, COALESCE(SUM(CASE g.kind "
            "WHEN 'loan' THEN g.amount WHEN 'repayment' THEN -g.principal ELSE 0 END), 0) AS p "
            "FROM loans l LEFT JOIN ledger g USING (member_number) GROUP BY l.member_number"
        ).fetchall()
        last = conn.execute(
            "SELECT member_number, balance_after, next_due_date FROM ledger g WHERE kind <> "
            "'card' AND id = (SELECT MAX(id) FROM ledger WHERE member_number = g.member_number "
            "AND kind <> 'card')"
        ).fetchall()
        loans = {r["member_number"]: r for r in conn.execute("SELECT * FROM loans").fetchall()}
    assert len(rows) == 11
    for row in rows:
        assert row["principal"] == row["p"], row["member_number"]
    # The newest statement of each member shows the balance and due date of the account.
    assert len(last) == 10  # everyone but 10000006, who has not borrowed yet
    for row in last:
        loan = loans[row["member_number"]]
        assert row["balance_after"] == loan["principal"]
        assert row["next_due_date"] == loan["next_due_date"]


def test_roster_history_is_deterministic_and_fills_the_statements() -> None:
    seeds = {s.member_number: s for s in roster._roster()}
    today = FIXED_NOW.date()
    first = roster.replay_loan(seeds["10000010"], today)
    again = roster.replay_loan(seeds["10000010"], today)
    assert first == again
    cards = roster.card_history(seeds["10000010"], FIXED_NOW)
    assert cards == roster.card_history(seeds["10000010"], FIXED_NOW)
    assert len(first[1]) + len(cards) >= 5000
    # Ten years: the first row is within days of the contract, ten years ago.
    oldest = min(e.occurred_at for e in first[1] + cards)
    assert date.fromisoformat(oldest[:10]) < today - timedelta(days=3640)


def test_monthly_roster_due_date_follows_the_seeding_day() -> None:
    seed = next(s for s in roster._roster() if s.member_number == "10000011")
    for today, due in (
        (date(2026, 12, 2), date(2026, 12, 25)),
        (date(2026, 12, 25), date(2027, 1, 25)),
        (date(2027, 2, 26), date(2027, 3, 25)),
    ):
        state, _ = roster.replay_loan(seed, today)
        assert state.next_due_date == due
        assert state.principal == 150_000


async def test_new_terms_settle_interest_at_the_old_rate_first(
    http: httpx.AsyncClient, clock: Clock, store: Store
) -> None:
    with store.write() as conn:  # what an approved limit increase does
        money_service.change_terms(
            conn,
            "10000001",
            credit_limit=1_000_000,
            interest_rate=Decimal("15.0"),
            today=clock.now().date(),
        )
    body = await account(http, "10000001")
    assert (body["credit_limit"], body["interest_rate"], body["available"]) == (
        1_000_000,
        "15.0",
        880_000,
    )
    assert body["accrued_interest"] == 1479  # 25 days at 18.0%, settled
    clock.advance(timedelta(days=10))
    body = await account(http, "10000001")
    # Then 10 days at 15.0%: 120,000 x 0.15 x 10 / 365 = 493.15 -> 493.
    assert body["accrued_interest"] == 1479 + 493
