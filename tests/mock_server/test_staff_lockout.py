"""Staff passwords cannot be guessed (SPEC 2.17): lockout, throttle, anonymous audit, unlock."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from mock_server.app import create_app
from mock_server.clock import Clock
from mock_server.settings import ServerSettings
from mock_server.store import Store

RIGHT = "staff-demo-pass"


def attempt(staff_id: str, password: str = "wrong-guess") -> dict[str, str]:
    return {"staff_id": staff_id, "password": password}


async def staff_login(http: httpx.AsyncClient, staff_id: str, password: str) -> httpx.Response:
    return await http.post("/v1/staff/sessions", json=attempt(staff_id, password))


def error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    return dict(body["error"])


def audit_rows(store: Store) -> list[dict[str, Any]]:
    with store.read() as conn:
        rows = conn.execute("SELECT * FROM audit ORDER BY id").fetchall()
    return [{**dict(row), "details": json.loads(row["details"])} for row in rows]


def client_at(app: FastAPI, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
def roomy(store: Store, clock: Clock, settings: ServerSettings) -> FastAPI:
    """An app whose per-address throttle is out of the way, to watch the per-ID lockout."""
    return create_app(store, clock, replace(settings, staff_failed_logins_per_address_per_hour=500))


@pytest.fixture
async def roomy_http(roomy: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_at(roomy, "192.0.2.10") as client:
        yield client


# --- the per-ID lockout -------------------------------------------------------------------


async def test_five_wrong_passwords_lock_the_id_until_an_admin_unlocks_it(
    http: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    answers = [await staff_login(http, "S0001", "wrong-guess") for _ in range(5)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 423]
    remaining = [error(a)["details"].get("remaining_attempts") for a in answers[:4]]
    assert remaining == [4, 3, 2, 1]
    assert error(answers[4])["code"] == "STAFF_LOCKED"

    right = await staff_login(http, "S0001", RIGHT)
    assert right.status_code == 423
    assert error(right)["code"] == "STAFF_LOCKED"
    assert "token" not in right.text

    unlocked = await http.post("/v1/admin/staff/S0001/unlock", headers=admin_headers)
    assert unlocked.status_code == 204
    assert (await staff_login(http, "S0001", RIGHT)).status_code == 201


async def test_a_successful_login_resets_the_count(http: httpx.AsyncClient) -> None:
    for _ in range(4):
        assert (await staff_login(http, "S0001", "wrong-guess")).status_code == 401
    assert (await staff_login(http, "S0001", RIGHT)).status_code == 201
    again = await staff_login(http, "S0001", "wrong-guess")
    assert again.status_code == 401
    assert error(again)["details"] == {"remaining_attempts": 4}


async def test_an_unknown_id_answers_exactly_like_a_wrong_password(
    http: httpx.AsyncClient,
) -> None:
    def shape(response: httpx.Response) -> tuple[int, dict[str, Any], str | None]:
        return response.status_code, response.json(), response.headers.get("retry-after")

    known = [shape(await staff_login(http, "S0001", "wrong-guess")) for _ in range(7)]
    unknown = [shape(await staff_login(http, "S9999", "wrong-guess")) for _ in range(7)]
    assert known == unknown
    assert [status for status, _, _ in known] == [401, 401, 401, 401, 423, 423, 423]


async def test_concurrent_guesses_evaluate_at_most_five(
    roomy_http: httpx.AsyncClient, store: Store
) -> None:
    answers = await asyncio.gather(
        *(staff_login(roomy_http, "S0001", f"guess-{n}") for n in range(30))
    )
    codes = [error(a)["code"] for a in answers]
    assert codes.count("INVALID_CREDENTIALS") == 4
    assert codes.count("STAFF_LOCKED") == 26
    evaluated = [r for r in audit_rows(store) if r["action"] == "login_failed"]
    refused = [r for r in audit_rows(store) if r["action"] == "login_refused_locked"]
    assert (len(evaluated), len(refused)) == (5, 25)
    assert (await staff_login(roomy_http, "S0001", RIGHT)).status_code == 423


# --- the per-address throttle -------------------------------------------------------------


async def test_failures_from_one_address_are_throttled(app: FastAPI, store: Store) -> None:
    async with client_at(app, "198.51.100.7") as attacker:
        # Spread over many IDs, so no single ID locks: the address limit is what stops it.
        for n in range(20):
            response = await staff_login(attacker, f"S9{n:03d}", "wrong-guess")
            assert response.status_code == 401, n
        throttled = await staff_login(attacker, "S0001", RIGHT)
        assert throttled.status_code == 429
        assert error(throttled)["code"] == "RATE_LIMITED"
        wait = int(throttled.headers["retry-after"])
        assert 0 < wait <= 3601
        assert error(throttled)["details"] == {"retry_after_s": wait}
    evaluated = [r for r in audit_rows(store) if r["action"] == "login_failed"]
    assert len(evaluated) == 20
    async with client_at(app, "198.51.100.8") as colleague:
        assert (await staff_login(colleague, "S0001", RIGHT)).status_code == 201


async def test_the_throttle_lifts_after_an_hour(app: FastAPI, clock: Clock) -> None:
    from datetime import timedelta

    async with client_at(app, "198.51.100.9") as attacker:
        for n in range(20):
            await staff_login(attacker, f"X{n}", "wrong-guess")
        assert (await staff_login(attacker, "S0001", RIGHT)).status_code == 429
        clock.advance(timedelta(hours=1, seconds=1))
        assert (await staff_login(attacker, "S0001", RIGHT)).status_code == 201


# --- the audit log ------------------------------------------------------------------------


async def test_a_failed_login_is_audited_as_anonymous_with_the_claim_as_data(
    http: httpx.AsyncClient, store: Store
) -> None:
    # The forgery of issue 12 had spaces (now refused at the edge); this one is well formed.
    forged = "S0002:unlocked:10000003"
    response = await staff_login(http, forged, "wrong-guess")
    assert response.status_code == 401
    await staff_login(http, "S0001", "wrong-guess")
    rows = audit_rows(store)
    assert [(r["actor_kind"], r["actor"], r["action"]) for r in rows] == [
        ("anonymous", "anonymous", "login_failed"),
        ("anonymous", "anonymous", "login_failed"),
    ]
    assert rows[0]["details"]["claimed_staff_id"] == forged
    assert rows[1]["details"]["claimed_staff_id"] == "S0001"
    assert rows[1]["details"]["failed_attempts"] == 1
    assert all(r["member_number"] is None for r in rows)
    assert not any(r["actor"].startswith("S0") for r in rows)


async def test_a_locked_refusal_and_a_success_are_audited_apart(
    http: httpx.AsyncClient, store: Store
) -> None:
    assert (await staff_login(http, "S0001", RIGHT)).status_code == 201
    for _ in range(6):
        await staff_login(http, "S0001", "wrong-guess")
    actions = [(r["actor"], r["action"]) for r in audit_rows(store)]
    assert actions == [
        ("S0001", "login"),
        *[("anonymous", "login_failed")] * 5,
        ("anonymous", "login_refused_locked"),
    ]
    assert audit_rows(store)[5]["details"]["locked"] is True


@pytest.mark.parametrize(
    "staff_id",
    ["S0001\n", "S00\x1b[2J01", "", "S" * 33, "S" * 10_000, "担当0001", "S 0001"],
)
async def test_a_malformed_staff_id_is_refused_at_the_edge(
    http: httpx.AsyncClient, store: Store, staff_id: str
) -> None:
    response = await staff_login(http, staff_id, RIGHT)
    assert response.status_code == 422
    assert error(response)["code"] == "VALIDATION_ERROR"
    assert error(response)["details"]["field"] == "staff_id"
    assert audit_rows(store) == []
    with store.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM staff_login_failures").fetchone()[0] == 0


# --- admin unlock and reset ---------------------------------------------------------------


async def test_unlock_needs_the_admin_token_and_is_audited(
    http: httpx.AsyncClient, admin_headers: dict[str, str], store: Store
) -> None:
    for _ in range(5):
        await staff_login(http, "S0001", "wrong-guess")
    refused = await http.post("/v1/admin/staff/S0001/unlock")
    assert refused.status_code == 403
    staff = await http.post("/v1/admin/staff/S0001/unlock", headers={"X-Admin-Token": "guess"})
    assert staff.status_code == 403
    assert (await staff_login(http, "S0001", RIGHT)).status_code == 423

    assert (await http.post("/v1/admin/staff/S0001/unlock", headers=admin_headers)).status_code == (
        204
    )
    last = audit_rows(store)[-1]
    assert (last["actor_kind"], last["action"], last["details"]) == (
        "admin",
        "staff_unlock",
        {"staff_id": "S0001"},
    )


async def test_unlock_of_an_id_never_seen_is_not_found(
    http: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    missing = await http.post("/v1/admin/staff/S7777/unlock", headers=admin_headers)
    assert missing.status_code == 404
    assert error(missing)["code"] == "NOT_FOUND"
    bad = await http.post("/v1/admin/staff/S%0A01/unlock", headers=admin_headers)
    assert bad.status_code == 422
    # An unknown ID an attacker locked can be cleared all the same.
    for _ in range(5):
        await staff_login(http, "S7777", "wrong-guess")
    assert (await http.post("/v1/admin/staff/S7777/unlock", headers=admin_headers)).status_code == (
        204
    )
    assert error(await staff_login(http, "S7777", "wrong-guess"))["code"] == "INVALID_CREDENTIALS"


async def test_the_demo_reset_clears_staff_lockouts_and_the_throttle(
    app: FastAPI, admin_headers: dict[str, str]
) -> None:
    async with client_at(app, "203.0.113.5") as client:
        for n in range(20):
            await staff_login(client, "S0001" if n < 5 else f"S8{n:03d}", "wrong-guess")
        assert (await staff_login(client, "S0001", RIGHT)).status_code == 429
        reset = await client.post("/v1/admin/reset", headers=admin_headers)
        assert reset.status_code == 204
        assert (await staff_login(client, "S0001", RIGHT)).status_code == 201


# --- identity check before access ---------------------------------------------------------


@pytest.fixture
async def staff_headers(http: httpx.AsyncClient) -> dict[str, str]:
    response = await staff_login(http, "S0001", RIGHT)
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.mark.parametrize(
    ("member", "action"), [("10000003", "pin-reset"), ("10000005", "card-reissued")]
)
@pytest.mark.parametrize("document", [None, "library_card", ""])
async def test_access_giving_actions_need_the_identity_document(
    http: httpx.AsyncClient,
    staff_headers: dict[str, str],
    store: Store,
    member: str,
    action: str,
    document: str | None,
) -> None:
    body: dict[str, Any] = {"reason": "本人確認済み"}
    if document is not None:
        body["identity_document"] = document
    response = await http.post(
        f"/v1/staff/members/{member}/{action}", json=body, headers=staff_headers
    )
    assert response.status_code == 422
    assert error(response)["details"]["field"] == "identity_document"
    assert [r["action"] for r in audit_rows(store)] == ["login"]
    with store.read() as conn:
        row = conn.execute(
            "SELECT locked, card_status FROM members WHERE member_number = ?", (member,)
        ).fetchone()
    assert (row["locked"], row["card_status"]) == (
        (1, "active") if member == "10000003" else (0, "lost")
    )


@pytest.mark.parametrize(
    ("member", "action"), [("10000003", "pin-reset"), ("10000005", "card-reissued")]
)
async def test_the_document_checked_is_recorded(
    http: httpx.AsyncClient, staff_headers: dict[str, str], store: Store, member: str, action: str
) -> None:
    response = await http.post(
        f"/v1/staff/members/{member}/{action}",
        json={"reason": "本人確認済み", "identity_document": "health_insurance_card"},
        headers=staff_headers,
    )
    assert response.status_code == 200, response.text
    last = audit_rows(store)[-1]
    assert last["actor"] == "S0001"
    assert last["details"]["identity_document"] == "health_insurance_card"
