"""What every route needs: the store, the clock and the settings of one app instance."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import datetime

from fastapi import Request

from mock_server.clock import Clock
from mock_server.domain.maintenance import Window
from mock_server.settings import ServerSettings
from mock_server.store import Store, meta
from mock_server.store.timefmt import iso, parse, parse_opt

ADHOC_KEY = "adhoc_maintenance"


@dataclass
class Context:
    store: Store
    clock: Clock
    settings: ServerSettings
    dummy_hash: str  # verified against for unknown members, so timing does not tell

    def now(self) -> datetime:
        return self.clock.now()

    def adhoc_window(self) -> Window | None:
        # One SELECT is a consistent snapshot on its own: no transaction around it.
        raw = meta.get(self.store.connection(), ADHOC_KEY)
        return None if raw is None else _window(raw)

    def set_adhoc_window(self, window: Window | None) -> None:
        value = None
        if window is not None:
            ends = None if window.ends_at is None else iso(window.ends_at)
            value = json.dumps({"starts_at": iso(window.starts_at), "ends_at": ends})
        with self.store.write() as conn:
            meta.put(conn, ADHOC_KEY, value)


@functools.lru_cache(maxsize=16)
def _window(raw: str) -> Window:
    # Read on every request (front door and session check): parse each stored value once.
    data = json.loads(raw)
    return Window("adhoc", parse(data["starts_at"]), parse_opt(data["ends_at"]))


async def get_context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx
