"""Concurrent money movements: never twice, never over the limit (SPEC 2.8)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import httpx
import pytest

from mock_server.settings import ServerSettings
from mock_server.store import Store
from tests.conftest import ADMIN_TOKEN, TEST_SCRYPT

PIN = "4829"


@pytest.fixture
def settings(tmp_path: Path) -> ServerSettings:
    # Many borrowings within minutes would trip FREQUENT_BORROWING; here the limit is the point.
    return ServerSettings(
        admin_token=ADMIN_TOKEN,
        scrypt=TEST_SCRYPT,
        data_dir=tmp_path / "files",
        frequent_borrowing_count=100_000,
    )


async def login(http: httpx.AsyncClient, number: str) -> dict[str, str]:
    response = await http.post("/v1/sessions", json={"member_number": number, "pin": PIN})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def movements(store: Store, number: str) -> tuple[int, int, int]:
    """(ledger rows, principal from the ledger, principal stored)."""
    with store.read() as conn:
        row = conn.execute(
            "SELECT COUNT(*) AS n, SUM(CASE kind WHEN 'loan' THEN amount "
            "ELSE -principal END) AS p FROM ledger WHERE member_number = ? AND kind <> 'card'",
            (number,),
        ).fetchone()
        stored = conn.execute(
            "SELECT principal FROM loans WHERE member_number = ?", (number,)
        ).fetchone()["principal"]
    return int(row["n"]), int(row["p"]), int(stored)


async def test_fifty_retries_of_one_borrowing_book_it_once(
    http: httpx.AsyncClient, store: Store
) -> None:
    headers = await login(http, "10000001") | {"Idempotency-Key": "one-borrowing"}
    rows_before, _, _ = movements(store, "10000001")
    responses = await asyncio.gather(
        *[
            http.post("/v1/me/borrowings", json={"amount": 10_000}, headers=headers)
            for _ in range(50)
        ]
    )
    originals = [
        r for r in responses if r.status_code == 201 and "idempotent-replayed" not in r.headers
    ]
    replays = [r for r in responses if r.headers.get("idempotent-replayed") == "true"]
    busy = [r for r in responses if r.status_code == 409]
    assert len(originals) == 1
    assert len(originals) + len(replays) + len(busy) == 50
    for replay in replays:
        assert replay.status_code == 201
        assert replay.content == originals[0].content
    for answer in busy:
        assert answer.json()["error"]["code"] == "IDEMPOTENCY_IN_PROGRESS"
    rows, from_ledger, stored = movements(store, "10000001")
    assert rows == rows_before + 1
    assert from_ledger == stored == 130_000


async def test_two_hundred_borrowings_never_pass_the_limit(
    http: httpx.AsyncClient, store: Store
) -> None:
    headers = await login(http, "10000001")  # limit 500,000, principal 120,000
    responses = await asyncio.gather(
        *[
            http.post(
                "/v1/me/borrowings",
                json={"amount": 7000},
                headers=headers | {"Idempotency-Key": uuid.uuid4().hex},
            )
            for _ in range(200)
        ]
    )
    accepted = [r for r in responses if r.status_code == 201]
    refused = [r for r in responses if r.status_code == 422]
    assert len(accepted) + len(refused) == 200
    assert {r.json()["error"]["code"] for r in refused} == {"LIMIT_EXCEEDED"}
    # 380,000 available / 7,000 = 54 borrowings, then 2,000 is left: too little for one more.
    assert len(accepted) == 54
    assert sorted(r.json()["principal_after"] for r in accepted) == [
        120_000 + 7000 * n for n in range(1, 55)
    ]
    _, from_ledger, stored = movements(store, "10000001")
    assert from_ledger == stored == 498_000


async def test_concurrent_borrowings_and_repayments_keep_the_invariant(
    http: httpx.AsyncClient, store: Store
) -> None:
    headers = await login(http, "10000009")
    calls = []
    for n in range(60):
        key = {"Idempotency-Key": f"k{n}"}
        if n % 3:
            calls.append(
                http.post("/v1/me/borrowings", json={"amount": 3000}, headers=headers | key)
            )
        else:
            calls.append(
                http.post(
                    "/v1/me/repayments",
                    json={"amount": 2500, "bank_code": "0036"},
                    headers=headers | key,
                )
            )
    responses = await asyncio.gather(*calls)
    assert {r.status_code for r in responses} <= {201, 422}
    _, from_ledger, stored = movements(store, "10000009")
    assert from_ledger == stored
    # 総量規制 caps this member at 1,000,000 - 700,000 elsewhere = 300,000 here.
    assert stored <= 300_000
