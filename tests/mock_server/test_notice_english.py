"""A notice read in English carries the figures of the Japanese mail (SPEC 2.12, issue 14).

The outbox keeps each mail as sent (Japanese) and its figures as data; the English text is
written from those figures: ``¥4,000`` and ``Tue 8 Dec 2026``, as the client writes them.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

import httpx

from acom_contract.jst import JST
from tests.conftest import ADMIN_TOKEN

PIN = "4829"
ADMIN = {"X-Admin-Token": ADMIN_TOKEN}
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
YEN_JA = re.compile(r"([0-9][0-9,]*)円")
DATE_JA = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def english_date(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


async def login(http: httpx.AsyncClient, number: str) -> dict[str, str]:
    response = await http.post("/v1/sessions", json={"member_number": number, "pin": PIN})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def notices(http: httpx.AsyncClient, auth: dict[str, str], lang: str) -> list[Any]:
    response = await http.get(
        "/v1/me/notices", headers={**auth, "Accept-Language": lang}, params={"limit": "100"}
    )
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items


async def set_clock(http: httpx.AsyncClient, when: datetime) -> None:
    response = await http.put("/v1/admin/clock", headers=ADMIN, json={"now": when.isoformat()})
    assert response.status_code == 200, response.text


async def by_kind(http: httpx.AsyncClient, auth: dict[str, str], kind: str) -> tuple[Any, Any]:
    """The newest notice of ``kind``, in Japanese and in English."""
    [ja] = [item for item in await notices(http, auth, "ja") if item["kind"] == kind][:1]
    [en] = [item for item in await notices(http, auth, "en") if item["id"] == ja["id"]]
    return ja, en


def assert_same_figures(ja: dict[str, Any], en: dict[str, Any]) -> None:
    """Every amount and date of the Japanese body is in the English one, and no Japanese."""
    amounts = YEN_JA.findall(ja["body"])
    days = {date(int(y), int(m), int(d)) for y, m, d in DATE_JA.findall(ja["body"])}
    missing = [f"¥{amount}" for amount in amounts if f"¥{amount}" not in en["body"]]
    missing += [english_date(day) for day in days if english_date(day) not in en["body"]]
    assert missing == [], en["body"]
    assert not JAPANESE.search(en["subject"] + en["body"]), en["body"]


async def test_every_roster_notice_in_english_has_the_japanese_figures(
    http: httpx.AsyncClient,
) -> None:
    checked = 0
    for number in ("10000001", "10000008", "10000010"):
        auth = await login(http, number)
        japanese = await notices(http, auth, "ja")
        english = {item["id"]: item for item in await notices(http, auth, "en")}
        for item in japanese:
            assert_same_figures(item, english[item["id"]])
            checked += len(YEN_JA.findall(item["body"]))
    # 10000008's reminders and overdue notice carry figures: the check saw some.
    assert checked >= 3


async def test_overdue_notice_in_english_names_its_figures(http: httpx.AsyncClient) -> None:
    auth = await login(http, "10000008")
    ja, en = await by_kind(http, auth, "overdue")
    assert "最低返済額: 9,000円" in ja["body"]
    assert "Minimum payment: ¥9,000" in en["body"]
    assert "Your due date, Fri 27 Nov 2026, has passed" in en["body"]
    assert "Days since the due date: 1\n" in en["body"]
    assert_same_figures(ja, en)


async def test_reminders_after_a_borrowing_name_its_minimum_payment_in_english(
    http: httpx.AsyncClient,
) -> None:
    """10000006 has borrowed nothing; after borrowing, the reminders carry the new figures."""
    auth = await login(http, "10000006")
    settings = {
        "email": "member06@example.jp",
        "due_reminders": True,
        "overdue_notices": True,
        "card_renewal": False,
        "campaigns": False,
    }
    response = await http.put("/v1/me/notification-settings", headers=auth, json=settings)
    assert response.status_code == 200, response.text
    response = await http.post(
        "/v1/me/borrowings",
        json={"amount": 70_000},
        headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 201, response.text
    account = (await http.get("/v1/me/account", headers=auth)).json()
    due = date.fromisoformat(account["next_due_date"])
    minimum = account["minimum_payment"]
    assert minimum > 0

    # Moving the clock by days ends the session: log in again after each move.
    await set_clock(http, datetime.combine(due - timedelta(days=3), time(9, 30), JST))
    auth = await login(http, "10000006")
    ja, en = await by_kind(http, auth, "due_soon")
    assert f"最低返済額: {minimum:,}円" in ja["body"]
    assert f"Minimum payment: ¥{minimum:,}" in en["body"]
    assert f"Due date: {english_date(due)}" in en["body"]
    assert_same_figures(ja, en)

    await set_clock(http, datetime.combine(due + timedelta(days=1), time(9, 30), JST))
    auth = await login(http, "10000006")
    account = (await http.get("/v1/me/account", headers=auth)).json()
    ja, en = await by_kind(http, auth, "overdue")
    assert f"Amount to pay off (as of {english_date(due + timedelta(days=1))}): " in en["body"]
    assert f"¥{account['payoff_amount']:,}" in en["body"]
    assert_same_figures(ja, en)
    ja, en = await by_kind(http, auth, "due_today")
    assert f"Today, {english_date(due)}, is your repayment due date." in en["body"]
    assert_same_figures(ja, en)
