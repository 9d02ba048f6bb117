"""A login whose client gave up: abandoning its attempt ends what it opened, in either order.

The client names each login with a ``Login-Attempt`` header. ``DELETE .../sessions/attempt``
with the same id ends the session that login opened (after the fact), or, when it comes
first, makes the login refuse to open one (``409 LOGIN_ATTEMPT_CLOSED``) without checking
the PIN or password, so an abandoned attempt counts toward no lockout.
"""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest

STAFF = {"staff_id": "S0001", "password": "staff-demo-pass"}
MEMBER = {"member_number": "10000001", "pin": "4829"}


def attempt_id() -> str:
    return secrets.token_urlsafe(24)


def attempt(value: str) -> dict[str, str]:
    return {"Login-Attempt": value}


async def login(
    http: httpx.AsyncClient, path: str, body: dict[str, Any], attempt_value: str
) -> httpx.Response:
    return await http.post(path, json=body, headers=attempt(attempt_value))


def bearer(response: httpx.Response) -> dict[str, str]:
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def test_abandoning_a_member_login_that_opened_a_session_ends_it(
    http: httpx.AsyncClient,
) -> None:
    value = attempt_id()
    opened = await login(http, "/v1/sessions", MEMBER, value)
    assert opened.status_code == 201
    assert (await http.get("/v1/me/account", headers=bearer(opened))).status_code == 200

    abandoned = await http.delete("/v1/sessions/attempt", headers=attempt(value))

    assert abandoned.status_code == 204
    after = await http.get("/v1/me/account", headers=bearer(opened))
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "SESSION_EXPIRED"
    assert after.json()["error"]["details"]["reason"] == "login_abandoned"


async def test_an_abandoned_attempt_never_opens_a_session_nor_checks_the_pin(
    http: httpx.AsyncClient,
) -> None:
    # 10000002 has 2 wrong PINs: one more evaluated would lock the account.
    value = attempt_id()
    assert (await http.delete("/v1/sessions/attempt", headers=attempt(value))).status_code == 204

    late = await login(http, "/v1/sessions", {"member_number": "10000002", "pin": "0000"}, value)

    assert late.status_code == 409
    assert late.json()["error"]["code"] == "LOGIN_ATTEMPT_CLOSED"
    wrong = await login(
        http, "/v1/sessions", {"member_number": "10000002", "pin": "0000"}, attempt_id()
    )
    # Still the third wrong PIN (the abandoned one was never counted): now it locks.
    assert wrong.json()["error"]["code"] == "ACCOUNT_LOCKED"


async def test_abandoning_a_staff_login_ends_it_and_is_audited(
    http: httpx.AsyncClient,
) -> None:
    value = attempt_id()
    opened = await login(http, "/v1/staff/sessions", STAFF, value)
    assert opened.status_code == 201

    abandoned = await http.delete("/v1/staff/sessions/attempt", headers=attempt(value))

    assert abandoned.status_code == 204
    lookup = await http.get("/v1/staff/members/10000001", headers=bearer(opened))
    assert lookup.status_code == 401
    other = await login(http, "/v1/staff/sessions", STAFF, attempt_id())
    log = await http.get("/v1/staff/audit", headers=bearer(other), params={"limit": 5})
    actions = [entry["action"] for entry in log.json()["items"]]
    assert actions[:3] == ["login", "login_abandoned", "login"]


async def test_a_staff_login_abandoned_first_opens_nothing(http: httpx.AsyncClient) -> None:
    value = attempt_id()
    await http.delete("/v1/staff/sessions/attempt", headers=attempt(value))

    late = await login(http, "/v1/staff/sessions", STAFF, value)

    assert late.status_code == 409
    assert late.json()["error"]["code"] == "LOGIN_ATTEMPT_CLOSED"


async def test_an_attempt_id_opens_one_session_only(http: httpx.AsyncClient) -> None:
    value = attempt_id()
    assert (await login(http, "/v1/sessions", MEMBER, value)).status_code == 201

    again = await login(http, "/v1/sessions", MEMBER, value)

    assert again.status_code == 409


async def test_a_member_abandonment_cannot_end_a_staff_session(http: httpx.AsyncClient) -> None:
    value = attempt_id()
    opened = await login(http, "/v1/staff/sessions", STAFF, value)

    await http.delete("/v1/sessions/attempt", headers=attempt(value))

    lookup = await http.get("/v1/staff/members/10000001", headers=bearer(opened))
    assert lookup.status_code == 200


async def test_a_login_without_an_attempt_id_still_works(http: httpx.AsyncClient) -> None:
    assert (await http.post("/v1/sessions", json=MEMBER)).status_code == 201


@pytest.mark.parametrize("path", ["/v1/sessions", "/v1/staff/sessions"])
@pytest.mark.parametrize("value", ["short", "x" * 129, "has space in it 1234", "ünïcödé-ünïcödé-1"])
async def test_a_bad_attempt_id_is_a_validation_error_naming_the_header(
    http: httpx.AsyncClient, path: str, value: str
) -> None:
    # Sent as raw bytes: a client may put anything in a header, UTF-8 included.
    body = MEMBER if path == "/v1/sessions" else STAFF
    headers = {"Login-Attempt": value.encode("utf-8")}

    refused = await http.post(path, json=body, headers=headers)
    abandon = await http.delete(f"{path}/attempt", headers=headers)

    for response in (refused, abandon):
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "VALIDATION_ERROR"
        assert error["details"]["field"] == "Login-Attempt"


@pytest.mark.parametrize("path", ["/v1/sessions/attempt", "/v1/staff/sessions/attempt"])
async def test_abandoning_needs_the_attempt_id(http: httpx.AsyncClient, path: str) -> None:
    response = await http.delete(path)

    assert response.status_code == 422
    assert response.json()["error"]["details"]["field"] == "Login-Attempt"


async def test_a_flood_of_made_up_abandonments_keeps_the_table_bounded(
    http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, app: Any
) -> None:
    """Abandoning needs no token: made-up ids are stored, but only the newest are kept."""
    from mock_server.store import sessions

    monkeypatch.setattr(sessions.prune_attempts, "__defaults__", (5,))
    admin = app.state.ctx
    for _ in range(12):
        response = await http.delete("/v1/sessions/attempt", headers=attempt(attempt_id()))
        assert response.status_code == 204
    with admin.store.read() as conn:
        kept = conn.execute("SELECT count(*) FROM login_attempts").fetchone()[0]
    assert kept == 5
    # The newest abandonment still holds: its login opens nothing.
    value = attempt_id()
    assert (await http.delete("/v1/sessions/attempt", headers=attempt(value))).status_code == 204
    refused = await login(http, "/v1/sessions", MEMBER, value)
    assert refused.status_code == 409
