"""Which screen explains an error: the one place errors choose screens.

``errors_ui`` says what an error means (its text, whether it wants a screen of its own);
this module maps those that do to their screens, and only the app imports it, so no screen
depends on another through the error handling. Each screen is imported when it is first
needed: the first paint does not wait for screens that a first login may never show.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from textual.screen import Screen

from acom_tui import errors_ui
from acom_tui.api import errors

__all__ = ["screen_for"]


def screen_for(
    error: BaseException,
    *,
    now: Callable[[], datetime],
    server_url: str | None = None,
) -> Screen[Any] | None:
    """The screen that explains ``error``, or None when a line of text is enough.

    ``now`` is the app's estimate of the server's time: countdowns are drawn against it.
    """
    if isinstance(error, errors.PinChangeRequired):
        # The server will answer nothing else until the PIN is changed (SPEC 2.17).
        from acom_tui.screens.pin_change import PinChangeScreen

        return PinChangeScreen(forced=True)
    if isinstance(error, errors.AccountLocked):
        from acom_tui.screens.locked import LockedScreen

        return LockedScreen()
    if isinstance(error, errors.AccountSuspended):
        from acom_tui.screens.suspended import SuspendedScreen

        return SuspendedScreen(error.reason)
    if isinstance(error, errors.CardLost):
        from acom_tui.screens.card_lost import CardLostScreen

        return CardLostScreen()
    if isinstance(error, errors.Maintenance):
        from acom_tui.screens.maintenance import MaintenanceScreen

        return MaintenanceScreen(error.ends_at)
    if isinstance(error, errors.RateLimited):
        from acom_tui.screens.rate_limited import RateLimitedScreen

        wait = error.retry_after if error.retry_after is not None else 60.0
        return RateLimitedScreen(now() + timedelta(seconds=wait))
    if isinstance(error, errors.TransportError):
        from acom_tui.screens.unreachable import UnreachableScreen

        return UnreachableScreen(errors_ui.transport_problem(error), server_url)
    return None
