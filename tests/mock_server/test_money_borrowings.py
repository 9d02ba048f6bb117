"""POST /v1/me/borrowings on the roster (SPEC 2.6). Clock: Wed 2 Dec 2026 10:00 JST."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

import httpx
import pytest

from acom_contract.schemas import JST
from mock_server.clock import Clock
from mock_server.store import Store

PIN = "4829"


async def login(http: httpx.AsyncClient, number: str) -> dict[str, str]:
    response = await http.post("/v1/sessions", json={"member_number": number, "pin": PIN})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def borrow(
    http: httpx.AsyncClient, headers: dict[str, str], amount: object, key: str | None = None
) -> httpx.Response:
    return await http.post(
        "/v1/me/borrowings",
        json={"amount": amount},
        headers=headers | {"Idempotency-Key": key or uuid.uuid4().hex},
    )


def error(response: httpx.Response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    return dict(body["error"])


def sql(store: Store, query: str, *params: object) -> list:
    with store.read() as conn:
        return conn.execute(query, params).fetchall()


async def test_instant_transfer_to_rakuten(http: httpx.AsyncClient, store: Store) -> None:
    headers = await login(http, "10000001")
    response = await borrow(http, headers, 10_000)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["amount"] == 10_000
    assert body["principal_after"] == 130_000
    assert body["available_after"] == 370_000
    assert body["transfer"] == "instant"
    created = datetime.fromisoformat(body["created_at"])
    arrives = datetime.fromisoformat(body["arrives_at"])
    assert created == datetime(2026, 12, 2, 10, 0, tzinfo=JST)
    assert timedelta(0) < arrives - created <= timedelta(minutes=1)
    assert body["bank_account"] == {
        "bank_code": "0036",
        "bank_name": "楽天銀行",
        "branch_name": "第一営業支店",
        "account_type": "ordinary",
        "account_number_masked": "****001",
        "holder_kana": "ヤマダ タロウ",
    }
    # A borrowing on a balance keeps the due date; the minimum is re-based on 130,000:
    # 3.0% = 3,900 -> 4,000.
    assert body["next_due_date"] == "2026-12-12"
    assert body["minimum_payment"] == 4000

    account = (await http.get("/v1/me/account", headers=headers)).json()
    assert account["principal"] == 130_000
    assert account["available"] == 370_000
    statement = await http.get(f"/v1/me/statements/{body['id']}", headers=headers)
    assert statement.status_code == 200
    assert statement.json()["kind"] == "loan"
    assert statement.json()["amount"] == 10_000
    assert statement.json()["balance_after"] == 130_000
    [row] = sql(
        store, "SELECT * FROM ledger WHERE member_number='10000001' ORDER BY id DESC LIMIT 1"
    )
    assert (row["kind"], row["amount"], row["transfer"]) == ("loan", 10_000, "instant")


async def test_friday_evening_transfer_is_scheduled_for_monday(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    clock.set(datetime(2026, 12, 4, 19, 0, tzinfo=JST))  # Friday 19:00
    headers = await login(http, "10000011")  # 三菱UFJ銀行: no instant transfer
    response = await borrow(http, headers, 10_000)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["transfer"] == "scheduled"
    assert body["arrives_at"] == "2026-12-07T09:30:00+09:00"  # Monday 09:30
    assert body["bank_account"]["bank_name"] == "三菱UFJ銀行"
    assert body["principal_after"] == 160_000


async def test_weekday_transfer_without_instant_bank_arrives_next_morning(
    http: httpx.AsyncClient,
) -> None:
    headers = await login(http, "10000011")
    body = (await borrow(http, headers, 1000)).json()
    assert body["transfer"] == "scheduled"
    assert body["arrives_at"] == "2026-12-03T09:30:00+09:00"  # Wednesday 10:00 -> Thursday


async def test_instant_bank_outside_its_hours_is_scheduled(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    clock.set(datetime(2026, 12, 2, 23, 55, tzinfo=JST))
    headers = await login(http, "10000001")
    body = (await borrow(http, headers, 1000)).json()
    assert body["transfer"] == "scheduled"
    assert body["arrives_at"] == "2026-12-03T09:30:00+09:00"


async def test_overdue_member_is_refused_then_repays_and_borrows(
    http: httpx.AsyncClient,
) -> None:
    headers = await login(http, "10000008")
    refused = await borrow(http, headers, 10_000)
    assert refused.status_code == 422
    err = error(refused)
    assert err["code"] == "OVERDUE"
    assert err["details"]["overdue_days"] == 5
    assert err["details"]["minimum_payment"] == 9000
    assert err["details"]["next_due_date"] == "2026-11-27"

    paid = await http.post(
        "/v1/me/repayments",
        json={"amount": 9000, "bank_code": "0036"},
        headers=headers | {"Idempotency-Key": "pay-minimum"},
    )
    assert paid.status_code == 201, paid.text
    assert paid.json()["next_due_date"] == "2027-01-06"  # paid today: 2 Dec + 35

    allowed = await borrow(http, headers, 10_000)
    assert allowed.status_code == 201, allowed.text
    # 200,000 - 5,001 (the principal part of the 9,000) + 10,000
    assert allowed.json()["principal_after"] == 204_999


async def test_total_lending_limit_allows_exactly_one_third(http: httpx.AsyncClient) -> None:
    # Income 3,000,000: at most 1,000,000 from all lenders. 700,000 elsewhere + 250,000 here.
    headers = await login(http, "10000009")
    refused = await borrow(http, headers, 60_000)
    assert refused.status_code == 422
    err = error(refused)
    assert err["code"] == "TOTAL_LENDING_LIMIT"
    assert err["details"] | {} == err["details"] | {
        "amount": 60_000,
        "available": 250_000,
        "total_lending_headroom": 50_000,
        "max_amount": 50_000,
    }
    allowed = await borrow(http, headers, 50_000)
    assert allowed.status_code == 201, allowed.text
    assert allowed.json()["principal_after"] == 300_000
    again = await borrow(http, headers, 1000)
    assert error(again)["code"] == "TOTAL_LENDING_LIMIT"
    assert error(again)["details"]["max_amount"] == 0


async def test_over_the_available_amount(http: httpx.AsyncClient) -> None:
    headers = await login(http, "10000001")
    refused = await borrow(http, headers, 381_000)
    assert refused.status_code == 422
    err = error(refused)
    assert err["code"] == "LIMIT_EXCEEDED"
    assert err["details"]["available"] == 380_000
    assert err["details"]["max_amount"] == 380_000
    # Income 4,800,000 / 3 = 1,600,000, less the 120,000 owed.
    assert err["details"]["total_lending_headroom"] == 1_480_000
    assert (await borrow(http, headers, 380_000)).json()["principal_after"] == 500_000


async def test_certificate_required_from_a_500k_limit(
    http: httpx.AsyncClient, store: Store
) -> None:
    with store.write() as conn:  # staff raised 10000007's limit; no certificate on file
        conn.execute("UPDATE members SET credit_limit = 500000 WHERE member_number = '10000007'")
    headers = await login(http, "10000007")
    refused = await borrow(http, headers, 10_000)
    assert refused.status_code == 422
    assert error(refused)["code"] == "INCOME_CERTIFICATE_REQUIRED"


@pytest.mark.parametrize(
    ("change", "status", "code", "details"),
    [
        ("UPDATE members SET card_status = 'lost'", 403, "CARD_LOST", {}),
        ("UPDATE members SET locked = 1, failed_attempts = 3", 423, "ACCOUNT_LOCKED", {}),
        (
            "UPDATE members SET status = 'suspended', suspension_reason = 'OTHER_LENDERS'",
            403,
            "ACCOUNT_SUSPENDED",
            {"reason": "OTHER_LENDERS"},
        ),
    ],
)
async def test_status_blocks_borrowing_but_not_repaying(
    http: httpx.AsyncClient, store: Store, change: str, status: int, code: str, details: dict
) -> None:
    headers = await login(http, "10000001")
    with store.write() as conn:  # what staff or a lock does while the session is open
        conn.execute(f"{change} WHERE member_number = '10000001'")
    refused = await borrow(http, headers, 10_000)
    assert refused.status_code == status
    assert error(refused)["code"] == code
    assert error(refused)["details"] == details
    paid = await http.post(
        "/v1/me/repayments",
        json={"amount": 5000, "bank_code": "0036"},
        headers=headers | {"Idempotency-Key": "pay"},
    )
    assert paid.status_code == 201, paid.text


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (1500, "multiple of 1,000"),
        (500, "at least 1,000"),
        (0, "at least 1,000"),
        (-1000, "at least 1,000"),
        ("10000", None),
        (10000.0, None),
        (True, None),
        (None, None),
    ],
)
async def test_malformed_amounts_name_the_field(
    http: httpx.AsyncClient, store: Store, amount: object, message: str | None
) -> None:
    headers = await login(http, "10000001")
    response = await borrow(http, headers, amount, key="same-key")
    assert response.status_code == 422
    err = error(response)
    assert err["code"] == "VALIDATION_ERROR"
    assert err["details"]["field"] == "amount"
    if message:
        assert message in err["message"]
    # Validation failures are not stored: the key is still free for a good request.
    assert (await borrow(http, headers, 1000, key="same-key")).status_code == 201


async def test_idempotency_key_header_rules(http: httpx.AsyncClient) -> None:
    headers = await login(http, "10000001")
    missing = await http.post("/v1/me/borrowings", json={"amount": 1000}, headers=headers)
    assert missing.status_code == 400
    assert error(missing)["code"] == "IDEMPOTENCY_KEY_MISSING"
    for bad in ("", "x" * 256, " padded", "ключ"):
        response = await http.post(
            "/v1/me/borrowings",
            json={"amount": 1000},
            headers={**headers, "Idempotency-Key": bad.encode("utf-8")},
        )
        assert response.status_code == 422, bad
        assert error(response)["code"] == "VALIDATION_ERROR"
        assert error(response)["details"]["field"] == "Idempotency-Key"
    longest = await borrow(http, headers, 1000, key="k" * 255)
    assert longest.status_code == 201


async def test_borrowing_needs_a_session(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/v1/me/borrowings", json={"amount": 1000}, headers={"Idempotency-Key": "k"}
    )
    assert response.status_code == 401


async def test_ten_borrowings_in_seven_days_suspend(
    http: httpx.AsyncClient, clock: Clock, store: Store
) -> None:
    headers = await login(http, "10000001")
    for _ in range(9):
        assert (await borrow(http, headers, 1000)).status_code == 201
        clock.advance(timedelta(minutes=1))
    tenth = await borrow(http, headers, 1000)
    assert tenth.status_code == 201  # the tenth goes through; the account is then suspended
    eleventh = await borrow(http, headers, 1000)
    assert eleventh.status_code == 403
    assert error(eleventh)["details"] == {"reason": "FREQUENT_BORROWING"}
    account = (await http.get("/v1/me/account", headers=headers)).json()
    assert (account["status"], account["suspension_reason"]) == ("suspended", "FREQUENT_BORROWING")
    [entry] = sql(store, "SELECT * FROM audit WHERE action = 'suspend'")
    assert (entry["actor_kind"], entry["member_number"]) == ("system", "10000001")
    assert json.loads(entry["details"])["borrowings"] == 10


async def test_borrowings_spread_over_more_than_seven_days_do_not_suspend(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    headers = await login(http, "10000001")
    for _ in range(9):
        assert (await borrow(http, headers, 1000)).status_code == 201
    clock.advance(timedelta(days=7))  # the nine are now exactly 7 days old: out of the window
    headers = await login(http, "10000001")
    assert (await borrow(http, headers, 1000)).status_code == 201
    assert (await borrow(http, headers, 1000)).status_code == 201
    account = (await http.get("/v1/me/account", headers=headers)).json()
    assert account["status"] == "active"
