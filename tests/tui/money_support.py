"""Helpers of the borrow and repay tests: transports that misbehave on cue, and look-ups."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from textual.pilot import Pilot
from tui_support import PIN, settle

from acom_tui.api.client import NO_RETRY, Client
from acom_tui.api.demo import DEMO_BASE_URL, Demo
from acom_tui.session import Backend
from acom_tui.widgets.amount_input import AmountInput
from acom_tui.widgets.figure_table import FigureTable

MONEY_PATHS = ("/v1/me/borrowings", "/v1/me/repayments")


class MoneyTransport(httpx.AsyncBaseTransport):
    """Passes requests to the demo, remembers them, and can hold or lose money answers.

    ``gate``: when cleared, a money POST waits for it before reaching the server (a request
    in flight). ``drop_answers``: that many money POSTs reach the server, commit, and then
    fail as a read error, as when the network drops after the server answered.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.drop_answers = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        money = request.method == "POST" and request.url.path in MONEY_PATHS
        if money:
            await self.gate.wait()
        response = await self.inner.handle_async_request(request)
        if money and self.drop_answers > 0:
            self.drop_answers -= 1
            await response.aread()
            raise httpx.ReadError("connection lost after the server answered", request=request)
        return response

    def money_posts(self, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "POST" and r.url.path == path]

    def keys(self, path: str) -> list[str | None]:
        return [r.headers.get("Idempotency-Key") for r in self.money_posts(path)]


async def _keep_open() -> None:
    """The test closes the demo itself."""


def money_backend(demo: Demo) -> tuple[Backend, MoneyTransport]:
    """A backend on ``demo`` whose money calls the test controls; no client retries, so
    the screen's own retry is what is tested."""
    transport = MoneyTransport(demo.transport)
    client = Client(DEMO_BASE_URL, transport=transport, retry=NO_RETRY)
    assert demo.now is not None
    backend = Backend(client=client, now=demo.now, demo=True, admin=demo.admin, closer=_keep_open)
    return backend, transport


async def member_client(demo: Demo, member_number: str) -> Client:
    """Another terminal logged in as ``member_number``: the server's view, for checks."""
    client = demo.new_client(retry=NO_RETRY)
    await client.login(member_number, PIN)
    return client


async def enter_amount(pilot: Pilot[Any], field_id: str, text: str) -> None:
    """Put ``text`` in the amount field and press Enter in it."""
    field = pilot.app.screen.query_one(f"#{field_id}", AmountInput)
    field.value = text
    field.focus()
    await pilot.press("enter")
    await settle(pilot)


def figures(pilot: Pilot[Any], table_id: str) -> dict[str, str]:
    table = pilot.app.screen.query_one(f"#{table_id}", FigureTable)
    return dict(table.rows)
