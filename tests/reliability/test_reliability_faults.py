"""Faults injected through the admin API of a real server, met by the real API client.

Whatever goes wrong on the way (a slow server, 503s with Retry-After, an answer lost after
the commit), a borrowing retried with its Idempotency-Key ends as exactly one movement,
and what the client raises says what happened and what to do.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
from reliability_support import MEMBER, PIN, needs_script, read_books

from acom_contract.schemas import FaultSettings
from acom_tui.api import errors
from acom_tui.api.client import AdminClient, Client, RetryPolicy, Timeouts
from benchmarks.mock_process import ADMIN_TOKEN, MockServer

pytestmark = needs_script


class Sleeps:
    """The client's backoff sleep, recorded and made short, so tests do not wait for real."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    base = tmp_path_factory.mktemp("faults")
    server = MockServer(db=base / "mock.sqlite3", log=base / "server.log")
    with server:
        yield server


async def member_and_admin(
    server: MockServer, sleeps: Sleeps, timeouts: Timeouts | None = None
) -> AsyncIterator[tuple[Client, AdminClient]]:
    async with AdminClient(server.base_url, ADMIN_TOKEN) as admin:
        await admin.reset()
        client = Client(server.base_url, sleep=sleeps, timeouts=timeouts, retry=RetryPolicy())
        async with client:
            await client.login(MEMBER, PIN)
            try:
                yield client, admin
            finally:
                await admin.set_faults(FaultSettings())


def new_movements(server: MockServer, before: set[str]) -> set[str]:
    return set(read_books(server.db).movements) - before


def test_answers_lost_after_the_commit_book_once(server: MockServer) -> None:
    async def scenario() -> None:
        sleeps = Sleeps()
        async for client, admin in member_and_admin(server, sleeps):
            before = set(read_books(server.db).movements)
            await admin.set_faults(FaultSettings(drop_after_commit=True))
            key = client.new_idempotency_key()
            with pytest.raises(errors.ConnectionFailed) as lost:
                await client.borrow(10_000, idempotency_key=key)
            # Three attempts, every answer lost; the first one committed.
            assert len(sleeps.asked) == 2
            assert "may have been processed: retry with the same key" in lost.value.message
            booked = new_movements(server, before)
            assert len(booked) == 1
            await admin.set_faults(FaultSettings())
            again = await client.borrow(10_000, idempotency_key=key)
            assert {again.id} == booked
            assert again.principal_after == 130_000
            assert new_movements(server, before) == booked

    asyncio.run(scenario())
    # A deliberate drop is one line in the server log, not a stack (regression: uvicorn
    # logged each as "Exception in ASGI application" with the whole traceback).
    log = server.output()
    assert log.count("WARNING:  injected fault: the connection was dropped after the commit") == 3
    assert "Exception in ASGI application" not in log


def test_injected_503s_are_retried_after_retry_after(server: MockServer) -> None:
    async def scenario() -> None:
        sleeps = Sleeps()
        async for client, admin in member_and_admin(server, sleeps):
            before = set(read_books(server.db).movements)
            await admin.set_faults(FaultSettings(error_rate=1.0))
            key = client.new_idempotency_key()
            with pytest.raises(errors.ServiceUnavailable) as failed:
                await client.borrow(5000, idempotency_key=key)
            assert failed.value.code == "INJECTED_FAULT"
            assert failed.value.retry_after == 1.0
            assert sleeps.asked == [1.0, 1.0]  # Retry-After honoured, not the backoff
            assert new_movements(server, before) == set()  # refused before any route ran
            # Half the requests fail: the member's retries (same key) get through once.
            await admin.set_faults(FaultSettings(error_rate=0.5), seed=7)
            answers = []
            for _ in range(6):
                try:
                    answers.append(await client.borrow(5000, idempotency_key=key))
                except errors.ServiceUnavailable:
                    continue
            assert answers, "six tries of three attempts never passed a 50% fault rate"
            assert {a.id for a in answers} == new_movements(server, before)
            assert len(new_movements(server, before)) == 1
            assert set(sleeps.asked) == {1.0}

    asyncio.run(scenario())


def test_a_slow_server_times_out_then_the_retry_finds_the_loan(server: MockServer) -> None:
    async def scenario() -> None:
        sleeps = Sleeps()
        quick = Timeouts(connect=2.0, quick=5.0, money=0.4)
        async for client, admin in member_and_admin(server, sleeps, quick):
            before = set(read_books(server.db).movements)
            await admin.set_faults(FaultSettings(latency_ms=1000))
            key = client.new_idempotency_key()
            with pytest.raises(errors.RequestTimeout) as slow:
                await client.borrow(8000, idempotency_key=key)
            assert "may have been processed: retry with the same key" in slow.value.message
            await admin.set_faults(FaultSettings())
            # The server finishes what it was sent (1 s late), whatever the client did; until
            # its last late attempt is through, the key answers 409.
            for _ in range(20):
                await asyncio.sleep(0.5)
                try:
                    again = await client.borrow(8000, idempotency_key=key)
                    break
                except errors.IdempotencyInProgress:
                    continue
            else:
                pytest.fail("the key stayed in progress")
            assert new_movements(server, before) == {again.id}
            assert again.principal_after == 128_000

    asyncio.run(scenario())


def test_faults_never_reach_the_status_page_or_the_admin_api(server: MockServer) -> None:
    async def scenario() -> None:
        async for client, admin in member_and_admin(server, Sleeps()):
            await admin.set_faults(FaultSettings(error_rate=1.0, latency_ms=2000))
            status = await asyncio.wait_for(client.status(), timeout=1.5)
            assert not status.maintenance_now
            assert (await asyncio.wait_for(admin.faults(), 1.5)).error_rate == 1.0

    asyncio.run(scenario())


def test_the_server_log_holds_no_traceback(server: MockServer) -> None:
    log = server.output()
    assert "Traceback" not in log
    assert "database is locked" not in log
