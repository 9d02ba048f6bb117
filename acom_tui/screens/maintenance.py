"""Maintenance: a live countdown to its end, and a return by itself when it is over.

The screen asks ``GET /v1/status`` (always answered, even during maintenance) when it
opens, when the countdown reaches zero, and every minute of server time in between, in
case an ad-hoc maintenance ends early or is extended. When the server says it is over,
the screen closes and the login screen says so.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Label

from acom_tui.errors_ui import maintenance_text
from acom_tui.i18n import t
from acom_tui.screens.notice import NoticeScreen
from acom_tui.widgets.countdown import Countdown

__all__ = ["MaintenanceScreen"]

POLL_EVERY = timedelta(seconds=60)
POLL_AFTER_FAILURE = timedelta(seconds=15)


class MaintenanceScreen(NoticeScreen):
    def __init__(self, ends_at: datetime | None) -> None:
        super().__init__(
            title=t("maintenance.title"),
            lead=maintenance_text(ends_at),
            body=t("help.maintenance.body"),
            variant="warning",
            support_desk=False,
        )
        self.ends_at = ends_at
        self._next_poll: datetime | None = None

    def compose_extra(self) -> ComposeResult:
        yield Countdown(
            self.ends_at,
            now=self.acom.server_clock.now,
            template="maintenance.countdown",
            id="maintenance-countdown",
            classes="" if self.ends_at else "-hidden",
        )
        yield Label(
            t("maintenance.auto_retry" if self.ends_at else "maintenance.no_end"),
            id="maintenance-state",
            markup=False,
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.poll()

    def heartbeat(self) -> None:
        super().heartbeat()
        if self._next_poll is not None and self.acom.server_clock.now() >= self._next_poll:
            self.poll()

    @on(Countdown.Finished)
    def _finished(self) -> None:
        self.query_one("#maintenance-state", Label).update(t("maintenance.checking"))
        self.poll()

    @work(exclusive=True, group="maintenance-poll", exit_on_error=False)
    async def poll(self) -> None:
        """Ask the server whether maintenance is still on; leave when it is not."""
        from acom_tui.api.errors import ApiError

        self._next_poll = None
        try:
            backend = await self.acom.wait_backend()
            status = await backend.client.status()
        except ApiError:
            self._next_poll = self.acom.server_clock.now() + POLL_AFTER_FAILURE
            self.query_one("#maintenance-state", Label).update(t("maintenance.check_failed"))
            return
        self.acom.note_status(status)
        if not status.maintenance_now:
            self.dismiss()
            self.acom.login_screen.show_status(
                t("login.reason.maintenance_over"), variant="success"
            )
            return
        current = status.current_maintenance
        self._set_end(current.ends_at if current is not None else None)
        self._next_poll = self.acom.server_clock.now() + POLL_EVERY

    def _set_end(self, ends_at: datetime | None) -> None:
        self.ends_at = ends_at
        countdown = self.query_one("#maintenance-countdown", Countdown)
        countdown.set_class(ends_at is None, "-hidden")
        if countdown.deadline != ends_at:
            countdown.set_deadline(ends_at)
        from acom_tui.widgets.banner import Banner

        self.query_one("#notice-lead", Banner).show(maintenance_text(ends_at))
        state = "maintenance.auto_retry" if ends_at is not None else "maintenance.no_end"
        if ends_at is not None and countdown.remaining_seconds == 0:
            state = "maintenance.checking"
        self.query_one("#maintenance-state", Label).update(t(state))
