"""The baselines of benchmarks/startup.py: bare Textual apps.

``python benchmarks/bare_app.py FILE`` shows one line of text; with ``--form`` it shows
the Textual widgets the login screen is built from (two inputs, a checkbox, a button and
a few lines of text) with no code of ours. Each paints its first screen, writes the
wall-clock time of that paint to FILE and exits, as ``acom-tui --benchmark-first-paint``.
With ``--inputs`` it shows one line and two inputs, and with ``--stay`` it keeps running
after the first paint: the per-session baseline of ``benchmarks/host.py``; ``--no-blink``
stops the inputs' cursor from blinking (what blinking costs an idle process).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Button, Checkbox, Input, Label


class BareApp(App[None]):
    def __init__(
        self,
        record_to: Path,
        *,
        form: bool = False,
        inputs: bool = False,
        stay: bool = False,
        blink: bool = True,
    ) -> None:
        super().__init__()
        self._record_to = record_to
        self._form = form
        self._inputs = inputs
        self._stay = stay
        self._blink = blink

    def compose(self) -> ComposeResult:
        yield Label("Hello")
        if self._form:
            yield Input(placeholder="8 digits", compact=True)
            yield Input(placeholder="4 digits", password=True, compact=True)
            yield Checkbox("Remember")
            yield Button("Log in", compact=True)
            for _ in range(4):
                yield Label("Some text")
        elif self._inputs:
            first = Input(placeholder="8 digits", compact=True)
            second = Input(placeholder="4 digits", password=True, compact=True)
            first.cursor_blink = second.cursor_blink = self._blink
            yield first
            yield second

    def on_mount(self) -> None:
        self.call_after_refresh(self._painted)

    def _painted(self) -> None:
        if self._stay:
            return
        self._record_to.write_text(f"{time.time():.6f}\n", encoding="utf-8")
        self.exit()


if __name__ == "__main__":
    flags = sys.argv[2:]
    BareApp(
        Path(sys.argv[1]),
        form="--form" in flags,
        inputs="--inputs" in flags,
        stay="--stay" in flags,
        blink="--no-blink" not in flags,
    ).run()
