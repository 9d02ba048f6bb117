"""What the member app and the staff console do alike: key names and closing the backend."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from textual.binding import Binding

from acom_tui.session import LOGOUT_TIMEOUT_S

log = logging.getLogger("acom_tui.shell")

_NAMES = {"esc": "Esc", "enter": "Enter", "tab": "Tab"}


def key_display(binding: Binding, textual_display: str) -> str:
    """Keys as printed on the keyboard (F1 and Esc, not f1 and esc)."""
    if binding.key_display:
        return textual_display
    if textual_display[:1] == "f" and textual_display[1:].isdigit():
        return textual_display.upper()
    return _NAMES.get(textual_display, textual_display)


async def close_backend(aclose: Callable[[], Awaitable[None]]) -> None:
    """Close a backend at exit without ever hanging the exit on it."""
    try:
        await asyncio.wait_for(aclose(), LOGOUT_TIMEOUT_S)
    except Exception:
        log.exception("closing the backend failed")
