"""The language of the texts the server writes for a member: ``Accept-Language``, ja or en.

Codes and figures are the contract; a few answers also carry words written by the server
(a notice's subject and body, a document's rejection reason, a statement's description).
Those come in the language the client asks for. Only Japanese and English exist; anything
else, a malformed header or none at all gets Japanese, the lender's own language.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal

from fastapi import Depends, Header

__all__ = ["DEFAULT_LANGUAGE", "Lang", "Language", "preferred_language"]

Lang = Literal["ja", "en"]
DEFAULT_LANGUAGE: Final[Lang] = "ja"
_MAX_HEADER = 256


def preferred_language(header: str | None) -> Lang:
    """The best of ja and en for an ``Accept-Language`` value (RFC 9110 quality order)."""
    if not header or len(header) > _MAX_HEADER:
        return DEFAULT_LANGUAGE
    best: tuple[float, int, Lang] | None = None
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in ("ja", "en"):
            continue
        quality = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                continue
        if quality <= 0:
            continue
        # Higher quality first; between equals, the one listed first.
        lang: Lang = "ja" if primary == "ja" else "en"
        candidate = (quality, -position, lang)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return best[2] if best is not None else DEFAULT_LANGUAGE


async def _language(
    accept_language: Annotated[
        str | None,
        Header(
            description="ja or en: the language of texts the server writes (default ja)",
        ),
    ] = None,
) -> Lang:
    return preferred_language(accept_language)


Language = Annotated[Lang, Depends(_language)]
