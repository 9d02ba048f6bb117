"""Times are stored as ISO 8601 text in Japan time, so text order is time order."""

from __future__ import annotations

from datetime import date, datetime

from acom_contract.schemas import JST


def iso(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("naive datetime reached the store")
    return at.astimezone(JST).isoformat()


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(JST)


def parse_opt(text: str | None) -> datetime | None:
    return None if text is None else parse(text)


def day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)
