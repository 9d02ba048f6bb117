"""Role separation, over every route of the app: member tokens never reach staff endpoints,
staff tokens never reach member endpoints (SPEC 2.17)."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from mock_server.app import create_app
from mock_server.auth import current_member, current_staff
from mock_server.clock import Clock
from mock_server.settings import ServerSettings
from mock_server.store import Store
from tests.conftest import ADMIN_TOKEN, FIXED_NOW, TEST_SCRYPT

PIN = "4829"


def depends_on(dependant: Dependant, call: Callable[..., Any]) -> bool:
    return any(d.call is call or depends_on(d, call) for d in dependant.dependencies)


@dataclass(frozen=True)
class Endpoint:
    path: str
    methods: frozenset[str]
    dependant: Dependant


def app_endpoints() -> list[Endpoint]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "routes.sqlite3")
        try:
            settings = ServerSettings(admin_token=ADMIN_TOKEN, scrypt=TEST_SCRYPT)
            app = create_app(store, Clock(FIXED_NOW, frozen=True), settings)
        finally:
            store.close()
    # FastAPI keeps included routers nested; this walks them to the routes as mounted.
    return [
        Endpoint(str(ctx.path), frozenset(ctx.methods or ()), ctx.original_route.dependant)
        for ctx in iter_route_contexts(app.routes)
        if isinstance(ctx.original_route, APIRoute)
    ]


ROUTES = app_endpoints()


def _cases(guard: Callable[..., Any]) -> list[Any]:
    cases = []
    for route in ROUTES:
        if not depends_on(route.dependant, guard):
            continue
        for method in sorted(route.methods - {"HEAD"}):
            cases.append(pytest.param(method, route.path, id=f"{method} {route.path}"))
    return cases


STAFF_ROUTES = _cases(current_staff)
MEMBER_ROUTES = _cases(current_member)


def _concrete(path: str) -> str:
    path = path.replace("{member_number}", "10000001")
    return re.sub(r"\{[^}]+\}", "1", path)


async def _call(
    http: httpx.AsyncClient, method: str, path: str, headers: dict[str, str]
) -> httpx.Response:
    # A well-formed idempotency key, so no route can answer 400 before it checks the role.
    headers = {**headers, "Idempotency-Key": "role-check-1"}
    body = {} if method in ("POST", "PUT", "PATCH") else None
    return await http.request(method, _concrete(path), json=body, headers=headers)


@pytest.fixture
async def member(http: httpx.AsyncClient) -> dict[str, str]:
    response = await http.post("/v1/sessions", json={"member_number": "10000001", "pin": PIN})
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
async def staff(http: httpx.AsyncClient) -> dict[str, str]:
    response = await http.post(
        "/v1/staff/sessions", json={"staff_id": "S0001", "password": "staff-demo-pass"}
    )
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_the_route_lists_are_not_empty() -> None:
    # Guards the parametrisation itself: an empty list would pass every test below.
    staff_paths = {p.values[1] for p in STAFF_ROUTES}
    assert "/v1/staff/members/{member_number}/unlock" in staff_paths
    assert "/v1/staff/audit" in staff_paths
    assert "/v1/me/account" in {p.values[1] for p in MEMBER_ROUTES}


# Logging in, and abandoning a login whose answer was lost, come before any token.
UNGUARDED_STAFF_PATHS = {"/v1/staff/sessions", "/v1/staff/sessions/attempt"}


def test_every_staff_and_member_path_is_guarded() -> None:
    for route in ROUTES:
        if route.path.startswith("/v1/staff/") and route.path not in UNGUARDED_STAFF_PATHS:
            assert depends_on(route.dependant, current_staff), route.path
        if route.path.startswith("/v1/me/"):
            assert depends_on(route.dependant, current_member), route.path


@pytest.mark.parametrize(("method", "path"), STAFF_ROUTES)
async def test_member_token_is_refused_by_staff_endpoints(
    http: httpx.AsyncClient, member: dict[str, str], method: str, path: str
) -> None:
    response = await _call(http, method, path, member)
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(("method", "path"), MEMBER_ROUTES)
async def test_staff_token_is_refused_by_member_endpoints(
    http: httpx.AsyncClient, staff: dict[str, str], method: str, path: str
) -> None:
    response = await _call(http, method, path, staff)
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(("method", "path"), STAFF_ROUTES)
async def test_staff_endpoints_need_a_token(
    http: httpx.AsyncClient, method: str, path: str
) -> None:
    response = await _call(http, method, path, {})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHENTICATED"


async def test_refused_member_token_writes_no_audit_row(
    http: httpx.AsyncClient, member: dict[str, str], store: Store
) -> None:
    await http.post(
        "/v1/staff/members/10000003/unlock",
        json={"reason": "r", "identity_document": "passport"},
        headers=member,
    )
    with store.read() as conn:
        rows = conn.execute("SELECT action FROM audit WHERE member_number = '10000003'").fetchall()
    assert rows == []
