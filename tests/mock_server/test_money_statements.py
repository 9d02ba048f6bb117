"""Statements (SPEC 2.9): paging, filters and contents, mostly on 10000010's 10 years."""

from __future__ import annotations

from datetime import date, datetime

import httpx
import pytest

from acom_contract.schemas import JST
from mock_server.lender import LENDER
from mock_server.store import Store

PIN = "4829"
HISTORY = "10000010"


async def login(http: httpx.AsyncClient, number: str) -> dict[str, str]:
    response = await http.post("/v1/sessions", json={"member_number": number, "pin": PIN})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def walk(http: httpx.AsyncClient, headers: dict[str, str], **params: object) -> list[dict]:
    """Every page until next_cursor is null."""
    items: list[dict] = []
    cursor = None
    while True:
        query = dict(params) | ({"cursor": cursor} if cursor else {})
        response = await http.get("/v1/me/statements", params=query, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def count(store: Store, where: str = "", *params: object) -> int:
    with store.read() as conn:
        row = conn.execute(
            f"SELECT COUNT(*) AS n FROM ledger WHERE member_number = ? {where}",
            (HISTORY, *params),
        ).fetchone()
    return int(row["n"])


def assert_newest_first(items: list[dict]) -> None:
    keys = [(datetime.fromisoformat(i["occurred_at"]), int(i["id"].split("_")[1])) for i in items]
    assert keys == sorted(keys, reverse=True)


async def test_walk_every_page(http: httpx.AsyncClient, store: Store) -> None:
    headers = await login(http, HISTORY)
    total = count(store)
    assert total >= 5000
    items = await walk(http, headers, limit=500)
    assert len(items) == total
    assert len({i["id"] for i in items}) == total
    assert_newest_first(items)
    assert {i["kind"] for i in items} == {"loan", "repayment", "card"}


async def test_default_page_is_50_with_a_cursor(http: httpx.AsyncClient) -> None:
    headers = await login(http, HISTORY)
    page = (await http.get("/v1/me/statements", headers=headers)).json()
    assert len(page["items"]) == 50
    assert isinstance(page["next_cursor"], str)
    following = (
        await http.get("/v1/me/statements", params={"cursor": page["next_cursor"]}, headers=headers)
    ).json()
    assert_newest_first(page["items"] + following["items"])


@pytest.mark.parametrize("kind", ["loan", "repayment", "card"])
async def test_filter_by_kind(http: httpx.AsyncClient, store: Store, kind: str) -> None:
    headers = await login(http, HISTORY)
    items = await walk(http, headers, kind=kind, limit=500)
    assert {i["kind"] for i in items} == {kind}
    assert len(items) == count(store, "AND kind = ?", kind)


async def test_filter_by_period_in_japan_time(http: httpx.AsyncClient, store: Store) -> None:
    headers = await login(http, HISTORY)
    items = await walk(http, headers, **{"from": "2025-04-01", "to": "2025-06-30", "limit": 100})
    expected = count(
        store,
        "AND occurred_at >= '2025-04-01T00:00:00+09:00' "
        "AND occurred_at < '2025-07-01T00:00:00+09:00'",
    )
    assert 0 < len(items) == expected
    days = {datetime.fromisoformat(i["occurred_at"]).astimezone(JST).date() for i in items}
    assert min(days) >= date(2025, 4, 1)
    assert max(days) <= date(2025, 6, 30)
    one_day = await walk(
        http, headers, **{"from": "2025-05-10", "to": "2025-05-10", "kind": "card"}
    )
    assert all(i["occurred_at"].startswith("2025-05-10") for i in one_day)
    assert len(one_day) == count(store, "AND kind = 'card' AND occurred_at LIKE '2025-05-10T%'")


async def test_cursor_is_stable_while_new_rows_arrive(
    http: httpx.AsyncClient, store: Store
) -> None:
    headers = await login(http, HISTORY)
    total = count(store)
    first = (await http.get("/v1/me/statements", params={"limit": 200}, headers=headers)).json()
    borrowed = await http.post(
        "/v1/me/borrowings", json={"amount": 1000}, headers=headers | {"Idempotency-Key": "new"}
    )
    assert borrowed.status_code == 201
    rest = await walk(http, headers, cursor=first["next_cursor"], limit=500)
    seen = first["items"] + rest
    assert len(seen) == total  # nothing skipped, nothing twice; the new row is on page one now
    assert len({i["id"] for i in seen}) == total
    assert borrowed.json()["id"] not in {i["id"] for i in seen}
    newest = (await http.get("/v1/me/statements", params={"limit": 1}, headers=headers)).json()
    assert newest["items"][0]["id"] == borrowed.json()["id"]


async def test_statement_contents(http: httpx.AsyncClient) -> None:
    headers = await login(http, "10000001")
    borrowed = (
        await http.post(
            "/v1/me/borrowings",
            json={"amount": 10_000},
            headers=headers | {"Idempotency-Key": "b"},
        )
    ).json()
    loan = (await http.get(f"/v1/me/statements/{borrowed['id']}", headers=headers)).json()
    assert loan == {
        "id": borrowed["id"],
        "kind": "loan",
        "occurred_at": "2026-12-02T10:00:00+09:00",
        "amount": 10_000,
        "balance_after": 130_000,
        "interest_rate": "18.0",
        "repayment_method": "定率リボルビング方式 (35日ごと払い)",
        "next_due_date": "2026-12-12",
        "next_due_amount": 4000,
        "lender_registration": "貸金業登録番号 関東財務局長(00)第00000号",
        # 130,000 at the minimum (4,000 a cycle): see test_statement_notices.py for the plan.
        "expected_payments": 48,
        "expected_last_due_date": "2031-06-14",
        "lender": LENDER.model_dump(mode="json"),
        "contract_number": "10000001-001",
        "contract_date": "2024-12-02",
        "late_interest_rate": "20.0",
        "repayment_method_code": "fixed_rate_revolving",
        "repayment_cycle": "35days",
        "monthly_due_day": None,
        "late_interest": None,
        "interest": None,
        "principal": None,
        "received_on": None,
        "remaining_debt": None,
        "merchant": None,
        "description": "振込による借入れ 楽天銀行",
    }
    repaid = (
        await http.post(
            "/v1/me/repayments",
            json={"amount": 5000, "bank_code": "0005"},
            headers=headers | {"Idempotency-Key": "r"},
        )
    ).json()
    receipt = (await http.get(f"/v1/me/statements/{repaid['id']}", headers=headers)).json()
    # Interest 1,479 (25 days on 120,000) settled today; the new 10,000 has no day yet.
    assert receipt == receipt | {
        "kind": "repayment",
        "amount": 5000,
        "late_interest": 0,
        "interest": 1479,
        "principal": 3521,
        "balance_after": 126_479,
        "next_due_date": "2027-01-06",
        "next_due_amount": 4000,
        "lender_registration": None,
        "expected_payments": None,
        "lender": LENDER.model_dump(mode="json"),
        "contract_number": "10000001-001",
        "contract_date": "2024-12-02",
        "late_interest_rate": "20.0",
        "received_on": "2026-12-02",
        "remaining_debt": 126_479,
        "description": "振込による返済 三菱UFJ銀行",
    }


async def test_card_rows_only_for_card_holders(http: httpx.AsyncClient) -> None:
    headers = await login(http, HISTORY)
    page = (
        await http.get("/v1/me/statements", params={"kind": "card", "limit": 5}, headers=headers)
    ).json()
    for item in page["items"]:
        assert item["merchant"] and item["description"]
        assert item["amount"] > 0
        assert item["balance_after"] is None
    other = await login(http, "10000001")
    none = (await http.get("/v1/me/statements", params={"kind": "card"}, headers=other)).json()
    assert none == {"items": [], "next_cursor": None}


async def test_another_members_statement_is_not_found(
    http: httpx.AsyncClient, store: Store
) -> None:
    with store.read() as conn:
        row = conn.execute(
            "SELECT id, kind FROM ledger WHERE member_number = ? LIMIT 1", (HISTORY,)
        ).fetchone()
    mine = f"{row['kind']}_{row['id']}"
    assert (
        await http.get(f"/v1/me/statements/{mine}", headers=await login(http, HISTORY))
    ).status_code == 200
    other = await login(http, "10000001")
    for statement_id in (mine, "loan_999999999", "nonsense", "card_x", f"loan_{row['id']}x"):
        response = await http.get(f"/v1/me/statements/{statement_id}", headers=other)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "loans"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-02-30"}, "from"),
        ({"from": "20261201"}, "from"),
        ({"to": "2026/12/01"}, "to"),
        ({"to": ""}, "to"),
        ({"from": "2026-12-02", "to": "2026-12-01"}, "from"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "djF8bm90LWEtdGltZXwx"}, "cursor"),  # v1|not-a-time|1
        ({"cursor": "x" * 300}, "cursor"),
    ],
)
async def test_bad_query_names_the_parameter(
    http: httpx.AsyncClient, params: dict, field: str
) -> None:
    headers = await login(http, HISTORY)
    response = await http.get("/v1/me/statements", params=params, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert response.json()["error"]["details"]["field"] == field


def test_first_page_query_walks_the_index(store: Store, app: object) -> None:
    """The paging queries read the index in order: no sort of the member's 5,000+ rows."""
    queries = [
        (
            "SELECT * FROM ledger WHERE member_number = ? ORDER BY occurred_at DESC, id DESC "
            "LIMIT 51",
            (HISTORY,),
        ),
        (
            "SELECT * FROM ledger WHERE member_number = ? AND kind = ? AND occurred_at >= ? "
            "AND (occurred_at, id) < (?, ?) ORDER BY occurred_at DESC, id DESC LIMIT 51",
            (HISTORY, "card", "2020-01-01", "2024-01-01", 1),
        ),
    ]
    with store.read() as conn:
        for query, params in queries:
            plan = " ".join(
                r["detail"] for r in conn.execute(f"EXPLAIN QUERY PLAN {query}", params)
            )
            assert "USING INDEX ledger_member" in plan
            assert "TEMP B-TREE" not in plan
