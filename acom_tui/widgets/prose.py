"""Paragraphs wrapped the way Japanese is typeset: between phrases, with 禁則処理.

Textual wraps at spaces, which Japanese has few of. :func:`wrap_text` breaks Japanese
between phrases (文節), as a reader would: after a particle or an inflection (the end of a
hiragana run before a kanji, katakana or Latin word), after 、。 and before an opening
bracket, and never inside a word such as 理由 or 盗まれたとき, nor inside a compound verb
written with okurigana (取り消し, 申し込み, 引き落とし). Runs of ASCII (numbers,
phone numbers, English words) stay whole, ``¥`` stays with its amount and a number with
the unit after it (``120,000円``). The basic line-breaking rules (禁則処理) hold: closing
punctuation never starts a line and opening brackets never end one. Only a phrase longer
than a whole line is broken inside, between characters. Widths are terminal cells.

The phrase rule is a deliberately small heuristic (no dictionary, nothing to load at
start-up); it is written for the catalogue's own polite prose, where it finds the same
breaks a dictionary-based segmenter would.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from rich.cells import cell_len
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

__all__ = ["NO_END", "NO_START", "Prose", "phrases", "wrap_text"]

# Characters that must not begin a line (行頭禁則).
NO_START: Final = frozenset(
    "、。，．,.）)」』】〕〉》］｝”’:：;；!！?？%％・ー～ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
)
# Characters that must not end a line (行末禁則).
NO_END: Final = frozenset("（(「『【〔〈《［｛“‘")
# A phrase may end after these.
_PHRASE_END: Final = frozenset("、。，．）」』】〕〉》］｝！？・")
_CLOSING: Final = frozenset("）」』】〕〉》］｝")
# Honorific prefixes: they begin the phrase of the word they precede (ご返済, お手続き).
_PREFIXES: Final = frozenset("おご御")
# The okurigana that joins the two verbs of a compound (取り消し, 申し込み, 受け付け): the
# -i and -e kana of the 連用形. に, へ, で and て are left out: between kanji they are
# nearly always particles (期日に返済), where a phrase does end.
_JOINING_KANA: Final = frozenset("いきぎしじちぢひびみりえけげせぜねべめれ")

# A run of printable ASCII (and the yen sign that leads an amount) is one token.
# An amount keeps its 円 even when a line is too narrow for the phrase around it.
_TOKEN = re.compile(r"[!-~¥￥]+円?| |.", re.DOTALL)


def _tokens(paragraph: str) -> list[str]:
    # "0120-000-000", "ATM", "¥120,000" and "120,000円" are never split.
    return _TOKEN.findall(paragraph)


def _script(char: str) -> str:
    """H hiragana, K katakana, C kanji, A Latin and digits, O anything else."""
    code = ord(char)
    if 0x3041 <= code <= 0x309F:
        return "H"
    if 0x30A0 <= code <= 0x30FF or 0xFF66 <= code <= 0xFF9F:
        return "K"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or char in "々〆":
        return "C"
    if char in "¥￥" or 0x21 <= code <= 0x7E or 0xFF10 <= code <= 0xFF5A:
        return "A"
    return "O"


def _may_break(before: str, token: str, after: str | None) -> bool:
    """Whether a line may break between the tokens ``before`` and ``token``."""
    if before.isspace() or token.isspace():
        return True
    first, last = token[0], before[-1]
    if first in NO_START or last in NO_END:
        return False
    left, right = _script(last), _script(first)
    if last in _CLOSING and right == "H":
        # A particle after a bracket belongs to it: 「（むじんくん）で」.
        return False
    if last in _PHRASE_END or first in NO_END:
        return True
    if left == "H":
        if first in _PREFIXES and after is not None and _script(after[0]) in "CK":
            return True
        if last in _PREFIXES and right in "CK":
            return False
        return right in "CKA"
    return False


def _inside_compound(tokens: list[str], index: int) -> bool:
    """Whether ``tokens[index]`` is the second verb of an okurigana compound: kanji, one
    joining kana, then a single kanji with its own okurigana (取り|消し, 引き|落とし).

    The single kanji is what tells 取り消し from 借入れ残高 or 同じ名前, where a word does
    end after the kana; a compound whose second verb has two kanji is rare in this prose.
    """
    if index < 2 or index + 1 >= len(tokens):
        return False
    head, kana, verb, tail = tokens[index - 2 : index + 2]
    return (
        _script(head[-1]) == "C"
        and kana in _JOINING_KANA
        and len(verb) == 1
        and _script(verb) == "C"
        and _script(tail[0]) == "H"
    )


def phrases(paragraph: str) -> list[list[str]]:
    """``paragraph`` as phrases, each a list of tokens; a line breaks only between them."""
    tokens = _tokens(paragraph)
    found: list[list[str]] = []
    for index, token in enumerate(tokens):
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        if found and (
            _inside_compound(tokens, index) or not _may_break(found[-1][-1], token, after)
        ):
            found[-1].append(token)
        else:
            found.append([token])
    return found


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
    for phrase in phrases(paragraph):
        text = "".join(phrase)
        size = cell_len(text)
        if used + size <= width:
            lines[-1].append(text)
            used += size
            continue
        if text.isspace():
            lines.append([])
            used = 0
            continue
        if size <= width:
            # The whole phrase moves to the next line; the break between phrases is legal.
            while lines[-1] and lines[-1][-1] == " ":
                lines[-1].pop()
            lines.append([text])
            used = size
            continue
        # Longer than a line: broken inside, token by token, with 禁則処理.
        for token in phrase:
            size = cell_len(token)
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


@lru_cache(maxsize=256)
def _wrapped(text: str, width: int) -> tuple[str, ...]:
    """``wrap_text`` for the widgets: one layout asks for the same text at the same width
    several times (content height, box model, render), and each screen has the same
    banners and hints again."""
    return tuple(wrap_text(text, width))


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
        if self.is_mounted:
            # A layout already under way when the text changes can keep the old height
            # (seen on Python 3.13 under load: the second line of a new text cut off);
            # look again once the screen has refreshed.
            self.call_after_refresh(self._check_height)

    def _check_height(self) -> None:
        width = self.content_region.width
        if width and self._text and self.content_region.height != len(_wrapped(self._text, width)):
            self.refresh(layout=True)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max((cell_len(line) for line in self._text.split("\n")), default=0)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(_wrapped(self._text, width)) if self._text else 0

    def render(self) -> Content:
        width = self.content_region.width or self.size.width
        return Content("\n".join(_wrapped(self._text, width)))
