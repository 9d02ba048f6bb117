"""Helpers of the TUI tests (plain functions; the fixtures are in conftest.py)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import httpx
from textual.pilot import Pilot
from textual.widgets import Input

from acom_contract.jst import JST
from acom_tui.api.client import NO_RETRY, Client
from acom_tui.api.demo import DEMO_BASE_URL, Demo
from acom_tui.api.errors import ApiError
from acom_tui.app import AcomApp
from acom_tui.session import Backend, demo_backend

# Wednesday 2 December 2026, 10:00 Japan time (as tests/conftest.py): a weekday, open desk.
FIXED_NOW = datetime(2026, 12, 2, 10, 0, tzinfo=JST)
PIN = "4829"


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes requests to the demo and remembers them (paths, bearer tokens)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    def paths(self, method: str | None = None) -> list[str]:
        return [r.url.path for r in self.requests if method is None or r.method == method]

    def last_token(self) -> str | None:
        for request in reversed(self.requests):
            header = request.headers.get("Authorization", "")
            if header.startswith("Bearer "):
                return header.removeprefix("Bearer ")
        return None


async def exhaust_login_rate_limit(demo: Demo) -> None:
    """100 failed logins from this address within the hour (SPEC 2.1): the next is refused."""
    other = demo.new_client(retry=NO_RETRY)
    for _ in range(100):
        # An unknown number: wrong PIN, then locked; every failure counts.
        with contextlib.suppress(ApiError):
            await other.login("19999999", "0000")
    await other.aclose()


async def _keep_open() -> None:
    """The test closes the demo itself, after checking the server's state."""


def recorded_backend(demo: Demo) -> tuple[Backend, RecordingTransport]:
    """A backend whose requests are recorded, and which the app does not close at exit."""
    transport = RecordingTransport(demo.transport)
    client = Client(DEMO_BASE_URL, transport=transport)
    assert demo.now is not None
    backend = Backend(client=client, now=demo.now, demo=True, admin=demo.admin, closer=_keep_open)
    return backend, transport


def make_app(demo: Demo | Backend, lang: str = "ja", **kwargs: Any) -> AcomApp:
    backend = demo if isinstance(demo, Backend) else demo_backend(demo)
    return AcomApp(backend, lang=lang, animations=False, **kwargs)


async def settle(pilot: Pilot[Any]) -> None:
    """Let messages, workers and the repaint after them finish."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_login(pilot: Pilot[Any], member_number: str, pin: str = PIN) -> None:
    """Type into the login form as a person would, and submit with Enter."""
    app = pilot.app
    app.screen.query_one("#member-number").focus()
    await pilot.press(*member_number)
    await pilot.press("enter")
    await pilot.press(*pin)
    await pilot.press("enter")
    await settle(pilot)


async def fill_login(pilot: Pilot[Any], member_number: str, pin: str = PIN) -> None:
    """Fill the login form and press Enter in the PIN field (faster than typing each key)."""
    screen = pilot.app.screen
    screen.query_one("#member-number", Input).value = member_number
    pin_input = screen.query_one("#pin", Input)
    pin_input.value = pin
    pin_input.focus()
    await pilot.press("enter")
    await settle(pilot)


async def until(pilot: Pilot[Any], condition: Callable[[], bool], limit: float = 10.0) -> None:
    """Pause until ``condition`` holds, for at most ``limit`` seconds.

    For what a timer, a worker or a slow server brings: a fixed pause is a guess that a
    loaded machine (CI runs the suite on 2 cores, twice) outlasts.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not condition():
        assert loop.time() < deadline, f"not so after {limit} s"
        await pilot.pause(0.02)


async def tick(pilot: Pilot[Any]) -> None:
    """One heartbeat of the app (what its timer does when a beat is due), then settle."""
    app = pilot.app
    assert isinstance(app, AcomApp)
    await app.beats.beat()
    await settle(pilot)


@contextlib.asynccontextmanager
async def running(
    source: Demo | Backend, *, lang: str = "ja", member: str | None = None
) -> AsyncIterator[Pilot[Any]]:
    """The app on ``source`` at 80x24, settled; logged in as ``member`` when one is given."""
    app = make_app(source, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if member is not None:
            await fill_login(pilot, member)
        yield pilot


async def laid_out(pilot: Pilot[Any], *, timeout: float = 5.0) -> None:
    """Wait until every text block on the screen is as tall as its text.

    A text that arrives from a worker (the keyring's answer) can change a block's height;
    the screen lays out again on its refresh timer, after the message queues are idle, so
    ``settle`` alone can photograph the old height on a loaded machine.
    """
    from acom_tui.widgets.prose import Prose, wrap_text

    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        short = [
            prose
            for prose in pilot.app.screen.query(Prose)
            if prose.text
            and prose.content_region.height < len(wrap_text(prose.text, prose.content_region.width))
        ]
        if not short:
            return
        await pilot.pause(0.02)
