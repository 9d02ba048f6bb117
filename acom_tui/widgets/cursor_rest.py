"""The focused input's cursor stops blinking when nobody types, and blinks at the next key.

A blinking cursor repaints its input twice a second, for ever: on a host where 50 support
consoles sit idle, that alone was most of the 30% of a core they used together (see
docs/performance.md, "A support centre on one SSH host"). Terminals and desktops stop the
blink after a few seconds without input (Windows' caret after 5 s, GNOME Terminal after
10 s), and the cursor stays shown, standing still. Both apps do the same through one
:class:`CursorRest`, fed every event from their ``on_event``: no screen has to know.

Only focused inputs are rested: Textual pauses the blink of every input without focus.
A screen covered by another keeps its focus, so its input would go on blinking unseen
(Textual pauses the blink on a blur, and a covered screen's input gets none): when the
screen on top changes, the focused inputs of the screens below are rested at once, and
the one on top blinks again for a rest period. An input whose blink a screen turned off
(animations off) is never touched.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from textual import events
from textual.widgets import Input

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen
    from textual.timer import Timer
    from textual.widget import Widget

__all__ = ["REST_AFTER_S", "CursorRest"]

# Windows' caret timeout: long enough to find the cursor after looking away, short enough
# that an idle console soon costs nothing.
REST_AFTER_S = 5.0

# A key, a paste or a click wakes the cursor; so does a focus the app moved.
_WAKERS = (events.Key, events.MouseDown, events.Paste, events.DescendantFocus)


class CursorRest:
    """Rests the blinking cursor of ``app`` after ``after`` seconds without a key."""

    def __init__(self, app: App[Any], after: float = REST_AFTER_S) -> None:
        self.app = app
        self.after = after
        self._timer: Timer | None = None
        # Inputs we stopped; they blink again at the next key, or when they next get the
        # focus (a blink resumed without the focus would repaint an input nobody types in).
        self._rested: weakref.WeakSet[Input] = weakref.WeakSet()

    @property
    def resting(self) -> bool:
        return len(self._rested) > 0

    def start(self) -> None:
        """From the app's ``on_mount``."""
        self._timer = self.app.set_timer(self.after, self.rest, name="cursor-rest")
        self.app.screen_change_signal.subscribe(self.app, self._screen_changed)

    def seen(self, event: events.Event) -> None:
        """Every event the app receives: a key wakes the cursor; a focus moved by the app
        (a screen pushed after a login, an error) lets the input blink for a rest period
        too, then rests it, rather than blinking for ever."""
        if isinstance(event, _WAKERS):
            self._wake()
            self._restart()

    def rest(self) -> None:
        """Stop the focused input's blink, the cursor shown (the timer's end; tests)."""
        self._stop(self._focused())

    def _focused(self) -> Widget | None:
        # An event or a timer can still come while the app shuts down, its screens gone.
        return self.app.focused if self.app.screen_stack else None

    def _screen_changed(self, _screen: Screen[Any]) -> None:
        if not self.app.screen_stack:
            return
        top = self.app.screen
        for screen in self.app.screen_stack:
            if screen is not top:
                self._stop(screen.focused)
        self._wake()
        self._restart()

    def _stop(self, widget: Widget | None) -> None:
        if isinstance(widget, Input) and widget.cursor_blink:
            widget.cursor_blink = False
            self._rested.add(widget)

    def _wake(self) -> None:
        focused = self._focused()
        for field in list(self._rested):
            if not field.is_attached:
                self._rested.discard(field)
            elif field is focused:
                self._rested.discard(field)
                field.cursor_blink = True

    def _restart(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.app.set_timer(self.after, self.rest, name="cursor-rest")
