"""Credit data is not the member's to set (SPEC 2.10), tried as an attacker would.

Other lenders' balances come from the credit bureau: a member can read them, never change
them. A newly declared income is recorded, but 総量規制 and limit decisions go on using the
verified income until an income certificate uploaded after the declaration is accepted.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mock_server.store import Store
from tests.mock_server.test_services_documents import png, upload

PIN = "4829"
REVIEW_S = 3600  # received -> under_review -> accepted takes an hour of the mock clock


async def headers_for(http: httpx.AsyncClient, number: str) -> dict[str, str]:
    response = await http.post("/v1/sessions", json={"member_number": number, "pin": PIN})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    return dict(body["error"])


async def borrow(http: httpx.AsyncClient, headers: dict[str, str], key: str) -> httpx.Response:
    return await http.post(
        "/v1/me/borrowings", json={"amount": 60_000}, headers={**headers, "Idempotency-Key": key}
    )


async def profile(http: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    response = await http.get("/v1/me/profile", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def apply(http: httpx.AsyncClient, headers: dict[str, str], limit: int) -> dict[str, Any]:
    response = await http.post(
        "/v1/me/limit-increase-applications", json={"requested_limit": limit}, headers=headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def advance(http: httpx.AsyncClient, admin_headers: dict[str, str], seconds: int) -> None:
    response = await http.post(
        "/v1/admin/clock/advance", json={"seconds": seconds}, headers=admin_headers
    )
    assert response.status_code == 200, response.text


# --- other lenders' balances --------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"other_lenders_balance": 0, "current_pin": PIN},
        {"other_lenders_balance": None, "current_pin": PIN},
        {"other_lenders_balance": "0", "current_pin": PIN},
        {"other_lenders_balance": 0, "email": "new@example.jp", "current_pin": PIN},
    ],
)
async def test_zeroing_other_lenders_does_not_open_the_total_lending_limit(
    http: httpx.AsyncClient, store: Store, body: dict[str, Any]
) -> None:
    headers = await headers_for(http, "10000009")
    first = await borrow(http, headers, "before")
    assert error(first)["code"] == "TOTAL_LENDING_LIMIT"

    attack = await http.patch("/v1/me/profile", json=body, headers=headers)
    assert attack.status_code == 422
    refused = error(attack)
    assert refused["code"] == "VALIDATION_ERROR"
    assert refused["details"]["field"] == "other_lenders_balance"
    assert "read-only: from the credit bureau" in refused["message"]

    seen = await profile(http, headers)
    assert seen["other_lenders_balance"] == 700_000
    assert seen["email"] == "member09@example.jp"  # the whole request was refused
    again = await borrow(http, headers, "after")
    assert error(again)["code"] == "TOTAL_LENDING_LIMIT"
    with store.read() as conn:
        row = conn.execute(
            "SELECT other_lenders_balance FROM members WHERE member_number = '10000009'"
        ).fetchone()
    assert row["other_lenders_balance"] == 700_000


async def test_the_profile_document_offers_no_other_lenders_field(http: httpx.AsyncClient) -> None:
    document = (await http.get("/openapi.json")).json()
    update = document["components"]["schemas"]["ProfileUpdate"]
    assert "other_lenders_balance" not in update["properties"]
    assert update["additionalProperties"] is False
    shown = document["components"]["schemas"]["Profile"]["properties"]
    assert shown["other_lenders_balance"]["readOnly"] is True
    assert {"verified_annual_income", "income_certificate_needed"} <= set(shown)


async def test_only_the_admin_api_sets_other_lenders_and_it_is_audited(
    http: httpx.AsyncClient, admin_headers: dict[str, str], store: Store
) -> None:
    path = "/v1/admin/members/10000009/other-lenders-balance"
    body = {"other_lenders_balance": 0, "reason": "信用情報機関の更新"}
    member = await headers_for(http, "10000009")
    for headers in ({}, member, {"X-Admin-Token": "guess"}):
        refused = await http.put(path, json=body, headers=headers)
        assert refused.status_code == 403, refused.text
        assert error(refused)["code"] == "FORBIDDEN"
    assert (await profile(http, member))["other_lenders_balance"] == 700_000

    for bad, field in (
        ({"other_lenders_balance": -1, "reason": "x"}, "other_lenders_balance"),
        ({"other_lenders_balance": "0", "reason": "x"}, "other_lenders_balance"),
        ({"other_lenders_balance": 0}, "reason"),
    ):
        invalid = await http.put(path, json=bad, headers=admin_headers)
        assert error(invalid)["details"]["field"] == field
    unknown = await http.put(
        "/v1/admin/members/19999999/other-lenders-balance", json=body, headers=admin_headers
    )
    assert error(unknown)["code"] == "NOT_FOUND"

    done = await http.put(path, json=body, headers=admin_headers)
    assert done.status_code == 200, done.text
    assert done.json()["other_lenders_balance"] == 0
    assert (await profile(http, member))["other_lenders_balance"] == 0
    assert (await borrow(http, member, "now-allowed")).status_code == 201
    with store.read() as conn:
        rows = conn.execute(
            "SELECT actor_kind, reason, details FROM audit "
            "WHERE action = 'other_lenders_balance_update'"
        ).fetchall()
    assert [(r["actor_kind"], r["reason"]) for r in rows] == [("admin", "信用情報機関の更新")]
    assert '"before": 700000' in rows[0]["details"]


# --- declared income ----------------------------------------------------------------------


async def test_a_declared_income_of_billions_does_not_raise_the_limit(
    http: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    headers = await headers_for(http, "10000001")  # income 4,800,000, limit 500,000
    declared = await http.patch(
        "/v1/me/profile",
        json={"annual_income": 9_999_999_999, "current_pin": PIN},
        headers=headers,
    )
    assert declared.status_code == 200, declared.text
    seen = declared.json()
    assert seen["annual_income"] == 9_999_999_999
    assert seen["verified_annual_income"] == 4_800_000
    assert seen["income_certificate_needed"] is True
    assert seen["income_reported_at"] is not None

    decision = await apply(http, headers, 8_000_000)
    assert decision["status"] == "declined"
    assert "TOTAL_LENDING_LIMIT" in decision["reasons"]
    account = await http.get("/v1/admin/members/10000001/account", headers=admin_headers)
    assert account.json()["credit_limit"] == 500_000


async def test_borrowing_keeps_the_verified_income_after_a_declaration(
    http: httpx.AsyncClient,
) -> None:
    headers = await headers_for(http, "10000009")  # income 3,000,000: room 0 after 250k+700k
    raised = await http.patch(
        "/v1/me/profile", json={"annual_income": 6_000_000, "current_pin": PIN}, headers=headers
    )
    assert raised.status_code == 200, raised.text
    refused = error(await borrow(http, headers, "k"))
    assert refused["code"] == "TOTAL_LENDING_LIMIT"
    assert refused["details"]["total_lending_headroom"] == 50_000


async def test_a_certificate_uploaded_after_the_declaration_makes_it_count(
    http: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    headers = await headers_for(http, "10000001")
    await http.patch(
        "/v1/me/profile", json={"annual_income": 7_200_000, "current_pin": PIN}, headers=headers
    )
    # 2,000,000 is more than a third of the verified 4,800,000 but not of 7,200,000.
    assert (await apply(http, headers, 2_000_000))["status"] == "declined"
    uploaded = await upload(http, headers, png(40, 30))
    assert uploaded.status_code == 201, uploaded.text

    await advance(http, admin_headers, REVIEW_S - 60)  # still under review: not yet
    headers = await headers_for(http, "10000001")
    assert (await profile(http, headers))["verified_annual_income"] == 4_800_000
    await advance(http, admin_headers, 60)
    headers = await headers_for(http, "10000001")
    seen = await profile(http, headers)
    assert seen["verified_annual_income"] == 7_200_000
    assert seen["income_certificate_needed"] is False
    assert (await apply(http, headers, 2_000_000))["status"] == "approved"


async def test_a_certificate_uploaded_before_the_declaration_does_not_verify_it(
    http: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    headers = await headers_for(http, "10000001")
    assert (await upload(http, headers, png(40, 30))).status_code == 201
    await advance(http, admin_headers, 60)
    headers = await headers_for(http, "10000001")
    await http.patch(
        "/v1/me/profile", json={"annual_income": 7_200_000, "current_pin": PIN}, headers=headers
    )
    await advance(http, admin_headers, REVIEW_S)
    headers = await headers_for(http, "10000001")
    seen = await profile(http, headers)
    documents = (await http.get("/v1/me/documents", headers=headers)).json()["items"]
    assert documents[0]["status"] == "accepted"
    assert seen["verified_annual_income"] == 4_800_000
    assert seen["income_certificate_needed"] is True


async def test_a_verified_figure_survives_the_next_declaration(
    http: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    headers = await headers_for(http, "10000001")
    await http.patch(
        "/v1/me/profile", json={"annual_income": 7_200_000, "current_pin": PIN}, headers=headers
    )
    assert (await upload(http, headers, png(40, 30))).status_code == 201
    await advance(http, admin_headers, REVIEW_S)
    headers = await headers_for(http, "10000001")
    again = await http.patch(
        "/v1/me/profile", json={"annual_income": 9_000_000, "current_pin": PIN}, headers=headers
    )
    seen = again.json()
    assert (seen["annual_income"], seen["verified_annual_income"]) == (9_000_000, 7_200_000)
    assert seen["income_certificate_needed"] is True
