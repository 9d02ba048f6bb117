"""A login answer that comes after the client gave up ends its session (issue 16).

Against a real ``acom-mock-server`` that is slow once it has read the login (the test holds
the database's write lock, as 50 logins queued behind each other's password hashes did):
the client's deadline cuts the login, the server opens the session anyway a moment later,
and the client's abandonment (``DELETE .../sessions/attempt``) ends it. Read from the
server's database, as an operator would see it.

(A delay before the body is read would not do: the server then finds the client gone and
never runs the login at all.)
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, closing
from pathlib import Path

import pytest

from acom_tui.api import errors
from acom_tui.api.client import BaseClient, Client, Deadlines, StaffClient
from benchmarks.mock_process import SCRIPT, MockServer

pytestmark = pytest.mark.skipif(
    not SCRIPT.exists() or sys.platform == "win32", reason="needs the server's console script"
)

HOLD_S = 2.0
WAIT_S = 20.0


@pytest.fixture
def server(tmp_path: Path) -> Iterator[MockServer]:
    with MockServer(db=tmp_path / "server.sqlite3", log=tmp_path / "server.log") as running:
        yield running
    running.kill()


@asynccontextmanager
async def write_lock_held(server: MockServer, seconds: float) -> AsyncIterator[None]:
    """Hold the server database's write lock for ``seconds`` from another connection."""
    holder = await asyncio.to_thread(server.hold_write_lock, seconds)
    try:
        yield
    finally:
        await asyncio.to_thread(holder.join)


def sessions_of(server: MockServer, kind: str) -> list[tuple[str | None, str | None]]:
    """(revoked_at, revoked_reason) of every session of ``kind`` on the server."""
    with closing(sqlite3.connect(f"file:{server.db}?mode=ro", uri=True, timeout=10)) as db:
        rows = db.execute(
            "SELECT revoked_at, revoked_reason FROM sessions WHERE kind = ?", (kind,)
        ).fetchall()
    return [(row[0], row[1]) for row in rows]


async def settled(server: MockServer, kind: str) -> list[tuple[str | None, str | None]]:
    """The sessions once one was opened and none is open any more (or the time is up)."""
    end = time.monotonic() + WAIT_S
    while True:
        rows = sessions_of(server, kind)
        if (rows and all(revoked for revoked, _reason in rows)) or time.monotonic() > end:
            return rows
        await asyncio.sleep(0.1)


def client_for(kind: str, server: MockServer) -> BaseClient:
    deadlines = Deadlines(login=0.5)
    cls = StaffClient if kind == "staff" else Client
    return cls(server.base_url, allow_insecure_http=True, deadlines=deadlines)


async def log_in(client: BaseClient) -> None:
    if isinstance(client, StaffClient):
        await client.login("S0001", "staff-demo-pass")
    else:
        assert isinstance(client, Client)
        await client.login("10000001", "4829")


@pytest.mark.parametrize("kind", ["member", "staff"])
async def test_a_login_cut_by_its_deadline_leaves_no_session_open(
    server: MockServer, kind: str
) -> None:
    client = client_for(kind, server)
    try:
        async with write_lock_held(server, HOLD_S):
            with pytest.raises(errors.RequestTimeout):
                await log_in(client)
            assert not client.logged_in
            assert sessions_of(server, kind) == []

        rows = await settled(server, kind)
    finally:
        await client.aclose()

    # The server did open the session after the client gave up, and the abandonment
    # ended it: without it, it would stay open until the idle timeout.
    assert rows == [(rows[0][0], "login_abandoned")]
    assert rows[0][0] is not None


async def test_a_cancelled_login_leaves_no_session_open(server: MockServer) -> None:
    # The app leaving while a login is on its way (the terminal dropped) cancels it.
    client = client_for("staff", server)
    try:
        async with write_lock_held(server, HOLD_S):
            task = asyncio.create_task(log_in(client))
            await asyncio.sleep(0.3)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

        rows = await settled(server, "staff")
    finally:
        await client.aclose()

    assert rows == [(rows[0][0], "login_abandoned")]
