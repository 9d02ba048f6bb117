"""The bottom line: the keys that work on this screen, as one line of text.

Textual's ``Footer`` builds a widget per key and rebuilds them whenever focus moves; at
start-up that alone cost about a quarter of the time to the first screen (measured by
``benchmarks/startup.py``). This bar draws the same information as a single line and is
only repainted when the bindings change. A click on a key runs it; the keyboard never
needs the bar.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

__all__ = ["KeyBar"]


@dataclass(frozen=True, slots=True)
class _Slot:
    start: int
    end: int
    action: str
    node: DOMNode


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $panel;
        color: $foreground;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._slots: list[_Slot] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self.refresh()

    def render(self) -> Content:
        key_style = "bold $accent"
        parts: list[Content] = []
        slots: list[_Slot] = []
        position = 1
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            key = self.app.get_key_display(binding)
            part = Content.assemble((key, key_style), " ", binding.description)
            width = cell_len(key) + 1 + cell_len(binding.description)
            slots.append(_Slot(position, position + width, binding.action, active.node))
            parts.append(part)
            position += width + 2
        self._slots = slots
        return Content(" ") + Content("  ").join(parts)

    async def on_click(self, event: events.Click) -> None:
        for slot in self._slots:
            if slot.start <= event.x < slot.end:
                event.stop()
                await self.app.run_action(slot.action, slot.node)
                return
