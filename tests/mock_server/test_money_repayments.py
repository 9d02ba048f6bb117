"""Repayment quote and repayment (SPEC 2.7). Clock: Wed 2 Dec 2026 10:00 JST.

10000008 is 5 days overdue with 200,000 principal: interest 3,452 (35 days at 18%), late
interest 547 (5 days at 20%), payoff 203,999, minimum 9,000 (see test_money_account.py).
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from mock_server.store import Store

PIN = "4829"


async def login(http: httpx.AsyncClient, number: str) -> dict[str, str]:
    response = await http.post("/v1/sessions", json={"member_number": number, "pin": PIN})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def repay(
    http: httpx.AsyncClient, headers: dict[str, str], amount: object, bank: object = "0036"
) -> httpx.Response:
    return await http.post(
        "/v1/me/repayments",
        json={"amount": amount, "bank_code": bank},
        headers=headers | {"Idempotency-Key": uuid.uuid4().hex},
    )


async def quote(
    http: httpx.AsyncClient, headers: dict[str, str], amount: object, bank: object = "0036"
) -> httpx.Response:
    return await http.post(
        "/v1/me/repayments/quote", json={"amount": amount, "bank_code": bank}, headers=headers
    )


def error(response: httpx.Response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    return dict(body["error"])


async def test_quote_allocates_late_interest_first(http: httpx.AsyncClient) -> None:
    headers = await login(http, "10000008")
    small = await quote(http, headers, 1000)
    assert small.status_code == 200, small.text
    # 1,000: 547 late interest, then 453 of the 3,452 interest, nothing to principal; less
    # than the 9,000 minimum, so the due date stays.
    assert small.json() == {
        "amount": 1000,
        "bank_code": "0036",
        "late_interest": 547,
        "interest": 453,
        "principal": 0,
        "principal_after": 200_000,
        "payoff_amount": 203_999,
        "next_due_date_after": "2026-11-27",
    }
    minimum = (await quote(http, headers, 9000)).json()
    # 9,000 - 547 - 3,452 = 5,001 to principal; the minimum is met, so due = today + 35.
    assert (minimum["late_interest"], minimum["interest"], minimum["principal"]) == (
        547,
        3452,
        5001,
    )
    assert minimum["principal_after"] == 194_999
    assert minimum["next_due_date_after"] == "2027-01-06"
    # A quote changes nothing.
    account = (await http.get("/v1/me/account", headers=headers)).json()
    assert account["payoff_amount"] == 203_999


async def test_repayment_of_the_minimum_on_an_overdue_account(
    http: httpx.AsyncClient, store: Store
) -> None:
    headers = await login(http, "10000008")
    response = await repay(http, headers, 9000)
    assert response.status_code == 201, response.text
    body = response.json()
    assert {k: body[k] for k in ("late_interest", "interest", "principal")} == {
        "late_interest": 547,
        "interest": 3452,
        "principal": 5001,
    }
    assert body["principal_after"] == 194_999
    assert body["next_due_date"] == "2027-01-06"
    assert body["minimum_payment"] == 9000  # the next cycle's, on the same base of 211,000

    account = (await http.get("/v1/me/account", headers=headers)).json()
    assert account == account | {
        "principal": 194_999,
        "accrued_interest": 0,
        "late_interest": 0,
        "payoff_amount": 194_999,
        "overdue_days": 0,
        "next_due_date": "2027-01-06",
    }
    statement = (await http.get(f"/v1/me/statements/{body['id']}", headers=headers)).json()
    assert statement == statement | {
        "kind": "repayment",
        "amount": 9000,
        "late_interest": 547,
        "interest": 3452,
        "principal": 5001,
        "balance_after": 194_999,
        "next_due_date": "2027-01-06",
    }
    with store.read() as conn:
        row = conn.execute(
            "SELECT SUM(CASE kind WHEN 'loan' THEN amount ELSE -principal END) AS p "
            "FROM ledger WHERE member_number = '10000008'"
        ).fetchone()
    assert row["p"] == 194_999


async def test_payments_add_up_within_a_cycle(http: httpx.AsyncClient) -> None:
    headers = await login(http, "10000001")  # minimum 4,000, due 12 Dec, interest 1,479
    first = (await repay(http, headers, 3000)).json()
    assert (first["interest"], first["principal"]) == (1479, 1521)
    assert first["next_due_date"] == "2026-12-12"  # 3,000 < 4,000: not moved
    assert first["minimum_payment"] == 1000  # what is still due this cycle
    second = (await repay(http, headers, 1000)).json()
    assert (second["interest"], second["principal"]) == (0, 1000)
    assert second["principal_after"] == 117_479
    assert second["next_due_date"] == "2027-01-06"  # the cycle's 4,000 reached today
    assert second["minimum_payment"] == 4000


async def test_monthly_cycle_moves_to_next_month(http: httpx.AsyncClient) -> None:
    headers = await login(http, "10000011")
    body = (await repay(http, headers, 5000)).json()
    assert body["next_due_date"] == "2027-01-25"


async def test_payoff_clears_the_loan_and_more_is_overpayment(http: httpx.AsyncClient) -> None:
    headers = await login(http, "10000008")
    over = await repay(http, headers, 204_000)
    assert over.status_code == 422
    assert error(over)["code"] == "OVERPAYMENT"
    assert error(over)["details"] == {"amount": 204_000, "payoff_amount": 203_999}
    assert error(await quote(http, headers, 204_000))["code"] == "OVERPAYMENT"

    paid = await repay(http, headers, 203_999)
    assert paid.status_code == 201
    assert paid.json()["principal_after"] == 0
    assert paid.json()["next_due_date"] is None
    assert paid.json()["minimum_payment"] == 0
    account = (await http.get("/v1/me/account", headers=headers)).json()
    assert account == account | {
        "principal": 0,
        "payoff_amount": 0,
        "overdue_days": 0,
        "next_due_date": None,
        "minimum_payment": 0,
        "available": 300_000,
    }
    nothing_owed = await repay(http, headers, 1)
    assert error(nothing_owed)["details"]["payoff_amount"] == 0


@pytest.mark.parametrize(("bank", "known"), [("0034", True), ("0149", True), ("9999", False)])
async def test_bank_without_internet_repayment(
    http: httpx.AsyncClient, bank: str, known: bool
) -> None:
    headers = await login(http, "10000001")
    for response in (
        await repay(http, headers, 1000, bank),
        await quote(http, headers, 1000, bank),
    ):
        assert response.status_code == 422
        err = error(response)
        assert err["code"] == "BANK_NOT_SUPPORTED"
        assert err["details"]["bank_code"] == bank
        assert err["details"]["known_bank"] is known
        assert "0036" in err["details"]["supported"]
        assert bank not in err["details"]["supported"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": 0, "bank_code": "0036"}, "amount"),
        ({"amount": -5, "bank_code": "0036"}, "amount"),
        ({"amount": "100", "bank_code": "0036"}, "amount"),
        ({"amount": 1.5, "bank_code": "0036"}, "amount"),
        ({"amount": 100, "bank_code": ""}, "bank_code"),
        ({"amount": 100}, "bank_code"),
        ({"amount": 100, "bank_code": "0036", "memo": "x"}, "memo"),
    ],
)
async def test_malformed_repayments_name_the_field(
    http: httpx.AsyncClient, body: dict, field: str
) -> None:
    headers = await login(http, "10000001")
    for path in ("/v1/me/repayments", "/v1/me/repayments/quote"):
        response = await http.post(path, json=body, headers=headers | {"Idempotency-Key": "k"})
        assert response.status_code == 422
        assert error(response)["code"] == "VALIDATION_ERROR"
        assert error(response)["details"]["field"] == field


async def test_one_yen_units(http: httpx.AsyncClient) -> None:
    headers = await login(http, "10000001")
    body = (await repay(http, headers, 1)).json()
    assert (body["interest"], body["principal"]) == (1, 0)
