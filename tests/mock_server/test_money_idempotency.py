"""Idempotency-Key behaviour of the money movements (SPEC 2.8)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from acom_contract.schemas import BorrowRequest
from mock_server import idempotent
from mock_server.clock import Clock
from mock_server.store import Store, idempotency

PIN = "4829"


async def login(http: httpx.AsyncClient, number: str) -> dict[str, str]:
    response = await http.post("/v1/sessions", json={"member_number": number, "pin": PIN})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def post(
    http: httpx.AsyncClient, path: str, headers: dict[str, str], key: str, body: dict
) -> httpx.Response:
    return await http.post(path, json=body, headers=headers | {"Idempotency-Key": key})


def ledger_count(store: Store, number: str) -> int:
    with store.read() as conn:
        row = conn.execute(
            "SELECT COUNT(*) AS n FROM ledger WHERE member_number = ? AND kind <> 'card'",
            (number,),
        ).fetchone()
    return int(row["n"])


async def test_same_key_same_body_replays_the_stored_answer(
    http: httpx.AsyncClient, store: Store
) -> None:
    headers = await login(http, "10000001")
    before = ledger_count(store, "10000001")
    first = await post(http, "/v1/me/borrowings", headers, "key-1", {"amount": 10_000})
    assert first.status_code == 201
    assert "idempotent-replayed" not in first.headers
    headers = await login(http, "10000001")  # another session of the same member
    second = await post(http, "/v1/me/borrowings", headers, "key-1", {"amount": 10_000})
    assert second.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert second.content == first.content
    assert ledger_count(store, "10000001") == before + 1
    account = (await http.get("/v1/me/account", headers=headers)).json()
    assert account["principal"] == 130_000


async def test_same_key_different_request_is_refused(http: httpx.AsyncClient) -> None:
    headers = await login(http, "10000001")
    await post(http, "/v1/me/borrowings", headers, "key-1", {"amount": 10_000})
    other_amount = await post(http, "/v1/me/borrowings", headers, "key-1", {"amount": 20_000})
    assert other_amount.status_code == 422
    assert other_amount.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    other_endpoint = await post(
        http, "/v1/me/repayments", headers, "key-1", {"amount": 10_000, "bank_code": "0036"}
    )
    assert other_endpoint.status_code == 422
    assert other_endpoint.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


async def test_a_refusal_is_stored_and_replayed_too(http: httpx.AsyncClient) -> None:
    headers = await login(http, "10000008")
    refused = await post(http, "/v1/me/borrowings", headers, "borrow", {"amount": 10_000})
    assert refused.json()["error"]["code"] == "OVERDUE"
    paid = await post(
        http, "/v1/me/repayments", headers, "pay", {"amount": 9000, "bank_code": "0036"}
    )
    assert paid.status_code == 201
    # The same key still means the attempt that was refused...
    replay = await post(http, "/v1/me/borrowings", headers, "borrow", {"amount": 10_000})
    assert replay.status_code == 422
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.content == refused.content
    # ...and a new attempt takes a new key.
    fresh = await post(http, "/v1/me/borrowings", headers, "borrow-2", {"amount": 10_000})
    assert fresh.status_code == 201


async def test_keys_are_scoped_per_member(http: httpx.AsyncClient) -> None:
    one = await post(
        http, "/v1/me/borrowings", await login(http, "10000001"), "shared", {"amount": 1000}
    )
    two = await post(
        http, "/v1/me/borrowings", await login(http, "10000002"), "shared", {"amount": 1000}
    )
    assert (one.status_code, two.status_code) == (201, 201)
    assert "idempotent-replayed" not in two.headers
    assert one.json()["id"] != two.json()["id"]


async def test_keys_are_kept_24_hours(http: httpx.AsyncClient, clock: Clock, store: Store) -> None:
    body = {"amount": 1000}
    first = await post(http, "/v1/me/borrowings", await login(http, "10000001"), "day", body)
    clock.advance(timedelta(hours=23, minutes=59))
    replay = await post(http, "/v1/me/borrowings", await login(http, "10000001"), "day", body)
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.content == first.content
    clock.advance(timedelta(minutes=1))  # 24 hours: forgotten
    again = await post(http, "/v1/me/borrowings", await login(http, "10000001"), "day", body)
    assert again.status_code == 201
    assert "idempotent-replayed" not in again.headers
    assert again.json()["id"] != first.json()["id"]
    assert again.json()["principal_after"] == 122_000


async def test_in_flight_key_answers_409_until_the_claim_expires(
    http: httpx.AsyncClient, clock: Clock, store: Store
) -> None:
    headers = await login(http, "10000001")
    # A request that claimed the key and then died (the process crashed mid-movement).
    fingerprint = idempotent.fingerprint("POST", "/v1/me/borrowings", BorrowRequest(amount=10_000))
    with store.write() as conn:
        idempotency.claim(conn, "10000001", "crashed", fingerprint, "dead-nonce", clock.now())
    busy = await post(http, "/v1/me/borrowings", headers, "crashed", {"amount": 10_000})
    assert busy.status_code == 409
    assert busy.json()["error"]["code"] == "IDEMPOTENCY_IN_PROGRESS"
    assert busy.headers["retry-after"] == "1"
    clock.advance(timedelta(seconds=59))
    still = await post(http, "/v1/me/borrowings", headers, "crashed", {"amount": 10_000})
    assert still.status_code == 409
    clock.advance(timedelta(seconds=1))  # 60 s: the claim is abandoned, a retry takes it
    done = await post(http, "/v1/me/borrowings", headers, "crashed", {"amount": 10_000})
    assert done.status_code == 201
    assert done.json()["principal_after"] == 130_000


@pytest.fixture
async def lenient_http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client that receives the 500 answer instead of the re-raised server exception."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_a_failed_movement_books_nothing_and_frees_the_key(
    lenient_http: httpx.AsyncClient, store: Store
) -> None:
    http = lenient_http
    headers = await login(http, "10000001")
    before = ledger_count(store, "10000001")
    with store.write() as conn:  # the disk refuses the ledger row
        conn.execute(
            "CREATE TRIGGER broken BEFORE INSERT ON ledger BEGIN SELECT RAISE(ABORT, 'disk'); END"
        )
    failed = await post(http, "/v1/me/borrowings", headers, "retry-me", {"amount": 10_000})
    assert failed.status_code == 500
    assert ledger_count(store, "10000001") == before
    with store.read() as conn:
        assert idempotency.get(conn, "10000001", "retry-me") is None
        principal = conn.execute(
            "SELECT principal FROM loans WHERE member_number = '10000001'"
        ).fetchone()["principal"]
    assert principal == 120_000
    with store.write() as conn:
        conn.execute("DROP TRIGGER broken")
    retried = await post(http, "/v1/me/borrowings", headers, "retry-me", {"amount": 10_000})
    assert retried.status_code == 201
    assert retried.json()["principal_after"] == 130_000
    assert ledger_count(store, "10000001") == before + 1
