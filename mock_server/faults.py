"""Fault injection (admin API): latency, injected 503s, and responses lost after the commit.

The settings live in the ``meta`` table, so every worker process of one server applies the
same ones. What each process keeps for itself is only the random generator that decides
which requests fail; it is re-seeded whenever the settings are written.

The status page, the admin API and the API description are never faulted: whatever is
injected, a tester can always see the server and switch the faults off again.
"""

from __future__ import annotations

import functools
import json
import random
import secrets
import sqlite3
from dataclasses import dataclass

import httpx
from pydantic import Field, StrictInt
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from acom_contract.schemas import FaultSettings
from mock_server.errors import ApiError
from mock_server.store import Store, meta

FAULTS_KEY = "faults"


class FaultRequest(FaultSettings):
    """The body of ``PUT /v1/admin/faults``: the settings, and a seed for repeatable runs."""

    seed: StrictInt | None = Field(
        default=None,
        description="Seed of the generator that picks the failing requests; the same seed "
        "fails the same requests (per worker process). Not echoed in responses.",
    )


@dataclass(frozen=True)
class ActiveFaults:
    latency_ms: int
    error_rate: float
    drop_after_commit: bool
    seed: int | None
    # A new value on every write: a process seeing it re-seeds, even for equal settings.
    nonce: str

    def settings(self) -> FaultSettings:
        return FaultSettings(
            latency_ms=self.latency_ms,
            error_rate=self.error_rate,
            drop_after_commit=self.drop_after_commit,
        )


class DroppedResponse(httpx.RemoteProtocolError):
    """Raised after the route committed, in place of its response.

    Over a socket the server closes the connection before the body and the client's httpx
    raises its own ``RemoteProtocolError``. In process (``httpx.ASGITransport``, the demo
    mode) this exception reaches the client instead, so both look like the same
    transport error.
    """

    def __init__(self) -> None:
        super().__init__("injected fault: the connection was dropped after the commit")


def load(conn: sqlite3.Connection) -> ActiveFaults | None:
    raw = meta.get(conn, FAULTS_KEY)
    return None if raw is None else _parsed(raw)


@functools.lru_cache(maxsize=16)
def _parsed(raw: str) -> ActiveFaults:
    # Each write carries a new nonce, so equal text always means the same settings.
    data = json.loads(raw)
    return ActiveFaults(
        latency_ms=int(data["latency_ms"]),
        error_rate=float(data["error_rate"]),
        drop_after_commit=bool(data["drop_after_commit"]),
        seed=data["seed"],
        nonce=str(data["nonce"]),
    )


def save(conn: sqlite3.Connection, request: FaultRequest) -> None:
    """Replace every setting (fields left out take their defaults: no fault)."""
    if request.latency_ms == 0 and request.error_rate == 0 and not request.drop_after_commit:
        clear(conn)
        return
    value = {
        "latency_ms": request.latency_ms,
        "error_rate": request.error_rate,
        "drop_after_commit": request.drop_after_commit,
        "seed": request.seed,
        "nonce": secrets.token_hex(8),
    }
    meta.put(conn, FAULTS_KEY, json.dumps(value, sort_keys=True))


def clear(conn: sqlite3.Connection) -> None:
    meta.put(conn, FAULTS_KEY, None)


def injected_error() -> ApiError:
    return ApiError(
        503,
        "INJECTED_FAULT",
        "The server failed on purpose (fault injection); try again.",
        {"fault": "error_rate"},
        headers={"Retry-After": "1"},
    )


class FaultInjector:
    """One per app instance (so one per worker process): reads the shared settings."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._nonce: str | None = None
        self._rng = random.Random()

    def current(self) -> ActiveFaults | None:
        # Asked by the front door on every request: one SELECT, no transaction around it.
        faults = load(self.store.connection())
        if faults is not None and faults.nonce != self._nonce:
            self._nonce = faults.nonce
            self._rng = random.Random(faults.seed)
        return faults

    def should_fail(self, faults: ActiveFaults) -> bool:
        return faults.error_rate > 0 and self._rng.random() < faults.error_rate


async def run_then_drop(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run the route to the end (it commits), then lose its response on the way out.

    Only the response start goes out: a server has to have started a response before it
    may close the connection instead of answering 500. The body never follows.
    """
    start: Message | None = None

    async def hold(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message

    await app(scope, receive, hold)
    if start is not None:
        await send(start)
    raise DroppedResponse()
