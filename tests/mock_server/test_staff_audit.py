"""The audit log read by staff: newest first, paged, filtered by member and by staff."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import httpx
import pytest

from mock_server.clock import Clock
from mock_server.hashing import hash_secret, pepper_for
from mock_server.store import Store
from tests.conftest import TEST_SCRYPT


async def staff_login(http: httpx.AsyncClient, staff_id: str, password: str) -> dict[str, str]:
    response = await http.post(
        "/v1/staff/sessions", json={"staff_id": staff_id, "password": password}
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
async def two_staff(http: httpx.AsyncClient, store: Store, clock: Clock) -> list[dict[str, str]]:
    """S0001 and S0002, each having done some actions, one minute apart.

    Staff actions in order (ids are in this order too):
      S0001 suspend 10000001, S0002 unlock 10000003, S0001 card_lost 10000005 (refused:
      already lost, so not logged), S0001 reinstate 10000001, S0002 card_lost 10000002.
    """
    with store.write() as conn:
        conn.execute(
            "INSERT INTO staff(staff_id, name, password_hash) VALUES('S0002', '第二 担当', ?)",
            (hash_secret("second-pass", replace(TEST_SCRYPT, pepper=pepper_for(store.path))),),
        )
    first = await staff_login(http, "S0001", "staff-demo-pass")
    second = await staff_login(http, "S0002", "second-pass")
    steps = [
        (first, "10000001/suspend", {"reason_code": "OTHER_LENDERS", "reason": "他社借入の増加"}),
        (second, "10000003/unlock", {"reason": "本人確認", "identity_document": "passport"}),
        (first, "10000005/card-lost", {"reason": "重複"}),
        (first, "10000001/reinstate", {"reason": "確認完了"}),
        (second, "10000002/card-lost", {"reason": "盗難届"}),
    ]
    for headers, path, body in steps:
        clock.advance(timedelta(minutes=1))
        await http.post(f"/v1/staff/members/{path}", json=body, headers=headers)
    return [first, second]


def summary(page: dict) -> list[tuple[str, str, str | None]]:
    return [(e["actor"], e["action"], e["member_number"]) for e in page["items"]]


async def test_newest_first_with_every_field(
    http: httpx.AsyncClient, two_staff: list[dict[str, str]]
) -> None:
    response = await http.get("/v1/staff/audit", params={"limit": 1}, headers=two_staff[0])
    assert response.status_code == 200
    page = response.json()
    (entry,) = page["items"]
    assert entry == {
        "id": entry["id"],
        "at": "2026-12-02T10:05:00+09:00",
        "actor_kind": "staff",
        "actor": "S0002",
        "action": "card_lost",
        "member_number": "10000002",
        "reason": "盗難届",
        "details": {"sessions_revoked": 0},
    }
    assert page["next_cursor"] is not None


async def test_member_filter_pages_to_the_end(
    http: httpx.AsyncClient, two_staff: list[dict[str, str]]
) -> None:
    headers = two_staff[1]
    params: dict[str, str | int] = {"member_number": "10000001", "limit": 1}
    seen = []
    for _ in range(5):
        page = (await http.get("/v1/staff/audit", params=params, headers=headers)).json()
        seen += summary(page)
        if page["next_cursor"] is None:
            break
        params["cursor"] = page["next_cursor"]
    assert seen == [("S0001", "reinstate", "10000001"), ("S0001", "suspend", "10000001")]


async def test_staff_filter(http: httpx.AsyncClient, two_staff: list[dict[str, str]]) -> None:
    page = (
        await http.get("/v1/staff/audit", params={"staff_id": "S0002"}, headers=two_staff[0])
    ).json()
    assert summary(page) == [
        ("S0002", "card_lost", "10000002"),
        ("S0002", "unlock", "10000003"),
        ("S0002", "login", None),
    ]
    assert page["next_cursor"] is None
    assert page["items"][1]["details"] == {"identity_document": "passport"}


async def test_both_filters_and_a_page_that_ends_exactly(
    http: httpx.AsyncClient, two_staff: list[dict[str, str]]
) -> None:
    params = {"staff_id": "S0001", "member_number": "10000001", "limit": 2}
    page = (await http.get("/v1/staff/audit", params=params, headers=two_staff[0])).json()
    assert summary(page) == [("S0001", "reinstate", "10000001"), ("S0001", "suspend", "10000001")]
    assert page["next_cursor"] is None


async def test_refused_action_is_not_in_the_log(
    http: httpx.AsyncClient, two_staff: list[dict[str, str]]
) -> None:
    params = {"member_number": "10000005"}
    page = (await http.get("/v1/staff/audit", params=params, headers=two_staff[0])).json()
    assert page == {"items": [], "next_cursor": None}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"cursor": "abc"}, "cursor"),
        ({"cursor": "-1"}, "cursor"),
        ({"member_number": "123"}, "member_number"),
    ],
)
async def test_bad_query_names_the_field(
    http: httpx.AsyncClient, two_staff: list[dict[str, str]], params: dict, field: str
) -> None:
    response = await http.get("/v1/staff/audit", params=params, headers=two_staff[0])
    assert response.status_code == 422
    assert response.json()["error"]["details"]["field"] == field
