"""Below the size our screens need: one message, and no key acts (issue 13).

At 60x20 the borrow confirmation's buttons were cut off, yet Enter on the hidden focused
button borrowed. Below :data:`MIN_SIZE` the app shows :class:`TooSmallScreen` over
whatever the person was doing and lets no input reach anything but the quit key;
resizing back pops it, and the screen beneath comes back as it was (same focus, same
field contents). Every screen of both apps is laid out for 80x24, so the limit is one.

:class:`SizeGuard` is what both apps share: ``admits`` is asked for every input event
before Textual routes it, ``check`` after every resize and every change of the screen on
top (a screen pushed meanwhile, say an idle warning, goes under the message again). It
has no timer of its own: an idle console must not wake up to look at its size.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static

from acom_tui.i18n import t

__all__ = ["MIN_SIZE", "SizeGuard", "TooSmallScreen"]

MIN_SIZE = Size(80, 24)
_QUIT_ACTIONS = ("quit", "app.quit")


def too_small(size: Size) -> bool:
    return size.width < MIN_SIZE.width or size.height < MIN_SIZE.height


def quit_bindings(screen: Screen[Any]) -> dict[str, Binding]:
    """The keys that quit from ``screen`` (F10 and Ctrl+Q, unless the keymap says else)."""
    return {
        key: active.binding
        for key, active in screen.active_bindings.items()
        if active.binding.action in _QUIT_ACTIONS
    }


class TooSmallScreen(Screen[None]):
    """ "Terminal too small: W x H, needs 80 x 24", and how to quit."""

    CSS_PATH = "too_small.tcss"
    AUTO_FOCUS = None
    BINDINGS: ClassVar[list[Any]] = []

    def __init__(self, size: Size) -> None:
        super().__init__()
        self._shown_size = size

    def compose(self) -> ComposeResult:
        yield Static(id="too-small-message", markup=False)

    def on_mount(self) -> None:
        # Only once this screen is on top do its bindings include the app's own.
        self.show(self._shown_size)

    def _quit_key(self) -> str:
        for key, binding in quit_bindings(self).items():
            return self.app.get_key_display(binding.with_key(key))
        return ""

    @property
    def message(self) -> str:
        size = self._shown_size
        return "\n".join(
            (
                t(
                    "terminal.too_small",
                    width=size.width,
                    height=size.height,
                    min_width=MIN_SIZE.width,
                    min_height=MIN_SIZE.height,
                ),
                t("terminal.too_small_hint", key=self._quit_key()),
            )
        )

    def show(self, size: Size) -> None:
        self._shown_size = size
        if self.is_mounted:
            self.query_one("#too-small-message", Static).update(self.message)


class SizeGuard:
    """Keeps ``app`` behind :class:`TooSmallScreen` while the terminal is too small."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.size: Size | None = None

    def start(self) -> None:
        """From the app's ``on_mount``: its first screen is on the stack by then."""
        self.size = self.app.size
        self.app.screen_change_signal.subscribe(self.app, self._screen_changed)
        self.check()

    def _screen_changed(self, _screen: Screen[Any]) -> None:
        self.check()

    def resized(self, size: Size) -> None:
        self.size = size
        self.check()

    @property
    def blocking(self) -> bool:
        return self.size is not None and too_small(self.size)

    def admits(self, event: events.Event) -> bool:
        """Whether an input event may go on to the screens (always, unless too small)."""
        if not self.blocking:
            return True
        if isinstance(event, events.Key):
            return event.key in quit_bindings(self.app.screen)
        return not isinstance(event, events.MouseEvent | events.Paste)

    def check(self) -> None:
        app = self.app
        size = self.size
        if size is None or not app.screen_stack:
            return
        top = app.screen
        if too_small(size):
            if isinstance(top, TooSmallScreen):
                top.show(size)
            else:
                app.push_screen(TooSmallScreen(size))
        elif isinstance(top, TooSmallScreen):
            app.pop_screen()
