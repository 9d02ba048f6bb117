"""Credit-limit increase (SPEC 2.13) and PIN change (SPEC 2.14)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest

from mock_server.clock import Clock
from mock_server.hashing import SCHEME, ScryptParams, pepper_for, verify_secret
from mock_server.store import Store
from tests.mock_server.test_services_documents import png

PIN = "4829"
NEW_PIN = "5173"


async def login(http: httpx.AsyncClient, number: str, pin: str = PIN) -> httpx.Response:
    return await http.post("/v1/sessions", json={"member_number": number, "pin": pin})


async def headers_for(http: httpx.AsyncClient, number: str = "10000001") -> dict[str, str]:
    response = await login(http, number)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    return dict(body["error"])


async def apply(http: httpx.AsyncClient, headers: dict[str, str], limit: Any) -> httpx.Response:
    return await http.post(
        "/v1/me/limit-increase-applications", headers=headers, json={"requested_limit": limit}
    )


# --- limit increase -----------------------------------------------------------------------


async def test_10000001_is_approved_at_once(http: httpx.AsyncClient, store: Store) -> None:
    headers = await headers_for(http)
    response = await apply(http, headers, 600_000)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "approved"
    assert body["reasons"] == []
    assert body["new_limit"] == 600_000
    assert body["new_rate"] == "18.0"  # under 1,000,000 the 18.0% cap is unchanged
    assert body["decided_at"] == "2026-12-02T10:00:00+09:00"
    account = (await http.get("/v1/me/account", headers=headers)).json()
    assert account["credit_limit"] == 600_000
    assert account["available"] == 600_000 - 120_000
    with store.read() as conn:
        row = conn.execute(
            "SELECT details FROM audit WHERE action = 'limit_increase_approved'"
        ).fetchone()
    assert json.loads(row["details"])["previous_limit"] == 500_000


async def test_a_limit_of_a_million_lowers_the_rate_to_15(http: httpx.AsyncClient) -> None:
    headers = await headers_for(http)
    response = await apply(http, headers, 1_000_000)
    assert response.json()["status"] == "approved"
    assert response.json()["new_rate"] == "15.0"
    account = (await http.get("/v1/me/account", headers=headers)).json()
    assert (account["credit_limit"], account["interest_rate"]) == (1_000_000, "15.0")


async def test_10000007_needs_documents_then_is_approved(
    http: httpx.AsyncClient, clock: Clock
) -> None:
    headers = await headers_for(http, "10000007")
    response = await apply(http, headers, 500_000)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "documents_required"
    assert body["reasons"] == ["INCOME_CERTIFICATE_REQUIRED"]
    assert body["new_limit"] is None
    assert body["new_rate"] is None
    account = (await http.get("/v1/me/account", headers=headers)).json()
    assert account["credit_limit"] == 300_000

    uploaded = await http.post(
        "/v1/me/documents",
        headers=headers,
        data={"kind": "withholding_slip"},
        files={"file": ("gensen.png", png(32, 32), "image/png")},
    )
    assert uploaded.status_code == 201
    # Still under review: it does not count yet.
    assert (await apply(http, headers, 500_000)).json()["status"] == "documents_required"
    clock.advance(timedelta(hours=1))
    headers = await headers_for(http, "10000007")
    assert (await apply(http, headers, 500_000)).json()["status"] == "approved"
    listed = (await http.get("/v1/me/limit-increase-applications", headers=headers)).json()
    assert [a["status"] for a in listed["items"]] == [
        "approved",
        "documents_required",
        "documents_required",
    ]


async def test_10000006_is_declined_within_six_months(http: httpx.AsyncClient) -> None:
    headers = await headers_for(http, "10000006")
    response = await apply(http, headers, 200_000)
    assert response.status_code == 201
    assert response.json()["status"] == "declined"
    assert response.json()["reasons"] == ["CONTRACT_UNDER_6_MONTHS"]
    account = (await http.get("/v1/me/account", headers=headers)).json()
    assert account["credit_limit"] == 100_000


async def test_an_overdue_member_is_declined(http: httpx.AsyncClient) -> None:
    headers = await headers_for(http, "10000008")
    response = await apply(http, headers, 400_000)
    assert response.json()["status"] == "declined"
    assert response.json()["reasons"] == ["RECENT_OVERDUE"]


async def test_total_lending_limit_declines(http: httpx.AsyncClient) -> None:
    # 10000009: limit 500,000, income 3,000,000 (a third is 1,000,000), other lenders
    # 700,000: 600,000 + 700,000 is over the third.
    headers = await headers_for(http, "10000009")
    response = await apply(http, headers, 600_000)
    assert response.json()["status"] == "declined"
    assert response.json()["reasons"] == ["TOTAL_LENDING_LIMIT"]


@pytest.mark.parametrize(
    ("limit", "words"),
    [
        (605_000, "multiple of 10,000"),
        (8_010_000, "at most 8,000,000"),
        (500_000, "more than the current limit of 500,000"),
        (400_000, "more than the current limit"),
        ("600000", None),
        (600_000.0, None),
        (True, None),
    ],
)
async def test_requested_limit_validation(
    http: httpx.AsyncClient, store: Store, limit: Any, words: str | None
) -> None:
    headers = await headers_for(http)
    response = await apply(http, headers, limit)
    assert response.status_code == 422
    err = error(response)
    assert err["code"] == "VALIDATION_ERROR"
    assert err["details"]["field"] == "requested_limit"
    if words is not None:
        assert words in err["message"]
    with store.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM limit_increase_applications").fetchone()[0] == 0


async def test_applications_list_is_paged(http: httpx.AsyncClient) -> None:
    headers = await headers_for(http)
    for limit in (600_000, 700_000, 800_000):
        assert (await apply(http, headers, limit)).status_code == 201
    first = (await http.get("/v1/me/limit-increase-applications?limit=2", headers=headers)).json()
    assert [a["requested_limit"] for a in first["items"]] == [800_000, 700_000]
    rest = (
        await http.get(
            f"/v1/me/limit-increase-applications?limit=2&cursor={first['next_cursor']}",
            headers=headers,
        )
    ).json()
    assert [a["requested_limit"] for a in rest["items"]] == [600_000]
    assert rest["next_cursor"] is None


# --- PIN change ---------------------------------------------------------------------------


async def change_pin(
    http: httpx.AsyncClient, headers: dict[str, str], new: Any, current: Any = PIN
) -> httpx.Response:
    return await http.put(
        "/v1/me/pin", headers=headers, json={"current_pin": current, "new_pin": new}
    )


# 10000001: born 14 Jul 1985 (昭和60), mobile 090-0001-1000, employer 03-0000-0000.
@pytest.mark.parametrize(
    ("new", "reason"),
    [
        ("7777", "REPEATED_DIGIT"),
        ("3456", "SEQUENTIAL"),
        ("6543", "SEQUENTIAL"),
        ("0714", "BIRTHDAY"),
        ("1985", "BIRTHDAY"),
        ("6007", "BIRTHDAY"),
        ("0001", "MEMBER_NUMBER"),
        ("1000", "PHONE_NUMBER"),
        ("4649", "COMMON_PIN"),
        (PIN, "SAME_AS_CURRENT"),
    ],
)
async def test_weak_pins_are_refused_with_the_reason(
    http: httpx.AsyncClient, store: Store, new: str, reason: str
) -> None:
    headers = await headers_for(http)
    response = await change_pin(http, headers, new)
    assert response.status_code == 422
    err = error(response)
    assert err["code"] == "WEAK_PIN"
    assert err["details"]["reason"] == reason
    assert new not in response.text
    with store.read() as conn:
        row = conn.execute("SELECT pin_hash FROM members WHERE member_number='10000001'").fetchone()
    assert verify_secret(PIN, row["pin_hash"], ScryptParams(pepper=pepper_for(store.path)))


async def test_a_good_pin_replaces_the_old_one(http: httpx.AsyncClient, store: Store) -> None:
    headers = await headers_for(http)
    other_device = await headers_for(http)
    response = await change_pin(http, headers, NEW_PIN)
    assert response.status_code == 204
    assert response.content == b""
    # This session stays, the other one ended.
    assert (await http.get("/v1/me/profile", headers=headers)).status_code == 200
    ended = await http.get("/v1/me/profile", headers=other_device)
    assert ended.status_code == 401
    assert error(ended)["details"] == {"reason": "pin_changed"}
    assert (await login(http, "10000001", NEW_PIN)).status_code == 201
    old = await login(http, "10000001", PIN)
    assert old.status_code == 401
    with store.read() as conn:
        row = conn.execute("SELECT pin_hash FROM members WHERE member_number='10000001'").fetchone()
        audited = conn.execute("SELECT details FROM audit WHERE action = 'pin_change'").fetchone()
    assert row["pin_hash"].startswith(f"{SCHEME}$1024$8$1$")  # the test's scrypt parameters
    assert NEW_PIN not in row["pin_hash"]
    assert json.loads(audited["details"]) == {"other_sessions_ended": 1}


async def test_wrong_current_pin_counts_toward_the_lockout(http: httpx.AsyncClient) -> None:
    headers = await headers_for(http)
    first = await change_pin(http, headers, NEW_PIN, current="1111")
    assert first.status_code == 401
    assert error(first)["details"] == {"remaining_attempts": 2}
    # A weak new PIN is not judged until the current PIN is right: no hint for a guesser.
    second = await change_pin(http, headers, "1234", current="2222")
    assert error(second)["code"] == "INVALID_CREDENTIALS"
    third = await change_pin(http, headers, NEW_PIN, current="3333")
    assert third.status_code == 423
    assert (await http.get("/v1/me/profile", headers=headers)).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"current_pin": PIN, "new_pin": "12a4"}, "new_pin"),
        ({"current_pin": PIN, "new_pin": "５１７３"}, "new_pin"),
        ({"current_pin": PIN, "new_pin": "51730"}, "new_pin"),
        ({"current_pin": PIN, "new_pin": 5173}, "new_pin"),
        ({"current_pin": "482", "new_pin": NEW_PIN}, "current_pin"),
        ({"new_pin": NEW_PIN}, "current_pin"),
    ],
)
async def test_pin_format_errors_do_not_count(
    http: httpx.AsyncClient, store: Store, body: dict[str, Any], field: str
) -> None:
    headers = await headers_for(http)
    response = await http.put("/v1/me/pin", headers=headers, json=body)
    assert response.status_code == 422
    err = error(response)
    assert (err["code"], err["details"]["field"]) == ("VALIDATION_ERROR", field)
    with store.read() as conn:
        row = conn.execute(
            "SELECT failed_attempts FROM members WHERE member_number='10000001'"
        ).fetchone()
    assert row["failed_attempts"] == 0
