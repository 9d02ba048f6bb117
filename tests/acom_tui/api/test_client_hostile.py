"""The client against hostile servers and proxies, over real loopback sockets (issue 12, 3 and 9).

Every server here is a few lines of asyncio on 127.0.0.1 that trickles, floods or sends odd
headers, or the real ``acom-mock-server`` process; nothing inside httpx is replaced. Each
test bounds its own run time, so a client that can be held fails instead of hanging.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import time
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_bodies import BORROWING_BODY, STATUS_BODY

from acom_tui.api import errors
from acom_tui.api.client import (
    MAX_RESPONSE_BYTES,
    NO_RETRY,
    Client,
    Deadlines,
    RetryPolicy,
    Timeouts,
)
from benchmarks.mock_process import SCRIPT, MockServer

PIN = "4829"
MEMBER = "10000001"
# Every test ends well within this, or the client was held.
BOUND_S = 20.0


@dataclass
class Seen:
    """What reached a test server: each request's head and body, and the bytes it sent."""

    requests: list[bytes] = field(default_factory=list)
    sent: int = 0

    def keys(self) -> list[str]:
        found = []
        for raw in self.requests:
            for line in raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"idempotency-key":
                    found.append(value.strip().decode())
        return found


Reader = asyncio.StreamReader
Writer = asyncio.StreamWriter
Handler = Callable[[Reader, Writer, Seen], Awaitable[None]]


