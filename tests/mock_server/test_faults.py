"""Fault injection through the admin API: latency, injected 503s, responses lost after commit."""

from __future__ import annotations

import logging
import time
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from mock_server.app import create_app
from mock_server.clock import Clock
from mock_server.settings import ServerSettings
from mock_server.store import Store

PIN = "4829"
NO_FAULTS = {"latency_ms": 0, "error_rate": 0.0, "drop_after_commit": False}


async def put_faults(
    http: httpx.AsyncClient, admin: dict[str, str], **settings: Any
) -> httpx.Response:
    response = await http.put("/v1/admin/faults", json=settings, headers=admin)
    assert response.status_code == 200, response.text
    return response


async def member_headers(http: httpx.AsyncClient, number: str = "10000001") -> dict[str, str]:
    response = await http.post("/v1/sessions", json={"member_number": number, "pin": PIN})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def member_sessions(store: Store, number: str) -> int:
    with store.read() as conn:
        row = conn.execute(
            "SELECT COUNT(*) FROM sessions WHERE kind = 'member' AND subject = ?", (number,)
        ).fetchone()
    return int(row[0])


async def test_no_faults_by_default_and_admin_token_needed(
    http: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    got = await http.get("/v1/admin/faults", headers=admin_headers)
    assert got.json() == NO_FAULTS
    refused = await http.put("/v1/admin/faults", json={"error_rate": 1.0})
    assert refused.status_code == 403
    assert (await http.get("/v1/status")).status_code == 200


async def test_put_replaces_every_setting(
    http: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    first = await put_faults(http, admin_headers, latency_ms=50, error_rate=0.25)
    assert first.json() == {"latency_ms": 50, "error_rate": 0.25, "drop_after_commit": False}
    second = await put_faults(http, admin_headers, drop_after_commit=True)
    assert second.json() == {"latency_ms": 0, "error_rate": 0.0, "drop_after_commit": True}
    assert (await http.get("/v1/admin/faults", headers=admin_headers)).json() == second.json()
    await put_faults(http, admin_headers)
    assert (await http.get("/v1/admin/faults", headers=admin_headers)).json() == NO_FAULTS


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"error_rate": 1.5}, "error_rate"),
        ({"error_rate": -0.1}, "error_rate"),
        ({"latency_ms": -1}, "latency_ms"),
        ({"latency_ms": "100"}, "latency_ms"),
        ({"drop_after_commit": "yes"}, "drop_after_commit"),
        ({"seed": 1.5}, "seed"),
        ({"errors": 1}, "errors"),
    ],
)
async def test_invalid_settings_name_the_field(
    http: httpx.AsyncClient, admin_headers: dict[str, str], body: dict, field: str
) -> None:
    response = await http.put("/v1/admin/faults", json=body, headers=admin_headers)
    assert response.status_code == 422
    assert response.json()["error"]["details"]["field"] == field
    assert (await http.get("/v1/admin/faults", headers=admin_headers)).json() == NO_FAULTS


async def test_latency_is_added_except_to_status_and_admin(
    http: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    member = await member_headers(http)
    await put_faults(http, admin_headers, latency_ms=300)

    started = time.perf_counter()
    assert (await http.get("/v1/me/account", headers=member)).status_code == 200
    slow = time.perf_counter() - started
    started = time.perf_counter()
    assert (await http.get("/v1/status")).status_code == 200
    assert (await http.get("/v1/admin/faults", headers=admin_headers)).status_code == 200
    fast = time.perf_counter() - started

    assert slow >= 0.29
    assert fast < 0.29  # two requests, neither delayed


async def test_error_rate_one_fails_member_endpoints_before_the_route_runs(
    http: httpx.AsyncClient, admin_headers: dict[str, str], store: Store
) -> None:
    member = await member_headers(http)
    await put_faults(http, admin_headers, error_rate=1.0)

    account = await http.get("/v1/me/account", headers=member)
    assert account.status_code == 503
    assert account.headers["retry-after"] == "1"
    assert "x-request-id" in account.headers
    assert account.json() == {
        "error": {
            "code": "INJECTED_FAULT",
            "message": account.json()["error"]["message"],
            "details": {"fault": "error_rate"},
        }
    }
    login = await http.post("/v1/sessions", json={"member_number": "10000006", "pin": PIN})
    assert login.status_code == 503
    assert member_sessions(store, "10000006") == 0  # the route never ran

    assert (await http.get("/v1/status")).status_code == 200
    assert (await http.get("/v1/admin/clock", headers=admin_headers)).status_code == 200
    assert (await http.get("/openapi.json")).status_code == 200

    await put_faults(http, admin_headers)
    assert (await http.get("/v1/me/account", headers=member)).status_code == 200


async def test_seeded_error_rate_repeats_the_same_failures(
    http: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    member = await member_headers(http)

    async def run() -> list[int]:
        await put_faults(http, admin_headers, error_rate=0.5, seed=20261202)
        return [(await http.get("/v1/me/account", headers=member)).status_code for _ in range(40)]

    first = await run()
    second = await run()
    assert first == second
    assert 5 <= first.count(503) <= 35  # about half: neither never nor always
    assert set(first) == {200, 503}


async def test_drop_after_commit_loses_the_response_but_keeps_the_session(
    http: httpx.AsyncClient,
    admin_headers: dict[str, str],
    store: Store,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await put_faults(http, admin_headers, drop_after_commit=True)
    with caplog.at_level(logging.ERROR, logger="mock_server"), pytest.raises(httpx.TransportError):
        await http.post("/v1/sessions", json={"member_number": "10000001", "pin": PIN})
    assert member_sessions(store, "10000001") == 1
    # On purpose: not logged as an unhandled error (other loggers may say what they like).
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []

    # The admin API is never dropped, so the fault can be switched off again.
    await put_faults(http, admin_headers)
    await member_headers(http)
    assert member_sessions(store, "10000001") == 2


async def test_reset_clears_faults(http: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    await put_faults(http, admin_headers, error_rate=1.0, latency_ms=10)
    assert (await http.post("/v1/admin/reset", headers=admin_headers)).status_code == 204
    assert (await http.get("/v1/admin/faults", headers=admin_headers)).json() == NO_FAULTS
    await member_headers(http)


async def test_maintenance_wins_over_injected_errors(
    http: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await put_faults(http, admin_headers, error_rate=1.0)
    on = await http.put("/v1/admin/maintenance", json={"on": True}, headers=admin_headers)
    assert on.status_code == 200
    response = await http.get("/v1/me/account")
    assert response.json()["error"]["code"] == "MAINTENANCE"


async def test_every_worker_sees_the_same_faults(
    app: FastAPI,
    store: Store,
    clock: Clock,
    settings: ServerSettings,
    admin_headers: dict[str, str],
) -> None:
    # A second app on the same database file stands in for a second worker process.
    other_store = Store.open(store.path)
    other = create_app(other_store, clock, settings)
    try:
        one = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://a")
        two = httpx.AsyncClient(transport=httpx.ASGITransport(app=other), base_url="http://b")
        async with one, two:
            await put_faults(one, admin_headers, error_rate=1.0)
            assert (await two.get("/v1/me/account")).status_code == 503
            await put_faults(two, admin_headers)
            assert (await one.get("/v1/me/account")).status_code == 401
    finally:
        other_store.close()
