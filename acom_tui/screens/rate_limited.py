"""Too many failed logins from this address: how long to wait, counting down."""

from __future__ import annotations

import math
from datetime import datetime

from textual import on
from textual.app import ComposeResult

from acom_tui.formatting import format_duration_short
from acom_tui.i18n import get_language, t
from acom_tui.screens.notice import NoticeScreen
from acom_tui.widgets.countdown import Countdown

__all__ = ["RateLimitedScreen"]


class RateLimitedScreen(NoticeScreen):
    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(
            title=t("rate_limited.title"),
            lead="",
            body=t("rate_limited.body"),
            variant="warning",
            help_topic="forgot_pin",
        )

    def compose(self) -> ComposeResult:
        # The wait is worked out against the clock when the screen is drawn.
        seconds = math.ceil((self.until - self.acom.server_clock.now()).total_seconds())
        wait = format_duration_short(max(seconds, 0), get_language())
        self._lead = t("error.RATE_LIMITED", wait=wait)
        yield from super().compose()

    def compose_extra(self) -> ComposeResult:
        yield Countdown(
            self.until,
            now=self.acom.server_clock.now,
            template="rate_limited.countdown",
            id="rate-limited-countdown",
        )

    @on(Countdown.Finished)
    def _over(self) -> None:
        self.dismiss()
        self.acom.login_screen.show_status(t("rate_limited.over"), variant="info")
