"""Guessing a staff password against a real ``acom-mock-server`` process (issue 12, point 1).

Concurrent guesses over real TCP, the lockout seen from a second client address, the admin
unlock, and what the server's database recorded.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from benchmarks.mock_process import SCRIPT, MockServer

pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed")

RIGHT = "staff-demo-pass"
GUESSES = 30


async def guesses(base_url: str, count: int) -> list[httpx.Response]:
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as client:
        return await asyncio.gather(
            *(
                client.post("/v1/staff/sessions", json={"staff_id": "S0001", "password": f"g{n}"})
                for n in range(count)
            )
        )


def from_address(base_url: str, address: str) -> httpx.Client:
    """A client whose TCP peer address is ``address`` (any 127.x is this machine)."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=base_url, transport=transport, timeout=10.0)


def audit_actions(db: Path) -> Counter[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT actor, action FROM audit").fetchall()
    return Counter(f"{actor}:{action}" for actor, action in rows)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[MockServer]:
    made = MockServer(db=tmp_path / "mock.sqlite3", log=tmp_path / "server.log")
    try:
        yield made
    finally:
        made.kill()


def test_thirty_concurrent_guesses_evaluate_five_then_lock_and_throttle(
    server: MockServer,
) -> None:
    with server:
        answers = asyncio.run(guesses(server.base_url, GUESSES))
        codes = Counter(a.json()["error"]["code"] for a in answers)
        # 4 wrong answers, the 5th locks; the per-address limit (20 failures an hour)
        # then stops this address altogether.
        assert codes == {"INVALID_CREDENTIALS": 4, "STAFF_LOCKED": 16, "RATE_LIMITED": 10}
        assert all(a.headers.get("retry-after") for a in answers if a.status_code == 429)

        with from_address(server.base_url, "127.0.0.1") as same:
            assert (
                same.post(
                    "/v1/staff/sessions", json={"staff_id": "S0001", "password": RIGHT}
                ).status_code
                == 429
            )
        with from_address(server.base_url, "127.0.0.2") as colleague:
            locked = colleague.post(
                "/v1/staff/sessions", json={"staff_id": "S0001", "password": RIGHT}
            )
            assert locked.status_code == 423
            assert locked.json()["error"]["code"] == "STAFF_LOCKED"
            unlock = colleague.post("/v1/admin/staff/S0001/unlock", headers=server.admin_headers)
            assert unlock.status_code == 204
            after = colleague.post(
                "/v1/staff/sessions", json={"staff_id": "S0001", "password": RIGHT}
            )
            assert after.status_code == 201

    actions = audit_actions(server.db)
    # Exactly five passwords were checked; none of the refusals was recorded as S0001.
    assert actions["anonymous:login_failed"] == 5
    assert actions["anonymous:login_refused_locked"] == 16
    assert actions["admin:staff_unlock"] == 1
    assert actions["S0001:login"] == 1
    assert sum(n for key, n in actions.items() if key.startswith("S0001:")) == 1
