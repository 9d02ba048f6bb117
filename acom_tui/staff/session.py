"""The staff backend (a ``StaffClient`` and its clock) and one staff login.

The same rules as the member app's :mod:`acom_tui.session`: the UI measures time with the
backend's ``now`` (the mock server's clock in the demo) plus the offset to the server
learned from the login answer, and follows the idle expiry of every answer. Nothing heavy
is imported at module level; httpx and the mock server come in when a backend is opened.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from acom_tui.session import LOGOUT_TIMEOUT_S, IdlePhase, Now, ServerClock, idle_phase, system_now

if TYPE_CHECKING:
    from datetime import datetime

    from acom_contract.schemas import StaffLoginResult
    from acom_tui.api.client import StaffClient
    from acom_tui.api.demo import Demo

__all__ = [
    "StaffBackend",
    "StaffSession",
    "open_staff_demo",
    "open_staff_server",
    "staff_demo_backend",
]

log = logging.getLogger("acom_tui.staff.session")


@dataclass
class StaffBackend:
    """A staff API client and the clock the console measures time with."""

    client: StaffClient
    now: Now = system_now
    demo: bool = False
    closer: Callable[[], Awaitable[None]] | None = field(default=None, repr=False)

    async def aclose(self) -> None:
        if self.closer is not None:
            closer, self.closer = self.closer, None
            await closer()
        else:
            await self.client.aclose()


def staff_demo_backend(demo: Demo, *, close_demo: bool = True) -> StaffBackend:
    """A staff client on an opened demo's app (the member clients share its transport)."""
    from acom_tui.api.client import StaffClient
    from acom_tui.api.demo import DEMO_BASE_URL

    if demo.now is None:
        raise RuntimeError("the demo backend does not expose its clock")
    client = StaffClient(DEMO_BASE_URL, transport=demo.transport)

    async def close() -> None:
        await client.aclose()
        if close_demo:
            await demo.aclose()

    return StaffBackend(client=client, now=demo.now, demo=True, closer=close)


def open_staff_demo() -> StaffBackend:
    """Start the embedded mock server (blocking: FastAPI import, SQLite, roster hashing)."""
    from acom_tui.api.demo import open_demo

    return staff_demo_backend(open_demo())


def open_staff_server(url: str, *, allow_insecure_http: bool = False) -> StaffBackend:
    """A staff client for a real server (blocking: imports httpx, builds the TLS context)."""
    from acom_tui.api.client import StaffClient

    return StaffBackend(client=StaffClient(url, allow_insecure_http=allow_insecure_http))


class StaffSession:
    """One staff login: who, when it ends if idle, and the way out."""

    def __init__(self, backend: StaffBackend, clock: ServerClock, result: StaffLoginResult) -> None:
        self.backend = backend
        self.clock = clock
        self.staff_id = result.staff_id
        self.idle_timeout = timedelta(seconds=result.idle_timeout_s)
        self._ended = False
        # The login answer's expiry is the server's "now" plus the idle timeout.
        clock.observe(result.expires_at - self.idle_timeout)

    @property
    def client(self) -> StaffClient:
        return self.backend.client

    @property
    def expires_at(self) -> datetime | None:
        if self._ended:
            return None
        return self.backend.client.session_expires_at

    @property
    def idle_minutes(self) -> int:
        return max(1, round(self.idle_timeout.total_seconds() / 60))

    def phase(self, warning: timedelta) -> tuple[IdlePhase, int]:
        return idle_phase(self.expires_at, self.clock.now(), warning)

    async def renew(self) -> None:
        """Any authenticated request renews the session; reading the log is not audited,
        whereas a member lookup would write an audit row for nothing."""
        await self.backend.client.audit_log(limit=1)

    async def end(self, wait: float = LOGOUT_TIMEOUT_S) -> bool:
        """Revoke the token; the client forgets it whatever the server answers."""
        if self._ended:
            return True
        self._ended = True
        from acom_tui.api.errors import ApiError

        try:
            await asyncio.wait_for(self.backend.client.logout(), wait)
        except (ApiError, TimeoutError) as exc:
            log.info("staff logout not confirmed by the server: %s", type(exc).__name__)
            return False
        return True
