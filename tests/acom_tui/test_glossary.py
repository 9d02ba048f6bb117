"""The catalogues and the mock's e-mails follow the glossary of docs/i18n.md."""

from __future__ import annotations

import inspect
import re
from datetime import date
from pathlib import Path

import pytest

from acom_tui.i18n import catalogue
from mock_server import mailer, notice_texts

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "i18n.md"


def _glossary() -> list[tuple[str, list[str], list[str]]]:
    """(concept, banned Japanese words, banned English words) from the glossary table."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("## Glossary", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 5 or cells[0] in ("concept", "---") or set(cells[0]) <= {"-"}:
            continue
        split = lambda cell: [w.strip() for w in cell.split(",") if w.strip()]  # noqa: E731
        rows.append((cells[0], split(cells[3]), split(cells[4])))
    return rows


GLOSSARY = _glossary()


def test_the_glossary_is_read() -> None:
    concepts = [concept for concept, _ja, _en in GLOSSARY]
    assert "the day a repayment is due" in concepts
    assert len(concepts) >= 10
    banned_ja = {word for _c, ja, _en in GLOSSARY for word in ja}
    assert {"お支払日", "最低お支払額", "ご返済金額"} <= banned_ja


def _offenders(texts: dict[str, str], lang: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for concept, ja, en in GLOSSARY:
        for word in ja if lang == "ja" else en:
            pattern = re.compile(
                re.escape(word) if lang == "ja" else rf"\b{re.escape(word)}\b", re.I
            )
            for key, text in texts.items():
                if pattern.search(text):
                    found.setdefault(key, []).append(f"{word} ({concept})")
    return found


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_catalogues_use_no_word_the_glossary_bans(lang: str) -> None:
    assert _offenders(dict(catalogue(lang)), lang) == {}


def test_japanese_uses_henzai_not_oshiharai() -> None:
    offenders = {key for key, text in catalogue("ja").items() if "お支払" in text}
    assert offenders == set()


def test_mails_use_no_word_the_glossary_bans() -> None:
    source = inspect.getsource(mailer)
    assert _offenders({"mailer.py (ja)": source}, "ja") == {}
    day = date(2026, 12, 8)
    facts = {
        **notice_texts.due_facts(day, 4_000),
        **notice_texts.overdue_facts(
            day, overdue_days=1, minimum_payment=4_000, late_interest=22, payoff_amount=80_022
        ),
    }
    english = {
        kind: "\n".join(notice_texts.english_notice(kind, day, facts))  # type: ignore[arg-type]
        for kind in ("due_soon", "due_today", "overdue", "card_renewal", "campaign")
    }
    assert _offenders(english, "en") == {}
