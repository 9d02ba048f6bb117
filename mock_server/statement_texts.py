"""Statement descriptions in the language asked for (SPEC 2.9 rows are written in Japanese).

The ledger keeps each row's description as the lender writes it: a fixed phrase, then for
a transfer the bank's name (``振込による借入れ 楽天銀行``). The phrase is translated; names
of banks and shops are names and stay as they are.
"""

from __future__ import annotations

from typing import Final

from mock_server.language import Lang

__all__ = ["describe"]

_PHRASES_EN: Final = {
    "振込による借入れ": "Borrowing by bank transfer",
    "振込による返済": "Repayment by bank transfer",
    "口座振替 カードご利用代金": "Direct debit, card bill",
    "公共料金 カード払い": "Utility bill paid by card",
    "ショッピング 1回払い": "Shopping, single payment",
}


def describe(description: str | None, lang: Lang) -> str | None:
    """``description`` in ``lang``: the known phrase translated, a name after it kept."""
    if description is None or lang == "ja":
        return description
    for phrase, english in _PHRASES_EN.items():
        if description == phrase:
            return english
        if description.startswith(phrase + " "):
            return f"{english}, {description[len(phrase) + 1 :]}"
    return description
