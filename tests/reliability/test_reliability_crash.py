"""Crash safety: ``kill -9`` the real server during money movements, restart, retry.

Borrowings and repayments run from several concurrent tasks through the real API client,
each with an Idempotency-Key of its own. The server is killed at random moments and
restarted on the same database. Every request left without an answer is retried with its
key at the end. Then every acknowledged movement must be in the ledger exactly once,
nothing else may have been booked, SPEC 2.8's invariant must hold and SQLite must find
its file intact.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import pytest
from reliability_support import (
    MEMBER,
    PIN,
    REPAY_BANK,
    integrity,
    needs_script,
    open_claims,
    read_books,
)

from acom_tui.api import errors
from acom_tui.api.client import AdminClient, Client, RetryPolicy, Timeouts
from benchmarks.mock_process import ADMIN_TOKEN, MockServer
from mock_server.idempotent import CLAIM_TIMEOUT

pytestmark = needs_script

TASKS = 4
# Fail fast while the server is down: the request joins the ones retried at the end.
RETRY = RetryPolicy(max_attempts=2, backoff_initial=0.05, backoff_max=0.2)
TIMEOUTS = Timeouts(connect=2.0, quick=10.0, money=10.0)


@dataclass(frozen=True)
class Movement:
    key: str
    kind: Literal["borrow", "repay"]
    amount: int


@dataclass
class Ledger:
    """What the client was told."""

    acknowledged: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> (id, yen)
    refused: dict[str, str] = field(default_factory=dict)  # key -> error code
    unanswered: list[Movement] = field(default_factory=list)
    sent: int = 0


def next_movement(rng: random.Random, number: int) -> Movement:
    key = f"crash-{number}-{rng.getrandbits(48):012x}"
    # Borrowings slightly outweigh repayments: the balance drifts up, rarely to the limit.
    if rng.random() < 0.5:
        return Movement(key, "borrow", rng.randint(1, 8) * 1000)
    return Movement(key, "repay", rng.randint(500, 8000))


async def send(client: Client, movement: Movement, ledger: Ledger) -> bool:
    """One try; True when the server answered for good (a movement or a refusal)."""
    try:
        if movement.kind == "borrow":
            booked = await client.borrow(movement.amount, idempotency_key=movement.key)
            ledger.acknowledged[movement.key] = (booked.id, booked.amount)
        else:
            paid = await client.repay(movement.amount, REPAY_BANK, idempotency_key=movement.key)
            ledger.acknowledged[movement.key] = (paid.id, paid.amount)
    except errors.Refused as refusal:  # over the limit, more than the payoff
        ledger.refused[movement.key] = refusal.code
    except (errors.TransportError, errors.IdempotencyInProgress):
        return False  # killed under it, or the claim of a killed process: retry later
    return True


async def drive(
    client: Client, rng: random.Random, stop: asyncio.Event, ledger: Ledger, task: int
) -> None:
    number = 0
    while not stop.is_set():
        number += 1
        ledger.sent += 1
        movement = next_movement(rng, task * 1_000_000 + number)
        if not await send(client, movement, ledger):
            ledger.unanswered.append(movement)
            await asyncio.sleep(0.1)


async def kill_repeatedly(
    server: MockServer, rng: random.Random, kills: int, stop: asyncio.Event
) -> None:
    try:
        for _ in range(kills):
            await asyncio.sleep(rng.uniform(0.2, 1.0))
            server.kill()
            await asyncio.sleep(rng.uniform(0.0, 0.3))
            await asyncio.to_thread(server.start)
    finally:
        stop.set()


async def campaign(server: MockServer, kills: int, seed: int) -> Ledger:
    rng = random.Random(seed)
    ledger = Ledger()
    stop = asyncio.Event()
    async with Client(server.base_url, retry=RETRY, timeouts=TIMEOUTS) as client:
        await client.login(MEMBER, PIN)  # the session is in the database: it survives kills
        await asyncio.gather(
            kill_repeatedly(server, rng, kills, stop),
            *(
                drive(client, random.Random(rng.random()), stop, ledger, task)
                for task in range(TASKS)
            ),
        )
        # A claim left by a killed process is taken over once CLAIM_TIMEOUT has passed on
        # the server clock (frozen here): move it on instead of waiting.
        async with AdminClient(server.base_url, ADMIN_TOKEN) as admin:
            await admin.advance_clock(CLAIM_TIMEOUT + CLAIM_TIMEOUT)
        for movement in ledger.unanswered:
            for _ in range(5):
                if await send(client, movement, ledger):
                    break
            else:
                pytest.fail(f"{movement} never got an answer")
    return ledger


def check_books(server: MockServer, ledger: Ledger, before: dict[str, int]) -> None:
    books = read_books(server.db)
    ids = [movement_id for movement_id, _ in ledger.acknowledged.values()]
    assert len(set(ids)) == len(ids), "two keys were answered with one movement"
    booked = {k: v for k, v in books.movements.items() if k not in before}
    # Every acknowledged movement exactly once, and nothing booked that nobody was told of.
    assert set(booked) == set(ids)
    for movement_id, amount in ledger.acknowledged.values():
        assert booked[movement_id] == amount
    assert books.principal == books.from_ledger
    assert 0 <= books.principal <= books.credit_limit
    assert integrity(server.db) == "ok"
    assert open_claims(server.db) == 0
    assert len(ledger.acknowledged) + len(ledger.refused) == ledger.sent
    assert "database is locked" not in server.output()


def run_campaign(server: MockServer, kills: int, seed: int) -> Ledger:
    server.start(reset=True)
    before = read_books(server.db).movements
    ledger = asyncio.run(campaign(server, kills, seed))
    assert server.stop() in (0, -15)
    check_books(server, ledger, before)
    assert server.starts == kills + 1
    return ledger


def test_kill_nine_during_movements_loses_and_doubles_nothing(
    mock_server: Callable[..., MockServer],
) -> None:
    ledger = run_campaign(mock_server(), kills=3, seed=20261202)
    # The campaign really moved money and really lost answers.
    assert len(ledger.acknowledged) >= 20
    assert ledger.unanswered


@pytest.mark.reliability_long
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_nine_many_times(mock_server: Callable[..., MockServer], seed: int) -> None:
    ledger = run_campaign(mock_server(), kills=25, seed=seed)
    assert len(ledger.acknowledged) >= 200
