"""Nothing awaits inside a transaction, so the event loop may run SQLite itself.

The session check and the hot routes are ``async`` (docs/performance.md, "The mock server
under load"): their SQLite work runs on the event loop thread, on that thread's one
connection, under the store's one write lock. That is only safe while no coroutine can
be suspended inside ``store.write()`` or ``store.read()``: another request would then
start a transaction on the same connection, or wait for a lock its own thread holds.
This reads every module of the server and fails on any ``await``, ``async for`` or
``async with`` inside such a block, and it shows, on a real app, that requests on the
loop interleaved at their awaits still each get their own transaction.
"""

from __future__ import annotations

import ast
import asyncio
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

import mock_server
from mock_server.settings import ServerSettings

SERVER = Path(mock_server.__file__).parent
_TRANSACTIONS = ("write", "read")


def _opens_transaction(item: ast.withitem) -> bool:
    call = item.context_expr
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in _TRANSACTIONS
        and "store" in ast.unparse(call.func.value)
    )


def _suspensions(body: list[ast.stmt]) -> list[ast.AST]:
    found: list[ast.AST] = []
    for statement in body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Await | ast.AsyncFor | ast.AsyncWith):
                found.append(node)
    return found


def awaits_inside_transactions(source: str) -> list[int]:
    """Line numbers of every suspension point inside a ``with ...store.write()/read()``."""
    lines: list[int] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.With | ast.AsyncWith) and any(
            _opens_transaction(item) for item in node.items
        ):
            lines += [getattr(found, "lineno", 0) for found in _suspensions(node.body)]
    return lines


def test_the_check_finds_an_await_inside_a_transaction() -> None:
    source = (
        "async def route(ctx):\n"
        "    with ctx.store.write() as conn:\n"
        "        conn.execute('UPDATE loans SET principal = 0')\n"
        "        await asyncio.sleep(0)\n"
        "    with ctx.store.read() as conn:\n"
        "        async for row in rows(conn):\n"
        "            pass\n"
        "    await asyncio.sleep(0)\n"
    )
    assert awaits_inside_transactions(source) == [4, 6]


def test_no_server_module_awaits_inside_a_transaction() -> None:
    offenders = {
        str(path.relative_to(SERVER)): lines
        for path in sorted(SERVER.rglob("*.py"))
        if (lines := awaits_inside_transactions(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


@pytest.fixture
def settings(settings: ServerSettings) -> ServerSettings:
    # Twenty borrowings in a minute are this test's load, not the fraud rule's business.
    return replace(settings, frequent_borrowing_count=1_000)


async def test_interleaved_requests_on_the_loop_each_commit(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    """Sessions checks, account reads and borrowings, 40 at once on one event loop."""
    login = await http.post("/v1/sessions", json={"member_number": "10000001", "pin": "4829"})
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    before = (await http.get("/v1/me/account", headers=headers)).json()["principal"]

    async def borrow(index: int) -> httpx.Response:
        key = {"Idempotency-Key": f"loop-{index}"}
        return await http.post("/v1/me/borrowings", json={"amount": 1000}, headers=headers | key)

    answers = await asyncio.gather(
        *(borrow(i) for i in range(20)),
        *(http.get("/v1/me/account", headers=headers) for _ in range(20)),
    )
    assert sorted({a.status_code for a in answers}) == [200, 201]
    after = (await http.get("/v1/me/account", headers=headers)).json()["principal"]
    assert after == before + 20 * 1000
    conn = app.state.ctx.store.connection()
    assert not conn.in_transaction
