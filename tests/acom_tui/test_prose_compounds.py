"""Compound verbs written with okurigana (取り消し, 申し込み) are never broken across lines."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from acom_tui.i18n import catalogue
from acom_tui.widgets.prose import phrases, wrap_text

# Each is in the Japanese catalogue; the old heuristic allowed a break after the first kana
# (取り/消し), since a hiragana before a kanji usually ends a phrase.
COMPOUNDS = (
    "取り消",
    "申し込",
    "受け付",
    "受け取",
    "読み込",
    "問い合",
    "繰り返",
    "書き込",
    "切り替",
    "送り直",
)


def _messages_with(word: str) -> list[str]:
    return [text for text in catalogue("ja").values() if word in text]


def _cut_inside(lines: list[str], word: str) -> bool:
    """Whether ``word`` is in the text more often than whole on single lines."""
    return "".join(lines).count(word) > sum(line.count(word) for line in lines)


@pytest.mark.parametrize("word", COMPOUNDS)
def test_the_catalogue_has_the_compound(word: str) -> None:
    assert _messages_with(word), word


@pytest.mark.parametrize("word", COMPOUNDS)
def test_a_compound_in_a_catalogue_message_stays_on_one_line(word: str) -> None:
    cut = []
    for text in _messages_with(word):
        # A phrase wider than the line is broken inside by design; from its width up, a
        # break may fall only between phrases.
        widest = max(cell_len("".join(p)) for part in text.split("\n") for p in phrases(part))
        for width in range(max(widest, 16), 81):
            lines = wrap_text(text, width)
            assert "".join(lines).replace(" ", "") == text.replace(" ", "").replace("\n", "")
            assert all(cell_len(line) <= width for line in lines)
            if _cut_inside(lines, word):
                cut.append((width, lines))
    assert cut == []


def test_the_rule_joins_compounds_and_keeps_real_phrase_ends() -> None:
    found = ["".join(p) for p in phrases("お申し込みを取り消し、口座から引き落とします。")]
    assert found == ["お申し込みを", "取り消し、", "口座から", "引き落とします。"]
    # A kana before a word of two kanji, or a particle between kanji, still ends a phrase.
    assert ["".join(p) for p in phrases("お借入れ残高と同じ名前の期日に返済")] == [
        "お借入れ",
        "残高と",
        "同じ",
        "名前の",
        "期日に",
        "返済",
    ]
