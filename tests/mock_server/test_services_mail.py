"""The e-mail service (SPEC 2.12): settings, the clock-driven outbox, notices, admin mail."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from acom_contract.schemas import JST
from mock_server import mailer
from mock_server.app import create_app
from mock_server.clock import Clock
from mock_server.settings import ServerSettings
from mock_server.store import Store
from tests.conftest import ADMIN_TOKEN, FIXED_NOW

PIN = "4829"
ADMIN = {"X-Admin-Token": ADMIN_TOKEN}
DAY = 86_400
Sent = tuple[str, str, str]  # member, kind, send day

# Worked out by hand from the roster at the fixed clock (Wed 2 Dec 2026, 10:00), for the 40
# days after it (batches of 3 Dec 2026 - 11 Jan 2027):
# - 10000001: due 12 Dec (min 4,000): reminder 9 Dec, on the day 12 Dec; unpaid, so overdue
#   notices the day after and weekly: 13, 20, 27 Dec, 3, 10 Jan; card expires 28 Feb 2027,
#   renewal notice 60 days before: 30 Dec; campaign opt-in: 1 Jan.
# - 10000008: due 27 Nov, overdue since; day 1 (28 Nov) was sent before the window; days 8, 15,
#   22, 29, 36, 43 fall on 5, 12, 19, 26 Dec, 2, 9 Jan.
# - 10000010: due 23 Dec: 20 Dec, 23 Dec, overdue 24, 31 Dec, 7 Jan; campaign 1 Jan.
# - 10000006: nothing borrowed, no campaign opt-in: nothing.
EXPECTED_40_DAYS: dict[str, set[tuple[str, str]]] = {
    "10000001": {
        ("due_soon", "2026-12-09"),
        ("due_today", "2026-12-12"),
        ("overdue", "2026-12-13"),
        ("overdue", "2026-12-20"),
        ("overdue", "2026-12-27"),
        ("overdue", "2027-01-03"),
        ("overdue", "2027-01-10"),
        ("card_renewal", "2026-12-30"),
        ("campaign", "2027-01-01"),
    },
    "10000008": {
        ("overdue", "2026-12-05"),
        ("overdue", "2026-12-12"),
        ("overdue", "2026-12-19"),
        ("overdue", "2026-12-26"),
        ("overdue", "2027-01-02"),
        ("overdue", "2027-01-09"),
    },
    "10000010": {
        ("due_soon", "2026-12-20"),
        ("due_today", "2026-12-23"),
        ("overdue", "2026-12-24"),
        ("overdue", "2026-12-31"),
        ("overdue", "2027-01-07"),
        ("campaign", "2027-01-01"),
    },
    "10000006": set(),
}


async def headers_for(http: httpx.AsyncClient, number: str = "10000001") -> dict[str, str]:
    response = await http.post("/v1/sessions", json={"member_number": number, "pin": PIN})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    return dict(body["error"])


async def all_mail(http: httpx.AsyncClient, **query: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"limit": "7", **query, **({"cursor": cursor} if cursor else {})}
        response = await http.get("/v1/admin/mail", headers=ADMIN, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def sent_after(items: list[dict[str, Any]], start: date) -> set[Sent]:
    found = set()
    for item in items:
        day = datetime.fromisoformat(item["notice"]["created_at"]).date()
        if day >= start:
            found.add((item["member_number"], item["notice"]["kind"], day.isoformat()))
    return found


def expected(members: dict[str, set[tuple[str, str]]]) -> set[Sent]:
    return {(number, kind, day) for number, sent in members.items() for kind, day in sent}


def only(found: set[Sent], numbers: set[str]) -> set[Sent]:
    return {sent for sent in found if sent[0] in numbers}


async def advance(http: httpx.AsyncClient, seconds: int) -> None:
    response = await http.post("/v1/admin/clock/advance", headers=ADMIN, json={"seconds": seconds})
    assert response.status_code == 200


async def test_the_roster_starts_with_a_month_of_history(http: httpx.AsyncClient) -> None:
    items = await all_mail(http)
    found = sent_after(items, date(2026, 10, 28))
    # 10000008 (due 27 Nov): 3 days before, on the day, the day after.
    assert only(found, {"10000008"}) == {
        ("10000008", "due_soon", "2026-11-24"),
        ("10000008", "due_today", "2026-11-27"),
        ("10000008", "overdue", "2026-11-28"),
    }
    # Campaigns of 1 Nov and 1 Dec went to those who opted in, and only to them.
    campaigns = {(n, d) for n, kind, d in found if kind == "campaign"}
    assert campaigns == {
        ("10000001", "2026-11-01"),
        ("10000001", "2026-12-01"),
        ("10000010", "2026-11-01"),
        ("10000010", "2026-12-01"),
    }
    assert all(item["to"] == f"member{item['member_number'][-2:]}@example.jp" for item in items)


async def test_forty_days_in_steps_send_exactly_the_due_messages(http: httpx.AsyncClient) -> None:
    before = await all_mail(http)
    for step in (1, 6, 7, 3, 10, 13):  # 40 days, reading the outbox after each step
        await advance(http, step * DAY)
        await all_mail(http)
    items = await all_mail(http)
    found = sent_after(items, date(2026, 12, 3))
    assert only(found, set(EXPECTED_40_DAYS)) == expected(EXPECTED_40_DAYS)
    # Nothing sent twice, and nothing sent before the window was touched again.
    keys = [(i["member_number"], i["notice"]["kind"], i["notice"]["created_at"]) for i in items]
    assert len(keys) == len(set(keys))
    assert len(items) == len(before) + len(sent_after(items, date(2026, 12, 3)))
    assert all(datetime.fromisoformat(i["notice"]["created_at"]).hour == 9 for i in items)


async def test_one_jump_sends_what_the_steps_send(
    http: httpx.AsyncClient, tmp_path: Path, settings: ServerSettings
) -> None:
    await advance(http, 40 * DAY)
    jumped = sent_after(await all_mail(http), date(2026, 12, 3))

    other_store = Store.open(tmp_path / "stepped.sqlite3")
    try:
        other = create_app(other_store, Clock(FIXED_NOW, frozen=True), settings)
        transport = httpx.ASGITransport(app=other)
        async with httpx.AsyncClient(transport=transport, base_url="http://other") as stepped:
            for _ in range(40):
                await advance(stepped, DAY)
                await all_mail(stepped)
            daily = sent_after(await all_mail(stepped), date(2026, 12, 3))
    finally:
        other_store.close()
    assert jumped == daily
    assert only(jumped, set(EXPECTED_40_DAYS)) == expected(EXPECTED_40_DAYS)


async def test_running_the_same_days_again_sends_nothing(
    http: httpx.AsyncClient, store: Store, clock: Clock
) -> None:
    await advance(http, 40 * DAY)
    count = len(await all_mail(http))
    with store.write() as conn:
        mailer.mark_processed(conn, date(2026, 11, 1))  # forget how far it got
        assert mailer.run_due(conn, clock.now()) == 0
    # And a clock moved back and forward again sends nothing twice either.
    set_back = {"now": FIXED_NOW.isoformat()}
    assert (await http.put("/v1/admin/clock", headers=ADMIN, json=set_back)).status_code == 200
    await all_mail(http)
    await advance(http, 40 * DAY)
    assert len(await all_mail(http)) == count


async def test_toggles_are_respected(http: httpx.AsyncClient) -> None:
    headers = await headers_for(http, "10000001")
    off = {
        "email": "member01@example.jp",
        "due_reminders": False,
        "overdue_notices": True,
        "card_renewal": True,
        "campaigns": False,
    }
    response = await http.put("/v1/me/notification-settings", headers=headers, json=off)
    assert response.status_code == 200
    assert response.json() == off
    headers = await headers_for(http, "10000007")
    opt_in = {
        "email": "member07@example.jp",
        "due_reminders": False,
        "overdue_notices": False,
        "card_renewal": False,
        "campaigns": True,
    }
    assert (
        await http.put("/v1/me/notification-settings", headers=headers, json=opt_in)
    ).status_code == 200

    await advance(http, 40 * DAY)
    found = sent_after(await all_mail(http), date(2026, 12, 3))
    assert only(found, {"10000001"}) == {
        ("10000001", kind, day)
        for kind, day in EXPECTED_40_DAYS["10000001"]
        if kind in ("overdue", "card_renewal")
    }
    assert only(found, {"10000007"}) == {("10000007", "campaign", "2027-01-01")}


async def test_without_an_email_address_nothing_is_sent(http: httpx.AsyncClient) -> None:
    headers = await headers_for(http, "10000008")
    removed = await http.patch(
        "/v1/me/profile", headers=headers, json={"email": None, "current_pin": PIN}
    )
    assert removed.status_code == 200, removed.text
    settings = (await http.get("/v1/me/notification-settings", headers=headers)).json()
    assert settings["email"] is None
    turn_on = {**settings, "campaigns": True}
    response = await http.put("/v1/me/notification-settings", headers=headers, json=turn_on)
    assert response.status_code == 422
    assert error(response)["details"]["field"] == "email"
    await advance(http, 40 * DAY)
    assert only(sent_after(await all_mail(http), date(2026, 12, 3)), {"10000008"}) == set()


async def test_settings_cannot_change_the_address(http: httpx.AsyncClient) -> None:
    headers = await headers_for(http)
    body = {
        "email": "someone-else@example.jp",
        "due_reminders": True,
        "overdue_notices": True,
        "card_renewal": True,
        "campaigns": True,
    }
    response = await http.put("/v1/me/notification-settings", headers=headers, json=body)
    assert response.status_code == 422
    err = error(response)
    assert err["details"]["field"] == "email"
    assert "PATCH /v1/me/profile" in err["message"]
    strict = await http.put(
        "/v1/me/notification-settings", headers=headers, json={**body, "campaigns": "yes"}
    )
    assert error(strict)["details"]["field"] == "campaigns"


async def test_member_notices_newest_first_with_unread_and_read(http: httpx.AsyncClient) -> None:
    await advance(http, 10 * DAY)  # 12 Dec 10:00: the due-date reminder has gone out
    headers = await headers_for(http)
    page = (await http.get("/v1/me/notices", headers=headers)).json()
    kinds = [(n["kind"], n["created_at"][:10]) for n in page["items"]]
    assert kinds == [
        ("due_today", "2026-12-12"),
        ("due_soon", "2026-12-09"),
        ("campaign", "2026-12-01"),
        ("campaign", "2026-11-01"),
    ]
    assert page["unread"] == 4
    assert page["next_cursor"] is None
    today = page["items"][0]
    assert today["subject"] == "【アコム】本日はご返済期日です"
    assert "2026年12月12日(土)" in today["body"]
    assert "4,000円" in today["body"]
    assert "山田 太郎 様" in today["body"]
    assert "暗証番号をおたずねすることは一切ありません" in today["body"]
    for symbol in "※○●→①×":
        assert symbol not in today["body"]

    read = await http.post(f"/v1/me/notices/{today['id']}/read", headers=headers)
    assert read.status_code == 200
    assert read.json()["read"] is True
    again = await http.post(f"/v1/me/notices/{today['id']}/read", headers=headers)
    assert again.json() == read.json()
    page = (await http.get("/v1/me/notices?limit=2", headers=headers)).json()
    assert page["unread"] == 3
    assert [n["read"] for n in page["items"]] == [True, False]
    rest = (
        await http.get(f"/v1/me/notices?limit=2&cursor={page['next_cursor']}", headers=headers)
    ).json()
    assert [n["kind"] for n in rest["items"]] == ["campaign", "campaign"]


async def test_someone_elses_notice_is_not_found(http: httpx.AsyncClient) -> None:
    theirs = (await all_mail(http, member_number="10000008"))[0]["id"]
    headers = await headers_for(http)
    for notice_id in (theirs, "0", "abc", "99999999"):
        response = await http.post(f"/v1/me/notices/{notice_id}/read", headers=headers)
        assert response.status_code == 404
        assert error(response)["code"] == "NOT_FOUND"


async def test_overdue_notice_content(http: httpx.AsyncClient) -> None:
    [notice] = [
        item["notice"] for item in await all_mail(http, member_number="10000008", kind="overdue")
    ]
    assert notice["subject"] == "【アコム】ご返済期日を過ぎています（重要）"
    assert "ご返済期日（2026年11月27日(金)）を過ぎております" in notice["body"]
    assert "期日からの経過日数: 1日" in notice["body"]
    assert "9,000円" in notice["body"]


async def test_card_renewal_content(http: httpx.AsyncClient) -> None:
    await advance(http, 28 * DAY)
    [item] = await all_mail(http, kind="card_renewal")
    assert item["member_number"] == "10000001"
    assert item["notice"]["created_at"] == "2026-12-30T09:00:00+09:00"
    assert "2027年2月28日で有効期限を迎えます" in item["notice"]["body"]


async def test_admin_mail_needs_the_admin_token(http: httpx.AsyncClient) -> None:
    response = await http.get("/v1/admin/mail")
    assert response.status_code == 403
    member = await http.get("/v1/admin/mail", headers=await headers_for(http))
    assert member.status_code == 403
    bad_kind = await http.get("/v1/admin/mail", headers=ADMIN, params={"kind": "spam"})
    assert bad_kind.status_code == 422
    assert error(bad_kind)["details"]["field"] == "kind"


@pytest.mark.parametrize(
    ("now", "day"),
    [
        (datetime(2026, 12, 2, 8, 59, tzinfo=JST), date(2026, 12, 1)),
        (datetime(2026, 12, 2, 9, 0, tzinfo=JST), date(2026, 12, 2)),
        # 00:30 UTC is 09:30 in Japan: that day's batch has run.
        (datetime(2026, 12, 2, 0, 30, tzinfo=UTC), date(2026, 12, 2)),
    ],
)
def test_batch_day_is_0900_japan_time(now: datetime, day: date) -> None:
    assert mailer.batch_day(now) == day
