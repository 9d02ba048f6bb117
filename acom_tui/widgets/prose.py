"""Paragraphs wrapped the way Japanese is typeset: no 。 or ） at the start of a line.

Textual wraps at spaces, which Japanese has few of: it leaves "2." alone on a line
before a long sentence, starts lines with 。 and ends them with （. :func:`wrap_text` breaks
between any two Japanese characters, keeps runs of ASCII (numbers, phone numbers, English
words) together, and applies the basic line-breaking rules (禁則処理): closing punctuation
never starts a line and opening brackets never end one. Widths are terminal cells.
"""

from __future__ import annotations

import re
from typing import Final

from rich.cells import cell_len
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

__all__ = ["NO_END", "NO_START", "Prose", "wrap_text"]

# Characters that must not begin a line (行頭禁則).
NO_START: Final = frozenset(
    "、。，．,.）)」』】〕〉》］｝”’:：;；!！?？%％・ー～ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
)
# Characters that must not end a line (行末禁則).
NO_END: Final = frozenset("（(「『【〔〈《［｛“‘")

_TOKEN = re.compile(r"[!-~]+| |.", re.DOTALL)


def _tokens(paragraph: str) -> list[str]:
    # A run of printable ASCII stays one token: "0120-000-000" or "ATM" is never split.
    return _TOKEN.findall(paragraph)


def _split_long(token: str, width: int) -> list[str]:
    parts: list[str] = []
    current = ""
    for char in token:
        if current and cell_len(current + char) > width:
            parts.append(current)
            current = ""
        current += char
    if current:
        parts.append(current)
    return parts


def _wrap_paragraph(paragraph: str, width: int) -> list[str]:
    lines: list[list[str]] = [[]]
    used = 0
    for token in _tokens(paragraph):
        size = cell_len(token)
        line = lines[-1]
        if used + size <= width:
            line.append(token)
            used += size
            continue
        if token.isspace():
            lines.append([])
            used = 0
            continue
        pieces = _split_long(token, width) if size > width else [token]
        for piece in pieces:
            line = lines[-1]
            if line and used + cell_len(piece) > width:
                carried = _kinsoku_carry(line, piece)
                lines.append(carried)
                line = carried
                used = sum(cell_len(p) for p in line)
            line.append(piece)
            used += cell_len(piece)
    return ["".join(line).rstrip(" ") for line in lines]


def _kinsoku_carry(line: list[str], starter: str) -> list[str]:
    """Tokens moved from the end of ``line`` to the next line, which begins with ``starter``.

    A closing mark may not start the next line, so the character before it moves down
    with it (追い出し); an opening bracket may not end a line, so it moves down too.
    """
    carried: list[str] = []
    if starter and starter[0] in NO_START:
        while len(line) > 1 and line[-1] != " ":
            carried.insert(0, line.pop())
            if carried[0][0] not in NO_START:
                break
    while len(line) > 1 and line[-1] and line[-1][-1] in NO_END:
        carried.insert(0, line.pop())
    while line and line[-1] == " ":
        line.pop()
    return carried


def wrap_text(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` cells; newlines in ``text`` are kept."""
    width = max(width, 2)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, width) if paragraph else [""])
    return lines


class Prose(Widget):
    """A block of catalogue text, wrapped with :func:`wrap_text`; never parsed as markup."""

    DEFAULT_CSS = """
    Prose { width: 1fr; height: auto; }
    """

    def __init__(
        self, text: str = "", *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._text = text

    @property
    def text(self) -> str:
        return self._text

    def update(self, text: str) -> None:
        self._text = text
        self.refresh(layout=True)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max((cell_len(line) for line in self._text.split("\n")), default=0)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(wrap_text(self._text, width)) if self._text else 0

    def render(self) -> Content:
        width = self.content_region.width or self.size.width
        return Content("\n".join(wrap_text(self._text, width)))
