"""The bottom line: the keys that work on this screen, as one line of text.

Textual's ``Footer`` builds a widget per key and rebuilds them whenever focus moves; at
start-up that alone cost about a quarter of the time to the first screen (measured by
``benchmarks/startup.py``). This bar draws the same information as a single line and is
only repainted when the bindings change. A click on a key runs it; the keyboard never
needs the bar. Descriptions are catalogue keys, translated here (``keys.label``) in the
language of the moment.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

from acom_tui.keys import label

__all__ = ["KeyBar"]

_PALETTE_ACTIONS = frozenset({"command_palette", "app.command_palette"})


class _Slot(NamedTuple):
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
        items: list[tuple[str, str, str, DOMNode]] = []
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.show or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            key = self.app.get_key_display(binding)
            items.append((key, label(binding.description), binding.action, active.node))
        items = self._fitting(items)
        parts: list[Content] = []
        slots: list[_Slot] = []
        position = 1
        for key, text, action, node in items:
            width = cell_len(key) + 1 + cell_len(text)
            slots.append(_Slot(position, position + width, action, node))
            parts.append(Content.assemble((key, key_style), " ", text))
            position += width + 2
        self._slots = slots
        return Content(" ") + Content("  ").join(parts)

    def _fitting(
        self, items: list[tuple[str, str, str, DOMNode]]
    ) -> list[tuple[str, str, str, DOMNode]]:
        """The items that fit the bar, the palette's always: it finds the ones left out
        (and F1 lists them), so a crowded screen never cuts a key in half."""
        room = self.size.width
        if not room:
            return items

        def width(kept: list[tuple[str, str, str, DOMNode]]) -> int:
            return 1 + sum(cell_len(k) + 1 + cell_len(t) + 2 for k, t, _a, _n in kept) - 2

        kept = list(items)
        while len(kept) > 1 and width(kept) > room:
            droppable = [i for i, item in enumerate(kept) if item[2] not in _PALETTE_ACTIONS]
            if not droppable:
                break
            del kept[droppable[-1]]
        return kept

    async def on_click(self, event: events.Click) -> None:
        for slot in self._slots:
            if slot.start <= event.x < slot.end:
                event.stop()
                await self.app.run_action(slot.action, slot.node)
                return
