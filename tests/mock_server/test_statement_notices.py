"""Loan and repayment statements are the written notices of 貸金業法 §17/§18 (SPEC 2.9).

Each carries the lender, the contract, the late-interest rate and the repayment method; a
loan its plan at the minimum payment, a repayment the day it was received and the debt
remaining. The plan is checked two ways: by hand on a small loan, and against the
account's own rules (``mock_server.domain.account``) replayed payment by payment.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest

from mock_server.domain import account
from mock_server.lender import LENDER

PIN = "4829"


async def login(http: httpx.AsyncClient, number: str) -> dict[str, str]:
    response = await http.post("/v1/sessions", json={"member_number": number, "pin": PIN})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def borrow(http: httpx.AsyncClient, headers: dict[str, str], amount: int) -> dict[str, Any]:
    response = await http.post(
        "/v1/me/borrowings", json={"amount": amount}, headers=headers | {"Idempotency-Key": "b"}
    )
    assert response.status_code == 201, response.text
    statement = await http.get(f"/v1/me/statements/{response.json()['id']}", headers=headers)
    assert statement.status_code == 200
    body: dict[str, Any] = statement.json()
    return body


async def test_small_first_loan_by_hand(http: httpx.AsyncClient) -> None:
    """10000006 (contract 22 Nov, interest-free through 22 Dec) borrows 1,000 on 2 Dec.

    Due 6 Jan (2 Dec + 35). Interest for 23 Dec-6 Jan only: 9 days of 2026 at 18%
    floor(1,000 x 0.18 x 9 / 365) = 4, 6 days of 2027 floor(1,000 x 0.18 x 6 / 365) = 2.
    The minimum, ceil_to_1000(1,000 x 4.2%) = 1,000, pays 6 interest and 994 principal;
    the 6 yen left (no interest in 35 days on it) is paid on 10 Feb (6 Jan + 35).
    """
    loan = await borrow(http, await login(http, "10000006"), 1000)
    assert loan["next_due_date"] == "2027-01-06"
    assert loan["next_due_amount"] == 1000
    assert loan["expected_payments"] == 2
    assert loan["expected_last_due_date"] == "2027-02-10"
    assert loan["contract_date"] == "2026-11-22"
    assert loan["contract_number"] == "10000006-001"


def replay_at_minimum(loan: dict[str, Any], terms: dict[str, Any]) -> tuple[int, date]:
    """Pay exactly what the account asks on each due date until nothing is owed, with the
    account's own rules; (payments, day of the last)."""
    balance = loan["balance_after"]
    first = account.AccountState(
        credit_limit=terms["credit_limit"],
        interest_rate=Decimal(loan["interest_rate"]),
        accrued_through=date.fromisoformat(loan["occurred_at"][:10]),
        cycle=loan["repayment_cycle"],
        cycle_day=loan["monthly_due_day"],
        principal=balance,
        interest_free_until=(
            None
            if terms["interest_free_until"] is None
            else date.fromisoformat(terms["interest_free_until"])
        ),
        next_due_date=date.fromisoformat(loan["next_due_date"]),
        minimum_base=balance,
    )
    # What was already paid in the cycle, so the first due date asks what the statement says.
    state = replace(first, paid_in_cycle=account.cycle_minimum(first) - loan["next_due_amount"])
    payments, due = 0, first.next_due_date
    while state.principal or state.unpaid_interest:
        assert state.next_due_date is not None
        due = state.next_due_date
        seen = account.view(state, due)
        state, _ = account.repay(state, seen.minimum_payment, due)
        payments += 1
        assert payments < 500
    return payments, due


@pytest.mark.parametrize(
    ("member", "amount"),
    [("10000006", 50_000), ("10000006", 100_000), ("10000011", 20_000)],
)
async def test_plan_is_the_accounts_rules(
    http: httpx.AsyncClient, admin_headers: dict[str, str], member: str, amount: int
) -> None:
    headers = await login(http, member)
    before = (await http.get("/v1/me/account", headers=headers)).json()
    loan = await borrow(http, headers, amount)
    terms = {
        "credit_limit": before["credit_limit"],
        "interest_free_until": before["interest_free_until"],
    }
    payments, last = replay_at_minimum(loan, terms)
    assert loan["expected_payments"] == payments
    assert loan["expected_last_due_date"] == last.isoformat()


async def test_monthly_member_names_the_day(http: httpx.AsyncClient) -> None:
    loan = await borrow(http, await login(http, "10000011"), 10_000)
    assert (loan["repayment_method_code"], loan["repayment_cycle"], loan["monthly_due_day"]) == (
        "fixed_rate_revolving",
        "monthly",
        25,
    )
    assert loan["next_due_date"].endswith("-25")
    assert loan["expected_last_due_date"].endswith("-25")


async def test_repayment_notice(http: httpx.AsyncClient) -> None:
    headers = await login(http, "10000008")  # overdue: late interest is paid first
    before = (await http.get("/v1/me/account", headers=headers)).json()
    paid = await http.post(
        "/v1/me/repayments",
        json={"amount": 10_000, "bank_code": "0005"},
        headers=headers | {"Idempotency-Key": "r"},
    )
    assert paid.status_code == 201, paid.text
    statement = (await http.get(f"/v1/me/statements/{paid.json()['id']}", headers=headers)).json()
    assert statement["received_on"] == "2026-12-02"
    assert statement["late_interest"] == before["late_interest"]
    owed = before["principal"] - (10_000 - before["late_interest"] - before["accrued_interest"])
    assert statement["remaining_debt"] == statement["balance_after"] == owed
    assert statement["late_interest_rate"] == "20.0"
    assert statement["lender"] == LENDER.model_dump(mode="json")
    assert statement["expected_payments"] is None


async def test_list_items_carry_the_notice(http: httpx.AsyncClient) -> None:
    headers = await login(http, "10000010")
    for kind in ("loan", "repayment"):
        page = await http.get(
            "/v1/me/statements", params={"kind": kind, "limit": 20}, headers=headers
        )
        for item in page.json()["items"]:
            assert item["lender"]["registration_number"] == "関東財務局長(00)第00000号"
            assert item["contract_number"] == "10000010-001"
            assert item["late_interest_rate"] == "20.0"
            if kind == "loan":
                assert item["expected_payments"] >= 1
            else:
                assert item["received_on"] == item["occurred_at"][:10]
    card = await http.get("/v1/me/statements", params={"kind": "card", "limit": 5}, headers=headers)
    assert all(item["lender"] is None for item in card.json()["items"])
