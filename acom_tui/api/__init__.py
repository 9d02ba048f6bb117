"""The thin API client of the member site, usable without the TUI.

``from acom_tui.api import Client`` works as usual, but httpx and the schemas are imported
only when a client name is first used: the TUI imports ``acom_tui.api.errors`` at start-up
and must not pay for httpx before the first screen is drawn.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

# httpx's package imports its command-line client when it can (click, pygments, rich's
# progress bars and syntax highlighting: about 4 MiB in every console process, see
# docs/performance.md). Nothing here runs that command. A None entry makes the import fail
# as it does when the ``httpx[cli]`` extra is missing, and httpx keeps its stub ``main``.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

if TYPE_CHECKING:
    from acom_tui.api.client import (
        BaseClient,
        Client,
        RetryPolicy,
        StaffClient,
        Timeouts,
        check_server_url,
        new_idempotency_key,
    )
    from acom_tui.api.errors import ApiError

__all__ = [
    "ApiError",
    "BaseClient",
    "Client",
    "RetryPolicy",
    "StaffClient",
    "Timeouts",
    "check_server_url",
    "new_idempotency_key",
]

_LAZY = {
    "ApiError": "acom_tui.api.errors",
    "BaseClient": "acom_tui.api.client",
    "Client": "acom_tui.api.client",
    "RetryPolicy": "acom_tui.api.client",
    "StaffClient": "acom_tui.api.client",
    "Timeouts": "acom_tui.api.client",
    "check_server_url": "acom_tui.api.client",
    "new_idempotency_key": "acom_tui.api.client",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
