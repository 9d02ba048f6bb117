"""A bounded asyncio + httpx load generator, for loopback servers only.

Each virtual client is one task with its own ``httpx.AsyncClient`` (one keep-alive
connection, as a real client has), an optional ``setup`` (a login) and then requests until
the shared budget of requests is spent or the time limit is reached, whichever comes
first. Every request has a timeout; nothing runs unbounded.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx

from benchmarks.common import percentile

Setup = Callable[[httpx.AsyncClient, int], Awaitable[Any]]
Request = Callable[[httpx.AsyncClient, Any, int], Awaitable[httpx.Response]]
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)  # every answered request
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)  # transport errors by class
    elapsed: float = 0.0

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + sum(self.errors.values())

    @property
    def rps(self) -> float:
        return self.requests / self.elapsed if self.elapsed else 0.0

    def p(self, fraction: float) -> float:
        return percentile(self.latencies, fraction)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def failures(self, accepted: Callable[[int], bool]) -> int:
        """Requests with no answer, or with a status ``accepted`` does not allow."""
        refused = sum(n for status, n in self.statuses.items() if not accepted(status))
        return refused + sum(self.errors.values())


def check_loopback(base_url: str) -> None:
    host = urlsplit(base_url).hostname
    if host not in LOOPBACK:
        raise ValueError(f"load is only ever sent to this machine, not to {host!r}")


async def _no_setup(http: httpx.AsyncClient, index: int) -> None:
    return None


async def drive(
    base_url: str,
    request: Request,
    *,
    total: int,
    concurrency: int,
    setup: Setup = _no_setup,
    request_timeout: float = 10.0,
    max_seconds: float = 600.0,
) -> LoadResult:
    """Send at most ``total`` requests from ``concurrency`` clients, for at most
    ``max_seconds`` after the setups."""
    check_loopback(base_url)
    result = LoadResult()
    budget = iter(range(total))
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [
        httpx.AsyncClient(base_url=base_url, timeout=request_timeout, limits=limits)
        for _ in range(concurrency)
    ]
    try:
        states = await asyncio.gather(*(setup(http, n) for n, http in enumerate(clients)))
        deadline = time.perf_counter() + max_seconds

        async def worker(http: httpx.AsyncClient, state: Any) -> None:
            for number in budget:
                if time.perf_counter() > deadline:
                    return
                started = time.perf_counter()
                try:
                    response = await request(http, state, number)
                except httpx.TransportError as exc:
                    result.errors[type(exc).__name__] += 1
                    continue
                result.latencies.append(time.perf_counter() - started)
                result.statuses[response.status_code] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(http, s) for http, s in zip(clients, states, strict=True)))
        result.elapsed = time.perf_counter() - started
    finally:
        await asyncio.gather(*(http.aclose() for http in clients))
    return result
