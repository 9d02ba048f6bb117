"""A session opened with a one-time PIN opens nothing but the PIN change (SPEC 2.17).

Done as an attacker would: a client that ignores ``pin_change_required`` and goes straight
for the money, against the in-process app and against a real ``acom-mock-server``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.mock_server.test_server_process import Server, start

PIN = "4829"
NEW_PIN = "5172"
STAFF = {"staff_id": "S0001", "password": "staff-demo-pass"}
RESET = {"reason": "暗証番号失念、店頭で本人確認", "identity_document": "drivers_license"}
MEMBER = "10000001"  # active, limit 500,000, principal 120,000, certificate on file


def error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    return dict(body["error"])


async def one_time_session(http: httpx.AsyncClient, number: str = MEMBER) -> tuple[str, str]:
    """Staff reset the member's PIN; the member logs in with it. (one-time PIN, token)"""
    staff = await http.post("/v1/staff/sessions", json=STAFF)
    assert staff.status_code == 201, staff.text
    headers = {"Authorization": f"Bearer {staff.json()['token']}"}
    issued = await http.post(f"/v1/staff/members/{number}/pin-reset", json=RESET, headers=headers)
    assert issued.status_code == 200, issued.text
    pin = issued.json()["one_time_pin"]
    login = await http.post("/v1/sessions", json={"member_number": number, "pin": pin})
    assert login.status_code == 201, login.text
    assert login.json()["pin_change_required"] is True
    return pin, login.json()["token"]


async def borrow(http: httpx.AsyncClient, token: str, key: str) -> httpx.Response:
    return await http.post(
        "/v1/me/borrowings",
        json={"amount": 10_000},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
    )


async def principal(http: httpx.AsyncClient, admin_headers: dict[str, str]) -> int:
    account = await http.get(f"/v1/admin/members/{MEMBER}/account", headers=admin_headers)
    return int(account.json()["principal"])


async def test_a_one_time_pin_session_cannot_borrow_until_the_pin_is_changed(
    http: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    before = await principal(http, admin_headers)
    pin, token = await one_time_session(http)
    auth = {"Authorization": f"Bearer {token}"}

    refused = await borrow(http, token, "attack-1")
    assert refused.status_code == 403
    assert error(refused)["code"] == "PIN_CHANGE_REQUIRED"
    assert await principal(http, admin_headers) == before

    assert (await http.get("/v1/status")).status_code == 200
    changed = await http.put(
        "/v1/me/pin", json={"current_pin": pin, "new_pin": NEW_PIN}, headers=auth
    )
    assert changed.status_code == 204, changed.text

    # The same session now works normally, and so does a new login with the new PIN.
    assert (await http.get("/v1/me/account", headers=auth)).status_code == 200
    assert (await borrow(http, token, "after-change")).status_code == 201
    assert await principal(http, admin_headers) == before + 10_000
    again = await http.post("/v1/sessions", json={"member_number": MEMBER, "pin": NEW_PIN})
    assert again.json()["pin_change_required"] is False
    fresh = {"Authorization": f"Bearer {again.json()['token']}"}
    assert (await http.get("/v1/me/profile", headers=fresh)).status_code == 200


def _member_operations(app: FastAPI) -> list[tuple[str, str]]:
    document = app.openapi()
    found = []
    for path, operations in document["paths"].items():
        if not path.startswith("/v1/me"):
            continue
        for method in operations:
            if (method, path) != ("put", "/v1/me/pin"):
                found.append((method, path))
    return found


async def test_every_other_member_endpoint_answers_pin_change_required(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    operations = _member_operations(app)
    assert len(operations) >= 15  # the member API, not an empty list by mistake
    _pin, token = await one_time_session(http)
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "k-1"}
    document = app.openapi()
    for method, path in operations:
        url = path.replace("{statement_id}", "loan_1").replace("{notice_id}", "1")
        body = None if method in ("get", "delete") else {}
        response = await http.request(method.upper(), url, json=body, headers=headers)
        assert response.status_code == 403, (method, path, response.text)
        assert error(response)["code"] == "PIN_CHANGE_REQUIRED", (method, path)
        documented = document["paths"][path][method]["responses"]["403"]
        assert documented["content"]["application/json"]["schema"]["$ref"].endswith(
            "ErrorEnvelope"
        ), (method, path)
    # Logout still works and ends the session.
    logout = await http.delete("/v1/sessions/current", headers={"Authorization": f"Bearer {token}"})
    assert logout.status_code == 204
    after = await http.get("/v1/me/account", headers={"Authorization": f"Bearer {token}"})
    assert error(after)["code"] == "UNAUTHENTICATED"


async def test_a_wrong_current_pin_on_the_gated_session_still_counts(
    http: httpx.AsyncClient,
) -> None:
    _pin, token = await one_time_session(http)
    auth = {"Authorization": f"Bearer {token}"}
    wrong = await http.put(
        "/v1/me/pin", json={"current_pin": "0000", "new_pin": NEW_PIN}, headers=auth
    )
    assert error(wrong)["code"] == "INVALID_CREDENTIALS"
    assert wrong.json()["error"]["details"]["remaining_attempts"] == 2
    still = await http.get("/v1/me/account", headers=auth)
    assert error(still)["code"] == "PIN_CHANGE_REQUIRED"


# --- against a real acom-mock-server ------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    yield from start(tmp_path)


def test_real_server_refuses_a_borrowing_on_a_one_time_pin_session(server: Server) -> None:
    with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
        staff = client.post("/v1/staff/sessions", json=STAFF)
        assert staff.status_code == 201, staff.text
        staff_auth = {"Authorization": f"Bearer {staff.json()['token']}"}
        issued = client.post(
            f"/v1/staff/members/{MEMBER}/pin-reset", json=RESET, headers=staff_auth
        )
        assert issued.status_code == 200, issued.text
        pin = issued.json()["one_time_pin"]
        login = client.post("/v1/sessions", json={"member_number": MEMBER, "pin": pin})
        auth = {"Authorization": f"Bearer {login.json()['token']}"}

        refused = client.post(
            "/v1/me/borrowings", json={"amount": 10_000}, headers={**auth, "Idempotency-Key": "x"}
        )
        assert refused.status_code == 403
        assert error(refused)["code"] == "PIN_CHANGE_REQUIRED"
        for path in ("/v1/me/account", "/v1/me/profile", "/v1/me/statements"):
            assert error(client.get(path, headers=auth))["code"] == "PIN_CHANGE_REQUIRED"
        assert client.get("/v1/status").status_code == 200

        changed = client.put(
            "/v1/me/pin", json={"current_pin": pin, "new_pin": NEW_PIN}, headers=auth
        )
        assert changed.status_code == 204, changed.text
        account = client.get("/v1/me/account", headers=auth)
        assert account.status_code == 200
        assert account.json()["principal"] == 120_000  # the refused borrowing left nothing
        assert client.delete("/v1/sessions/current", headers=auth).status_code == 204
