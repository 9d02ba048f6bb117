"""A live countdown to a moment in server time (maintenance end, idle logout, a wait).

It does not run a timer of its own: the app's heartbeat calls :meth:`tick` on every
countdown of the visible screen, every second while one is shown
(``widgets/heartbeat.py``), and the time comes from the app's clock. Tests move the mock
clock and call the heartbeat; nothing sleeps.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

from textual.dom import DOMNode
from textual.message import Message
from textual.widgets import Static

from acom_tui.formatting import format_countdown
from acom_tui.i18n import get_language, t

__all__ = ["Countdown", "tick_countdowns"]


class Countdown(Static):
    """Shows ``t(template, remaining=...)``; posts :class:`Finished` once at zero."""

    DEFAULT_CSS = """
    Countdown { width: 1fr; height: auto; text-style: bold; }
    """

    class Finished(Message):
        def __init__(self, countdown: Countdown) -> None:
            super().__init__()
            self.countdown = countdown

        @property
        def control(self) -> Countdown:
            return self.countdown

    def __init__(
        self,
        deadline: datetime | None,
        *,
        now: Callable[[], datetime],
        template: str,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__("", markup=False, id=id, classes=classes)
        self._deadline = deadline
        self._now = now
        self._template = template
        self._finished = False
        self._shown = self._text()
        self.update(self._shown)

    @property
    def deadline(self) -> datetime | None:
        return self._deadline

    @property
    def remaining_seconds(self) -> int:
        if self._deadline is None:
            return 0
        return max(0, math.ceil((self._deadline - self._now()).total_seconds()))

    def _text(self) -> str:
        remaining = format_countdown(self.remaining_seconds, get_language())
        return t(self._template, remaining=remaining)

    def set_deadline(self, deadline: datetime | None) -> None:
        self._deadline = deadline
        self._finished = False
        self.tick()

    def tick(self) -> None:
        text = self._text()
        if text != self._shown:
            # A countdown in minutes changes once a minute: no repaint in between.
            self._shown = text
            self.update(text)
        if self._deadline is not None and not self._finished and self.remaining_seconds == 0:
            self._finished = True
            self.post_message(self.Finished(self))


def tick_countdowns(screen: DOMNode) -> None:
    """Move every countdown of ``screen`` on by the clock (the apps' once-a-second tick)."""
    for countdown in screen.query(Countdown):
        countdown.tick()
