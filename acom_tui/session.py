"""The backend the app talks to, the time it runs on, and the logged-in session.

Time: the UI never reads the wall clock directly. A :class:`Backend` carries a ``now``
function; for the embedded demo it is the mock server's own clock, so when a presenter or
a test moves the mock clock (admin API), the idle timer and every countdown move with it.
Against a real server ``now`` is the system clock, and :class:`ServerClock` adds the
offset between the two, learned from the login answer and from ``GET /v1/status``, so a
terminal whose clock is a few minutes wrong still warns before the server's idle timeout.

Nothing heavy is imported here at module level: httpx, the mock server and FastAPI come in
only when a backend is opened, which happens after the first screen is painted.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from acom_contract.jst import JST

if TYPE_CHECKING:
    from acom_contract.schemas import LoginResult
    from acom_tui.api.client import AdminClient, Client
    from acom_tui.api.demo import Demo
    from acom_tui.config import ServerSettings

__all__ = [
    "LOGOUT_TIMEOUT_S",
    "Backend",
    "IdlePhase",
    "Now",
    "ServerClock",
    "Session",
    "demo_backend",
    "idle_phase",
    "next_idle_change",
    "open_demo_backend",
    "open_server_backend",
    "system_now",
]

log = logging.getLogger("acom_tui.session")

Now = Callable[[], datetime]
IdlePhase = Literal["active", "warning", "expired"]

# Quitting or an expiry must never hang on a dead network: the server revokes idle
# sessions by itself anyway, so a logout that does not answer in time is given up.
LOGOUT_TIMEOUT_S = 2.0


def system_now() -> datetime:
    return datetime.now(JST)


@dataclass
class Backend:
    """A member API client plus the clock the UI measures time with.

    ``admin`` is the mock server's control handle (demo only). ``closer`` releases what the
    backend holds (the demo's database and temp files); the app calls :meth:`aclose` once
    at exit.
    """

    client: Client
    now: Now = system_now
    demo: bool = False
    admin: AdminClient | None = None
    closer: Callable[[], Awaitable[None]] | None = field(default=None, repr=False)

    async def aclose(self) -> None:
        if self.closer is not None:
            closer, self.closer = self.closer, None
            await closer()
        else:
            await self.client.aclose()


def _demo_clock(demo: Demo) -> Now:
    if demo.now is None:
        raise RuntimeError("the demo backend does not expose its clock")
    return demo.now


def demo_backend(demo: Demo) -> Backend:
    """A backend on an already opened demo (tests build one on a fixed, frozen clock)."""
    return Backend(
        client=demo.client, now=_demo_clock(demo), demo=True, admin=demo.admin, closer=demo.aclose
    )


def open_demo_backend(database: Path | None = None) -> Backend:
    """Start the embedded mock server (blocking: FastAPI import, SQLite, roster hashing)."""
    from acom_tui.api.demo import open_demo

    return demo_backend(open_demo(database))


def open_server_backend(settings: ServerSettings) -> Backend:
    """A client for a real server (blocking: imports httpx, builds the TLS context)."""
    from acom_tui.api.client import Client

    return Backend(client=Client.from_settings(settings))


class ServerClock:
    """The server's time as the UI estimates it: the local ``now`` plus the last offset seen."""

    def __init__(self, now: Now) -> None:
        self._now = now
        self._offset = timedelta(0)

    @property
    def offset(self) -> timedelta:
        return self._offset

    def local(self) -> datetime:
        return self._now()

    def now(self) -> datetime:
        return self._now() + self._offset

    def observe(self, server_time: datetime) -> None:
        """Learn the offset from a time the server just reported as its "now"."""
        self._offset = server_time - self._now()


def idle_phase(
    expires_at: datetime | None, now: datetime, warning: timedelta
) -> tuple[IdlePhase, int]:
    """Where an idle session stands at ``now``, and whole seconds left (rounded up).

    ``expires_at`` None means the client already forgot the session (the server said it
    ended), which is expiry too.
    """
    if expires_at is None:
        return "expired", 0
    remaining = math.ceil((expires_at - now).total_seconds())
    if remaining <= 0:
        return "expired", 0
    if remaining <= math.ceil(warning.total_seconds()):
        return "warning", remaining
    return "active", remaining


def next_idle_change(
    expires_at: datetime | None, now: datetime, warning: timedelta
) -> datetime | None:
    """When :func:`idle_phase` next changes its answer (warning, then expiry), or None."""
    if expires_at is None:
        return None
    warning_from = expires_at - timedelta(seconds=math.ceil(warning.total_seconds()))
    return next((moment for moment in (warning_from, expires_at) if moment > now), None)


class Session:
    """One login: who, when it ends if idle, and the way out (logout)."""

    def __init__(self, backend: Backend, clock: ServerClock, result: LoginResult) -> None:
        self.backend = backend
        self.clock = clock
        self.member_number = result.member_number
        self.idle_timeout = timedelta(seconds=result.idle_timeout_s)
        self.absolute_expires_at = result.absolute_expires_at
        self._ended = False
        # The login answer's idle expiry is the server's "now" plus the idle timeout (the
        # absolute limit is hours away at login), which gives the clock offset for free.
        if result.expires_at < result.absolute_expires_at:
            clock.observe(result.expires_at - self.idle_timeout)

    @property
    def expires_at(self) -> datetime | None:
        """When the server will end the session if idle; the client follows every answer's
        ``X-Session-Expires-At`` header, and forgets it when the server ends the session."""
        if self._ended:
            return None
        return self.backend.client.session_expires_at

    @property
    def active(self) -> bool:
        return not self._ended and self.backend.client.logged_in

    def phase(self, warning: timedelta) -> tuple[IdlePhase, int]:
        return idle_phase(self.expires_at, self.clock.now(), warning)

    async def renew(self) -> None:
        """A cheap authenticated request: any one counts as activity on the server."""
        await self.backend.client.account()

    async def end(self, wait: float = LOGOUT_TIMEOUT_S) -> bool:
        """Revoke the token on the server; True when the server confirmed it in time.

        The client forgets the token whatever happens, so nothing can use it afterwards.
        """
        if self._ended:
            return True
        self._ended = True
        from acom_tui.api.errors import ApiError

        client = self.backend.client
        try:
            await asyncio.wait_for(client.logout(), wait)
        except (ApiError, TimeoutError) as exc:
            # Client.logout forgets the token in a ``finally``, cancelled or not.
            log.info("logout not confirmed by the server: %s", type(exc).__name__)
            return False
        return True
