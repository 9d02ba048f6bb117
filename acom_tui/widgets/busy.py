"""One way to show that a widget waits for an answer, for screens and dialogs alike."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from textual.widget import Widget

__all__ = ["BUSY_INDICATOR_AFTER_S", "busy"]

BUSY_INDICATOR_AFTER_S = 0.15


@contextmanager
def busy(widget: Widget, after: float = BUSY_INDICATOR_AFTER_S) -> Iterator[None]:
    """Show ``widget`` as loading only if the wait lasts longer than ``after`` seconds.

    An answer in a few milliseconds (the demo, a near server) would otherwise flash the
    indicator on and off and cost two layouts of the screen; a slow one still shows it.
    ``after=0`` shows it at once: a form that sent a request, or waits for the figures it
    would overwrite, refuses input until the answer (the indicator covers the widget).
    Screens that must refuse a second submit before the indicator shows keep their own flag.
    """

    def show() -> None:
        widget.loading = True

    timer = widget.set_timer(after, show) if after > 0 else None
    if timer is None:
        show()
    try:
        yield
    finally:
        if timer is not None:
            timer.stop()
        if widget.loading:
            widget.loading = False
