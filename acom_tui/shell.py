"""What the member app and the staff console do alike: their backend, the end of their
start-up and their palette's provider (key names are in ``acom_tui.keys``)."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

from textual.app import App

from acom_tui.session import LOGOUT_TIMEOUT_S

if TYPE_CHECKING:
    from textual.command import Provider

log = logging.getLogger("acom_tui.shell")


def key_commands() -> type[Provider]:
    """The command palette's provider, for both apps' ``COMMANDS``: imported when the
    palette first opens, not before the first paint."""
    from acom_tui.palette import KeyCommands

    return KeyCommands


def demo_commands() -> type[Provider]:
    """The demo's palette provider (``AcomApp`` adds it on a demo only): like
    ``key_commands``, the demo controls are imported when the palette first opens."""
    from acom_tui.demo_controls import DemoCommands

    return DemoCommands


def start_up_painted() -> None:
    """After an app's first paint: the garbage collector works again, past start-up.

    ``acom-tui`` keeps the cyclic garbage collector off until the first paint (see
    ``cli.main``): start-up allocates many objects that live as long as the app, and the
    collector would walk them again and again before anything is on screen. They are
    frozen out of its way, then it is switched back on. Where it was never off (tests,
    another program running an app), nothing changes.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


async def close_backend(aclose: Callable[[], Awaitable[None]]) -> None:
    """Close a backend at exit without ever hanging the exit on it."""
    try:
        await asyncio.wait_for(aclose(), LOGOUT_TIMEOUT_S)
    except Exception:
        log.exception("closing the backend failed")


class _Closable(Protocol):
    async def aclose(self) -> None: ...


B = TypeVar("B", bound=_Closable)


class BackendSlot(Generic[B]):
    """An app's backend: given at once, or built in a thread worker after the first paint
    (the demo's FastAPI app and database, the httpx client and its TLS context) and waited
    for by whoever needs it first (a login submitted before it is ready)."""

    def __init__(self, source: B | Callable[[], B], kind: type[B]) -> None:
        self._source = source
        self.backend: B | None = source if isinstance(source, kind) else None
        self.error: BaseException | None = None
        self._ready = asyncio.Event()
        if self.backend is not None:
            self._ready.set()

    def build(self, app: App[Any], opened: Callable[[B], None]) -> None:
        """Build the backend (in a thread worker); ``opened`` then runs on the UI thread."""
        try:
            backend = cast("Callable[[], B]", self._source)()
        except Exception as exc:
            log.exception("could not open the backend")
            app.call_from_thread(self._failed, exc)
            return

        def deliver() -> None:
            self.backend = backend
            opened(backend)
            self._ready.set()

        try:
            app.call_from_thread(deliver)
        except RuntimeError:
            # The app quit while the backend was starting: release it here.
            asyncio.run(backend.aclose())

    def _failed(self, error: BaseException) -> None:
        self.error = error
        self._ready.set()

    async def wait(self) -> B:
        await self._ready.wait()
        if self.backend is None:
            from acom_tui.api.errors import ConnectionFailed

            raise ConnectionFailed(str(self.error) if self.error else "no backend") from self.error
        return self.backend

    async def close(self) -> None:
        backend, self.backend = self.backend, None
        if backend is not None:
            await close_backend(backend.aclose)