async def read_request(reader: Reader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return head + (await reader.readexactly(length) if length else b"")


def answer(status: str, body: bytes = b"", *headers: str, length: bool = True) -> bytes:
    lines = [f"HTTP/1.1 {status}", "Connection: close", *headers]
    if length:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def json_answer(status: str, body: Any, *headers: str) -> bytes:
    data = json.dumps(body).encode()
    return answer(status, data, "Content-Type: application/json", *headers)


@asynccontextmanager
async def serve(handler: Handler) -> AsyncIterator[tuple[str, Seen]]:
    """A loopback server running ``handler`` per connection; its tasks end with the block."""
    seen = Seen()
    tasks: set[asyncio.Task[Any]] = set()

    async def on_connect(reader: Reader, writer: Writer) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        try:
            await handler(reader, writer, seen)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            # The client hung up (what these servers are about), or the test is over; a
            # cancelled callback task would only be logged as an error by asyncio.
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        server.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()


class Sleeps:
    """The client's pauses, recorded instead of slept (the server sockets stay real)."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@asynccontextmanager
async def bounded(seconds: float = BOUND_S) -> AsyncIterator[None]:
    async with asyncio.timeout(seconds):
        yield


# --- a PIN never goes to a proxy in clear ---------------------------------------------------


@pytest.fixture
def real_server(tmp_path: Path) -> Iterator[MockServer]:
    if not SCRIPT.exists():
        pytest.skip("console script not installed")
    with MockServer(db=tmp_path / "mock.sqlite3", log=tmp_path / "mock.log") as server:
        yield server


async def proxy_handler(reader: Reader, writer: Writer, seen: Seen) -> None:
    seen.requests.append(await read_request(reader))
    writer.write(answer("502 Bad Gateway"))


def use_proxy(monkeypatch: pytest.MonkeyPatch, proxy_url: str) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, proxy_url)
        monkeypatch.setenv(name.lower(), proxy_url)
    for name in ("NO_PROXY", "no_proxy", "REQUEST_METHOD"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_a_plain_http_login_never_goes_through_an_environment_proxy(
    real_server: MockServer, monkeypatch: pytest.MonkeyPatch, host: str
) -> None:
    url = f"http://{host}:{real_server.port}"
    async with bounded(), serve(proxy_handler) as (proxy_url, proxy):
        use_proxy(monkeypatch, proxy_url)
        # The proxy is live and the environment names it: a client trusting it goes there.
        async with httpx.AsyncClient() as trusting:
            control = await trusting.get(f"{url}/v1/status")
        assert control.status_code == 502
        assert len(proxy.requests) == 1
        assert proxy.requests[0].startswith(f"GET {url}/v1/status ".encode())

        async with Client(url) as client:
            result = await client.login(MEMBER, PIN)
            account = await client.account()
        assert result.token
        assert account.credit_limit == 500_000
        assert len(proxy.requests) == 1, "the login went through the proxy"


async def test_https_may_use_the_proxy_which_sees_only_a_tunnel_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with bounded(), serve(proxy_handler) as (proxy_url, proxy):
        use_proxy(monkeypatch, proxy_url)
        async with Client("https://member.example.test", retry=NO_RETRY) as client:
            with pytest.raises(errors.ConnectionFailed):
                await client.login(MEMBER, PIN)
    assert len(proxy.requests) == 1
    assert proxy.requests[0].startswith(b"CONNECT member.example.test:443 ")
    assert PIN.encode() not in proxy.requests[0]


# --- a trickling server cannot hold a call --------------------------------------------------


def trickle(*, in_head: bool) -> Handler:
    """Answer one byte every 0.2 s, forever: each read is quick, the answer never ends."""

    async def handler(reader: Reader, writer: Writer, seen: Seen) -> None:
        seen.requests.append(await read_request(reader))
        if not in_head:
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
            writer.write(b"Content-Length: 100000\r\n\r\n")
        else:
            writer.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        while True:
            await asyncio.sleep(0.2)
            writer.write(b" " if not in_head else b"a")
            await writer.drain()

    return handler


@pytest.mark.parametrize("in_head", [False, True], ids=["body", "headers"])
async def test_a_trickling_server_cannot_hold_status_past_its_deadline(in_head: bool) -> None:
    async with bounded(), serve(trickle(in_head=in_head)) as (url, seen):
        client = Client(url, deadlines=Deadlines(quick=1.0), sleep=Sleeps())
        started = time.monotonic()
        with pytest.raises(errors.RequestTimeout) as caught:
            await client.status()
        elapsed = time.monotonic() - started
        await client.aclose()
    # The per-read timeout (10 s) never fired: only the call's deadline ended it.
    assert 0.9 <= elapsed < 3.0
    assert caught.value.details == {"deadline": 1.0}
    assert caught.value.request_id is not None
    assert len(seen.requests) == 1


async def test_a_held_borrow_ends_by_its_deadline_and_the_same_key_finishes_it() -> None:
    """Attempt 1 loses its answer, attempt 2 trickles until the deadline; the user's retry
    with the same key gets the answer. Every attempt carried that one key."""
    behaviours = ["drop", "trickle", "answer"]
    hold = trickle(in_head=False)

    async def handler(reader: Reader, writer: Writer, seen: Seen) -> None:
        behaviour = behaviours.pop(0)
        if behaviour == "trickle":
            await hold(reader, writer, seen)
            return
        seen.requests.append(await read_request(reader))
        if behaviour == "answer":
            writer.write(json_answer("201 Created", BORROWING_BODY))

    async with bounded(), serve(handler) as (url, seen):
        sleeps = Sleeps()
        client = Client(url, deadlines=Deadlines(money=1.5), sleep=sleeps, rand=lambda: 0.0)
        key = client.new_idempotency_key()
        started = time.monotonic()
        with pytest.raises(errors.RequestTimeout) as caught:
            await client.borrow(10_000, idempotency_key=key)
        elapsed = time.monotonic() - started
        borrowing = await client.borrow(10_000, idempotency_key=key)
        await client.aclose()
    assert 1.4 <= elapsed < 3.5
    assert "same key" in caught.value.message
    assert borrowing.amount == 10_000
    assert seen.keys() == [key, key, key]
    assert sleeps.delays == [0.25]


def test_the_default_money_deadline_leaves_room_for_every_attempt() -> None:
    # A deadline shorter than the attempts would cut the retries that keep the key.
    attempts = RetryPolicy().max_attempts
    assert Deadlines().money >= attempts * Timeouts().money
    assert Deadlines().quick >= attempts * Timeouts().quick


async def test_a_pause_that_would_outlast_the_deadline_raises_the_real_reason() -> None:
    async def handler(reader: Reader, writer: Writer, seen: Seen) -> None:
        seen.requests.append(await read_request(reader))
        body = {"error": {"code": "SERVICE_UNAVAILABLE", "message": "busy", "details": {}}}
        writer.write(json_answer("503 Service Unavailable", body, "Retry-After: 10"))

    async with bounded(), serve(handler) as (url, seen):
        sleeps = Sleeps()
        async with Client(url, deadlines=Deadlines(quick=5.0), sleep=sleeps) as client:
            with pytest.raises(errors.ServiceUnavailable) as caught:
                await client.status()
    assert caught.value.retry_after == 10.0
    assert len(seen.requests) == 1
    assert sleeps.delays == []


# --- a flooding server cannot grow the client -----------------------------------------------

FLOOD_BYTES = 300 * 1024 * 1024
CHUNK = b"0" * 65536


def flood(framing: str, status: str = "200 OK") -> Handler:
    async def handler(reader: Reader, writer: Writer, seen: Seen) -> None:
        seen.requests.append(await read_request(reader))
        head = [f"HTTP/1.1 {status}", "Content-Type: application/json"]
        if framing == "announced":
            head.append(f"Content-Length: {FLOOD_BYTES}")
        elif framing == "chunked":
            head.append("Transfer-Encoding: chunked")
        else:
            head.append("Connection: close")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode())
        while seen.sent < FLOOD_BYTES:
            if framing == "chunked":
                writer.write(b"10000\r\n" + CHUNK + b"\r\n")
            else:
                writer.write(CHUNK)
            await writer.drain()
            seen.sent += len(CHUNK)

    return handler


@pytest.mark.parametrize("framing", ["announced", "chunked", "close-delimited"])
async def test_a_300_mib_answer_is_cut_at_the_cap_without_reading_the_rest(framing: str) -> None:
    async with bounded(), serve(flood(framing)) as (url, seen):
        client = Client(url, sleep=Sleeps())
        tracemalloc.start()
        try:
            with pytest.raises(errors.ResponseTooLarge) as caught:
                await client.status()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        await client.aclose()
    assert caught.value.details == {"max_bytes": MAX_RESPONSE_BYTES}
    assert caught.value.status == 200
    assert isinstance(caught.value, errors.UnexpectedResponse)
    assert peak < 3 * MAX_RESPONSE_BYTES, f"peak {peak} bytes"
    # Only what fitted in the socket buffers beyond the cap was ever sent.
    assert seen.sent < 8 * MAX_RESPONSE_BYTES
    if framing == "announced":
        assert seen.sent < MAX_RESPONSE_BYTES
    assert len(seen.requests) == 1


async def test_a_flooded_borrow_says_the_money_may_have_moved_and_keeps_its_key() -> None:
    handler = flood("chunked", "201 Created")
    async with bounded(), serve(handler) as (url, seen), Client(url, sleep=Sleeps()) as client:
        key = client.new_idempotency_key()
        for _ in range(2):
            with pytest.raises(errors.ResponseTooLarge) as caught:
                await client.borrow(10_000, idempotency_key=key)
            assert "same key" in caught.value.message
    assert seen.keys() == [key, key]


async def test_a_small_cap_is_honoured_and_an_answer_under_it_is_read() -> None:
    body = json.dumps(STATUS_BODY).encode()

    async def handler(reader: Reader, writer: Writer, seen: Seen) -> None:
        seen.requests.append(await read_request(reader))
        writer.write(answer("200 OK", body, "Content-Type: application/json", length=False))

    async with bounded(), serve(handler) as (url, _seen):
        async with Client(url, max_response_bytes=len(body)) as exact:
            assert (await exact.status()).maintenance_now is False
        async with Client(url, max_response_bytes=len(body) - 1) as short:
            with pytest.raises(errors.ResponseTooLarge):
                await short.status()


async def test_a_compressed_answer_nobody_asked_for_is_refused() -> None:
    async def handler(reader: Reader, writer: Writer, seen: Seen) -> None:
        seen.requests.append(await read_request(reader))
        # 10 KiB of gzip that would inflate to 10 MiB.
        bomb = gzip.compress(b" " * (10 * 1024 * 1024))
        writer.write(
            answer("200 OK", bomb, "Content-Type: application/json", "Content-Encoding: gzip")
        )

    async with bounded(), serve(handler) as (url, seen), Client(url, sleep=Sleeps()) as client:
        with pytest.raises(errors.UnexpectedResponse) as caught:
            await client.status()
    assert "gzip" in caught.value.message
    assert b"accept-encoding: identity" in seen.requests[0].lower()


async def test_endless_headers_end_the_call_quickly() -> None:
    async def handler(reader: Reader, writer: Writer, seen: Seen) -> None:
        seen.requests.append(await read_request(reader))
        writer.write(b"HTTP/1.1 200 OK\r\n")
        while seen.sent < FLOOD_BYTES:
            writer.write(b"X-Junk: " + b"a" * 1000 + b"\r\n")
            await writer.drain()
            seen.sent += 1010

    async with bounded(), serve(handler) as (url, seen), Client(url, sleep=Sleeps()) as client:
        started = time.monotonic()
        with pytest.raises(errors.ConnectionFailed):
            await client.status()
    assert time.monotonic() - started < 5.0
    # The kernel's socket buffers took what was sent; the client stopped reading at 16 KiB.
    assert seen.sent < len(seen.requests) * 8 * 1024 * 1024


# --- odd Retry-After headers ----------------------------------------------------------------

DAY = 86_400.0
RETRY_AFTER_CASES: list[tuple[str, float | None]] = [
    ("9" * 400, DAY),
    ("9" * 5000, DAY),
    ("86401", DAY),
    ("7", 7.0),
    ("-5", None),
    ("soon", None),
    ("1.5", None),
    ("+5", None),
    ("nan", None),
    ("inf", None),
    ("", None),
    ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
    ("Fri, 31 Dec 9999 23:59:59 GMT", DAY),
    ("Mon, 01 Jan 99999 00:00:00 GMT", None),
    ("Tue, 99 Foo 2026 99:99:99 GMT", None),
]
CAP = RetryPolicy().retry_after_cap


def always(status: str, code: str, retry_after: str) -> Handler:
    async def handler(reader: Reader, writer: Writer, seen: Seen) -> None:
        seen.requests.append(await read_request(reader))
        body = {"error": {"code": code, "message": "wait", "details": {}}}
        writer.write(json_answer(status, body, f"Retry-After: {retry_after}"))

    return handler


@pytest.mark.parametrize(("raw", "expected"), RETRY_AFTER_CASES)
async def test_an_odd_retry_after_on_a_read_is_a_typed_error(
    raw: str, expected: float | None
) -> None:
    async with bounded(), serve(always("503 Service Unavailable", "X_BUSY", raw)) as (url, seen):
        sleeps = Sleeps()
        async with Client(url, sleep=sleeps) as client:
            with pytest.raises(errors.ServiceUnavailable) as caught:
                await client.status()
    assert caught.value.retry_after == expected
    assert all(0.0 <= delay <= CAP for delay in sleeps.delays)
    # Within the cap the wait is the server's; above it the error goes to the UI at once.
    waited = expected is None or expected <= CAP
    assert len(seen.requests) == (3 if waited else 1)
    if expected is not None and waited:
        assert sleeps.delays == [expected, expected]


@pytest.mark.parametrize(("raw", "expected"), RETRY_AFTER_CASES)
async def test_an_odd_retry_after_on_a_borrow_keeps_the_key(
    raw: str, expected: float | None
) -> None:
    async with bounded(), serve(always("503 Service Unavailable", "X_BUSY", raw)) as (url, seen):
        sleeps = Sleeps()
        async with Client(url, sleep=sleeps) as client:
            key = client.new_idempotency_key()
            for _ in range(2):
                with pytest.raises(errors.ServiceUnavailable) as caught:
                    await client.borrow(10_000, idempotency_key=key)
                assert caught.value.retry_after == expected
    assert seen.keys() == [key] * len(seen.requests)
    assert len(seen.requests) >= 2
    assert all(0.0 <= delay <= CAP for delay in sleeps.delays)


@pytest.mark.parametrize("raw", ["9" * 400, "-1", "Fri, 31 Dec 9999 23:59:59 GMT"])
async def test_an_odd_retry_after_on_a_429_stays_a_finite_countdown(raw: str) -> None:
    handler = always("429 Too Many Requests", "RATE_LIMITED", raw)
    async with bounded(), serve(handler) as (url, seen), Client(url, sleep=Sleeps()) as client:
        with pytest.raises(errors.RateLimited) as caught:
            await client.login(MEMBER, PIN)
    value = caught.value.retry_after
    assert value is None or 0.0 <= value <= DAY
    # The UI turns it into whole seconds for its countdown.
    assert value is None or int(value) <= int(DAY)
    assert len(seen.requests) == 1
