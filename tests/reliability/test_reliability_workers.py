"""Four uvicorn workers on one SQLite file: storms of one key, races for the last yen.

Every request goes out on a new connection, so the kernel spreads them over the worker
processes; the ``X-Mock-Worker`` header shows that more than one answered. SQLite's lock
is the only thing the workers share: writers must queue on it (busy timeout), never fail
with "database is locked".
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import httpx
import pytest
from reliability_support import MEMBER, PIN, REPAY_BANK, integrity, needs_script, read_books

from benchmarks.mock_process import MockServer

pytestmark = needs_script

WORKERS = 4


def fresh_connections(server: MockServer) -> httpx.AsyncClient:
    # No keep-alive: every request is a new connection, which any worker may accept.
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=0)
    return httpx.AsyncClient(base_url=server.base_url, timeout=60.0, limits=limits)


async def login(http: httpx.AsyncClient, member: str = MEMBER) -> dict[str, str]:
    response = await http.post("/v1/sessions", json={"member_number": member, "pin": PIN})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def no_server_errors(responses: list[httpx.Response], server: MockServer) -> None:
    assert all(r.status_code < 500 for r in responses), [r.text for r in responses]
    log = server.output()
    assert "database is locked" not in log
    assert "Traceback" not in log


async def key_storm(server: MockServer, copies: int) -> set[str]:
    """``copies`` identical borrowings with one key, at once: one loan, every answer agrees."""
    before = read_books(server.db)
    async with fresh_connections(server) as http:
        headers = await login(http) | {"Idempotency-Key": f"storm-{uuid.uuid4()}"}
        responses = await asyncio.gather(
            *(
                http.post("/v1/me/borrowings", json={"amount": 3000}, headers=headers)
                for _ in range(copies)
            )
        )
        no_server_errors(list(responses), server)
        originals = [
            r for r in responses if r.status_code == 201 and "idempotent-replayed" not in r.headers
        ]
        replays = [r for r in responses if r.headers.get("idempotent-replayed") == "true"]
        busy = [r for r in responses if r.status_code == 409]
        assert len(originals) == 1
        assert len(originals) + len(replays) + len(busy) == copies
        assert all(r.content == originals[0].content for r in replays)
        assert {r.json()["error"]["code"] for r in busy} <= {"IDEMPOTENCY_IN_PROGRESS"}
        # Once the storm is over, the key answers with the stored loan, whoever asks.
        again = await http.post("/v1/me/borrowings", json={"amount": 3000}, headers=headers)
        assert again.headers.get("idempotent-replayed") == "true"
        assert again.content == originals[0].content
        other_body = await http.post("/v1/me/borrowings", json={"amount": 4000}, headers=headers)
        assert other_body.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    after = read_books(server.db)
    assert set(after.movements) - set(before.movements) == {originals[0].json()["id"]}
    assert after.principal == before.principal + 3000 == after.from_ledger
    return {r.headers["x-mock-worker"] for r in responses}


async def limit_race(server: MockServer, borrowings: int) -> set[str]:
    """More borrowings than the credit allows, at once: exactly the ones that fit pass."""
    before = read_books(server.db)
    available = before.credit_limit - before.principal
    async with fresh_connections(server) as http:
        headers = await login(http)
        responses = await asyncio.gather(
            *(
                http.post(
                    "/v1/me/borrowings",
                    json={"amount": 7000},
                    headers=headers | {"Idempotency-Key": f"race-{n}-{uuid.uuid4()}"},
                )
                for n in range(borrowings)
            )
        )
    no_server_errors(list(responses), server)
    accepted = [r for r in responses if r.status_code == 201]
    refused = [r for r in responses if r.status_code == 422]
    assert len(accepted) + len(refused) == borrowings
    assert {r.json()["error"]["code"] for r in refused} == {"LIMIT_EXCEEDED"}
    fits = available // 7000
    assert len(accepted) == fits
    assert sorted(r.json()["principal_after"] for r in accepted) == [
        before.principal + 7000 * n for n in range(1, fits + 1)
    ]
    after = read_books(server.db)
    assert after.principal == after.from_ledger == before.principal + 7000 * fits
    assert after.principal <= after.credit_limit
    return {r.headers["x-mock-worker"] for r in responses}


async def mixed_members(server: MockServer, per_member: int) -> None:
    """Borrowings and repayments of several members at once keep every member's books."""
    members = ["10000001", "10000006", "10000009", "10000011"]
    async with fresh_connections(server) as http:
        sessions = await asyncio.gather(*(login(http, m) for m in members))
        calls = []
        for member, headers in zip(members, sessions, strict=True):
            for n in range(per_member):
                key = headers | {"Idempotency-Key": f"mix-{member}-{n}"}
                if n % 3:
                    body: dict[str, object] = {"amount": 2000}
                    calls.append(http.post("/v1/me/borrowings", json=body, headers=key))
                else:
                    body = {"amount": 1500, "bank_code": REPAY_BANK}
                    calls.append(http.post("/v1/me/repayments", json=body, headers=key))
        responses = await asyncio.gather(*calls)
    no_server_errors(list(responses), server)
    assert {r.status_code for r in responses} <= {201, 422}
    for member in members:
        books = read_books(server.db, member)
        assert books.principal == books.from_ledger
        assert 0 <= books.principal <= books.credit_limit


async def reset(server: MockServer) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60.0) as http:
        response = await http.post("/v1/admin/reset", headers=server.admin_headers)
        assert response.status_code == 204


def test_four_workers_give_exactly_once_results(mock_server: Callable[..., MockServer]) -> None:
    with mock_server(workers=WORKERS, worker_header=True) as server:
        answered = asyncio.run(key_storm(server, copies=40))
        answered |= asyncio.run(limit_race(server, borrowings=70))
        asyncio.run(mixed_members(server, per_member=12))
        assert len(answered) >= 2, "the requests did not spread over the workers"
    assert integrity(server.db) == "ok"


@pytest.mark.reliability_long
def test_four_workers_many_rounds(mock_server: Callable[..., MockServer]) -> None:
    with mock_server(workers=WORKERS, worker_header=True) as server:
        answered: set[str] = set()
        for _ in range(8):
            answered |= asyncio.run(key_storm(server, copies=150))
            answered |= asyncio.run(limit_race(server, borrowings=150))
            asyncio.run(mixed_members(server, per_member=40))
            asyncio.run(reset(server))
        assert len(answered) == WORKERS
    assert integrity(server.db) == "ok"
