"""Line breaking of prose: between Japanese phrases, never inside a word or an amount."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len

from acom_tui.i18n import catalogue
from acom_tui.widgets.prose import phrases, wrap_text

# Words from the catalogues that the old character-by-character wrap cut in two.
WHOLE = ("盗まれたとき", "理由", "本人確認書類", "お手続きください", "ご返済期日", "むじんくん")
TEXT = (
    "ローンカードを紛失したり盗まれたりしたときは、他人に悪用されるおそれがあります。"
    "詳しい理由とお手続きについては、本人確認書類をお持ちのうえ、店頭窓口または"
    "自動契約機（むじんくん）でお手続きください。次回のご返済期日は2026年12月8日です。"
)


def _cut_inside(lines: list[str], word: str) -> bool:
    """Whether ``word`` occurs in the text but in no single line (a break fell inside it)."""
    return word in "".join(lines) and not any(word in line for line in lines)


# From the width of the longest phrase ("されるおそれがあります。"); narrower lines must
# break inside phrases.
@pytest.mark.parametrize("width", range(24, 81))
def test_japanese_breaks_between_phrases(width: int) -> None:
    lines = wrap_text(TEXT, width)
    assert "".join(lines) == TEXT
    assert all(cell_len(line) <= width for line in lines)
    cut = [word for word in WHOLE if _cut_inside(lines, word)]
    assert cut == [], (width, lines)


def test_phrases_end_after_particles_and_punctuation() -> None:
    found = ["".join(p) for p in phrases("盗まれたときは、ATMやご返済期日の理由を（むじんくん）で")]
    assert found == ["盗まれたときは、", "ATMや", "ご返済期日の", "理由を", "（むじんくん）で"]


@pytest.mark.parametrize("width", range(10, 30))
def test_an_amount_is_never_split(width: int) -> None:
    text = "Your minimum payment of ¥120,000 is due; ご返済額は120,000円です。"
    lines = wrap_text(text, width)
    assert any("¥120,000" in line for line in lines), lines
    assert any("120,000円" in line for line in lines), lines


def test_a_phrase_longer_than_the_line_still_fits() -> None:
    lines = wrap_text("あいうえおかきくけこさしすせそ", 8)
    assert all(cell_len(line) <= 8 for line in lines)
    assert "".join(lines) == "あいうえおかきくけこさしすせそ"


@pytest.mark.parametrize("width", [40, 56, 76])
def test_no_catalogue_line_starts_with_closing_punctuation(width: int) -> None:
    for text in catalogue("ja").values():
        for line in wrap_text(text, width)[1:]:
            assert not re.match(r"[、。）」』】]", line), (text, line)
