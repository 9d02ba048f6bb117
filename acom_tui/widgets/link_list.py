"""A row of links (help pages, other screens) as one focusable widget.

The login screen's five help links were five buttons in two rows: eight widgets, and the
largest default stylesheet of Textual's (Button's) to parse before the first paint. This
draws the same links, wrapped to the width, in one widget: Tab reaches it once, the arrow
keys choose a link, Enter or Space opens it, and a click opens the link under the pointer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["Link", "LinkList"]


class Link(NamedTuple):
    id: str
    label: str


class _Placed(NamedTuple):
    link: int
    row: int
    start: int
    end: int


class LinkList(Widget, can_focus=True):
    DEFAULT_CSS = """
    LinkList { width: 1fr; height: auto; }
    LinkList > .link-list--link { background: $panel; text-style: bold; }
    LinkList > .link-list--title { text-style: bold; }
    LinkList:focus > .link-list--highlight {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold underline;  /* underlined: still seen with NO_COLOR */
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "link-list--link",
        "link-list--highlight",
        "link-list--title",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,up", "move(-1)", show=False, id="link.previous"),
        Binding("right,down", "move(1)", show=False, id="link.next"),
        Binding("enter,space", "open", show=False, id="link.open"),
    ]

    highlighted: reactive[int] = reactive(0, repaint=True)

    class Selected(Message):
        """A link was opened (Enter, Space or a click)."""

        def __init__(self, link_list: LinkList, link: Link) -> None:
            super().__init__()
            self.link_list = link_list
            self.link = link

        @property
        def control(self) -> LinkList:
            return self.link_list

    def __init__(
        self,
        links: Sequence[Link],
        *,
        gap: int = 2,
        title: str = "",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.links = tuple(links)
        self.gap = gap
        # A line above the links, in bold ("Need help?"): part of this widget, not a label
        # of its own (one widget fewer on the login screen, about a millisecond).
        self.title = title

    def place(self, width: int) -> list[_Placed]:
        """Where each link goes: left to right, a new row when the next does not fit."""
        placed: list[_Placed] = []
        row = 1 if self.title else 0
        column = 0
        for index, link in enumerate(self.links):
            size = cell_len(link.label) + 2
            if column and column + size > width:
                row += 1
                column = 0
            placed.append(_Placed(index, row, column, column + size))
            column += size + self.gap
        return placed

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        placed = self.place(width)
        return placed[-1].row + 1 if placed else (1 if self.title else 0)

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        base = self.rich_style
        blank = Style(bgcolor=base.bgcolor)
        if self.title and y == 0:
            title_style = self.get_component_rich_style("link-list--title")
            return Strip([Segment(self.title, title_style)]).crop_extend(0, width, blank)
        link_style = self.get_component_rich_style("link-list--link")
        highlight_style = self.get_component_rich_style("link-list--highlight")
        segments: list[Segment] = []
        column = 0
        for spot in self.place(width):
            if spot.row != y:
                continue
            style = (
                highlight_style if self.has_focus and spot.link == self.highlighted else link_style
            )
            segments.append(Segment(" " * (spot.start - column), blank))
            pad = Segment(" ", style + Style(bold=False))
            segments += [pad, Segment(self.links[spot.link].label, style), pad]
            column = spot.end
        return Strip(segments).crop_extend(0, width, blank)

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh()

    def action_move(self, step: int) -> None:
        if self.links:
            self.highlighted = max(0, min(len(self.links) - 1, self.highlighted + step))

    def action_open(self) -> None:
        if 0 <= self.highlighted < len(self.links):
            self.post_message(self.Selected(self, self.links[self.highlighted]))

    def on_click(self, event: events.Click) -> None:
        for spot in self.place(self.content_size.width):
            if spot.row == event.y and spot.start <= event.x < spot.end:
                event.stop()
                self.highlighted = spot.link
                self.action_open()
                return
