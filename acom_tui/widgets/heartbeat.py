"""Both apps' heartbeat runs when something is due, not once a second.

The heartbeat ticks the countdowns of the screen on top and warns or logs out an idle
session (the member app also leaves when maintenance starts). It ran every second whatever
was on screen: on a host where 50 support consoles sit idle, that woke them 50 times a
second for nothing (docs/performance.md, "A support centre on one SSH host"). Now every
beat plans the next one:

* one second ahead while the screen on top shows something that moves with the clock
  (a countdown, a transfer prediction, the support desk's hours);
* else at the next moment the app knows something will change: the idle warning, the
  idle logout, the start of maintenance, a screen's own next change;
* and at the latest after :data:`QUIET_S`, for what no plan foresaw.

A change of the screen on top plans again at once, so a countdown pushed over a quiet
screen ticks from its first second. Tests move the mock clock and call
:meth:`Heartbeat.beat` instead of waiting; :attr:`Heartbeat.next_in` says what was planned.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, cast

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.screen import Screen
    from textual.timer import Timer

__all__ = ["QUIET_S", "TICK_S", "Heartbeat", "OnTheBeat", "due_for", "seconds_until", "soonest"]

#: The beat of a screen whose content moves with the clock.
TICK_S = 1.0
#: The longest an idle app sleeps between beats.
QUIET_S = 30.0
# Timers may fire a hair early; a beat planned for a moment lands just after it.
_PAST_THE_MOMENT_S = 0.01


def seconds_until(moment: datetime | None, now: datetime) -> float | None:
    """Seconds from ``now`` to just after ``moment``; None if it has passed (or is None)."""
    if moment is None or moment <= now:
        return None
    return (moment - now).total_seconds() + _PAST_THE_MOMENT_S


def soonest(waits: Iterable[float | None]) -> float | None:
    """The shortest of the waits given, None if none is."""
    known = [wait for wait in waits if wait is not None]
    return min(known) if known else None


def due_for(screen: object, now: datetime, *moments: datetime | None) -> float | None:
    """Seconds until ``screen`` (on top) needs its beat, or the first of ``moments`` ahead."""
    waits = [screen.next_beat_in(now) if isinstance(screen, OnTheBeat) else None]
    waits.extend(seconds_until(moment, now) for moment in moments)
    return soonest(waits)


class OnTheBeat:
    """What the screen bases of both apps share: their heartbeat and when they need it."""

    #: The screen's ``heartbeat`` does work that moves with the clock: it beats every second.
    BEATS_EVERY_SECOND: ClassVar[bool] = False

    def heartbeat(self) -> None:
        """Called by the app on each beat while this screen is on top."""
        if self._shows_countdown():
            from acom_tui.widgets.countdown import tick_countdowns

            tick_countdowns(cast("DOMNode", self))

    def _shows_countdown(self) -> bool:
        # By the type's name: the countdown (and the formatting it imports) is loaded by
        # the screens that show one, not by the login before its first paint.
        return bool(cast("DOMNode", self).query("Countdown"))

    def next_beat_in(self, now: datetime) -> float | None:
        """Seconds until this screen needs its heartbeat; None if it needs none of its own."""
        shows_countdown = self._shows_countdown()
        return TICK_S if self.BEATS_EVERY_SECOND or shows_countdown else None


class Heartbeat:
    """Runs ``beat`` when the screen on top needs it or the first of the app's ``moments``
    (given the time ``now`` returns) comes, again and again."""

    def __init__(
        self,
        app: App[Any],
        beat: Callable[[], Awaitable[None]],
        now: Callable[[], datetime],
        moments: Callable[[datetime], Iterable[datetime | None]],
    ) -> None:
        self.app = app
        self._beat = beat
        self._now = now
        self._moments = moments
        self._timer: Timer | None = None
        self.next_in: float | None = None
        """Seconds to the beat planned last (None before :meth:`start`)."""

    def start(self) -> None:
        """From the app's ``on_mount``: plan now, and again whenever the screen changes."""
        self.app.screen_change_signal.subscribe(self.app, self._screen_changed)
        self.plan()

    def plan(self) -> None:
        """Plan the next beat from what is due now; replaces the beat planned before."""
        if self._timer is not None:
            self._timer.stop()
        due = None
        if self.app.screen_stack:
            now = self._now()
            due = due_for(self.app.screen, now, *self._moments(now))
        wait = QUIET_S if due is None else max(_PAST_THE_MOMENT_S, min(due, QUIET_S))
        self.next_in = wait
        self._timer = self.app.set_timer(wait, self.beat, name="heartbeat")

    async def beat(self) -> None:
        """One beat now (the timer's, or a clock just moved), then plan the next."""
        await self._beat()
        if self.app.is_running and self.app.screen_stack:
            self.plan()

    def _screen_changed(self, _screen: Screen[Any]) -> None:
        self.plan()
