"""``acom-tui --demo``: the real client on the in-process mock server, no network, no port.

The mock app runs inside the client's event loop through ``httpx.ASGITransport``; the
member client and the admin handle share that transport, so a presenter can move the clock
or switch maintenance on while the UI keeps working. FastAPI and ``mock_server`` are
imported only when :func:`open_demo` is called, so a normal start never pays for them.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from acom_tui.api.client import AdminClient, Client

__all__ = ["DEMO_BASE_URL", "Demo", "InProcessTransport", "default_demo_database", "open_demo"]

# Loopback by name, so the https rule holds without an exception; no socket is ever opened.
DEMO_BASE_URL = "http://localhost"
DEMO_DATABASE_NAME = "demo.sqlite3"
_INTERNAL_ERROR = {
    "error": {"code": "INTERNAL_ERROR", "message": "Unexpected server error.", "details": {}}
}
log = logging.getLogger("acom_tui.api.demo")


class InProcessTransport(httpx.AsyncBaseTransport):
    """The ASGI transport, failing the way the network would.

    A transport error (the mock's "drop the response after commit" fault raises one) stays
    a transport error, so the client retries it with the same Idempotency-Key. Any other
    exception is a server bug: over a socket it would be a 500, so it becomes one here,
    instead of a foreign exception raised inside the UI.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._inner.handle_async_request(request)
        except httpx.TransportError:
            raise
        except Exception as exc:
            # The server logged the traceback itself; its text is not ours to repeat.
            log.error("in-process mock server failed: %s", type(exc).__name__)
            return httpx.Response(500, json=_INTERNAL_ERROR)

    async def aclose(self) -> None:
        await self._inner.aclose()


def default_demo_database() -> Path:
    """Where a demo that survives restarts keeps its data (``ACOM_TUI_DATA_DIR`` moves it)."""
    from acom_tui.paths import data_dir

    return data_dir() / DEMO_DATABASE_NAME


@dataclass
class Demo:
    """A running demo: the member client, the admin handle, and where the data lives."""

    client: Client
    admin: AdminClient
    database: Path
    transport: httpx.AsyncBaseTransport = field(repr=False)
    _closers: list[Callable[[], None]] = field(default_factory=list, repr=False)
    now: Callable[[], datetime] | None = field(default=None, repr=False)
    """The mock server's clock (what the admin handle moves); the UI times idle logout by it."""

    async def aclose(self) -> None:
        await self.client.aclose()
        await self.admin.aclose()
        for close in reversed(self._closers):
            close()
        self._closers.clear()

    async def __aenter__(self) -> Demo:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def new_client(self, **kwargs: Any) -> Client:
        """Another member client on the same app (a second terminal, a second member)."""
        return Client(DEMO_BASE_URL, transport=self.transport, **kwargs)


def open_demo(
    database: Path | None = None,
    *,
    now: datetime | None = None,
    frozen: bool = False,
    **client_kwargs: Any,
) -> Demo:
    """Start the mock app in-process and return a client wired to it.

    ``database=None`` uses a temporary database, removed on close, so every demo starts
    from the roster; pass :func:`default_demo_database` (or any path) to keep state between
    runs. ``now``/``frozen`` start the server clock at a given time (snapshot tests).
    ``client_kwargs`` go to the member :class:`Client` (retry policy, timeouts, sleep).
    """
    from mock_server.app import create_app, warm_up
    from mock_server.clock import Clock
    from mock_server.hashing import ScryptParams
    from mock_server.settings import ServerSettings
    from mock_server.store import Store

    closers: list[Callable[[], None]] = []
    if database is None:
        tmp = Path(tempfile.mkdtemp(prefix="acom-tui-demo-"))
        closers.append(lambda: shutil.rmtree(tmp, ignore_errors=True))
        database = tmp / DEMO_DATABASE_NAME
    else:
        database.parent.mkdir(parents=True, exist_ok=True)

    store = Store.open(database)
    closers.append(store.close)
    admin_token = secrets.token_urlsafe(24)
    settings = ServerSettings(
        admin_token=admin_token,
        data_dir=database.parent / "demo-files",
        # Still a salted scrypt, with lighter parameters: the demo PIN is published anyway,
        # and seeding the roster at every start should not cost half a second.
        scrypt=ScryptParams(n=2**12, r=8, p=1),
    )
    clock = Clock(now, frozen=frozen) if now is not None else Clock(frozen=frozen)
    try:
        app = create_app(store, clock, settings)
        warm_up(app)  # the demo is opened off the UI thread: the first login does not pay
    except BaseException:
        for close in reversed(closers):
            close()
        raise
    transport = InProcessTransport(httpx.ASGITransport(app=app))
    client = Client(DEMO_BASE_URL, transport=transport, **client_kwargs)
    admin = AdminClient(DEMO_BASE_URL, admin_token, transport=transport)
    return Demo(
        client=client,
        admin=admin,
        database=database,
        transport=transport,
        _closers=closers,
        now=clock.now,
    )
