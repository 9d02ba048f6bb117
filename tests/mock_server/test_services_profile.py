"""Registered information, step-up PIN, electronic delivery (SPEC 2.2, 2.9, 2.10)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import httpx
import pytest

from mock_server.routes.profile import email_problem, phone_problem
from mock_server.store import Store
from tests.conftest import FIXED_NOW

PIN = "4829"
NEW_ADDRESS = {
    "postal_code": "530-0001",
    "prefecture": "大阪府",
    "city": "大阪市北区梅田",
    "line1": "3-1-1",
    "line2": "梅田ハイツ 502",
}


async def headers_for(http: httpx.AsyncClient, number: str = "10000001") -> dict[str, str]:
    response = await http.post("/v1/sessions", json={"member_number": number, "pin": PIN})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    return dict(body["error"])


def audit_rows(store: Store, action: str) -> list[dict[str, Any]]:
    with store.read() as conn:
        rows = conn.execute(
            "SELECT * FROM audit WHERE action = ? ORDER BY id", (action,)
        ).fetchall()
    return [{**dict(row), "details": json.loads(row["details"])} for row in rows]


async def test_profile_shows_the_registered_information(http: httpx.AsyncClient) -> None:
    response = await http.get("/v1/me/profile", headers=await headers_for(http))
    assert response.status_code == 200
    body = response.json()
    assert body["member_number"] == "10000001"
    assert body["name"] == "山田 太郎"
    assert body["birthday"] == "1985-07-14"
    assert body["address"] == {
        "postal_code": "160-0023",
        "prefecture": "東京都",
        "city": "新宿区西新宿",
        "line1": "1-1-1",
        "line2": "",
    }
    assert body["mobile_phone"] == "090-0001-1000"
    assert body["email"] == "member01@example.jp"
    assert body["annual_income"] == 4_800_000
    # The account number is 1 + the last 6 digits of the member number: 1000001.
    assert body["bank_account"]["account_number_masked"] == "****001"
    assert body["bank_account"]["bank_name"] == "楽天銀行"
    assert body["employer_reported_at"] is None


async def test_profile_needs_a_member_token(http: httpx.AsyncClient) -> None:
    response = await http.get("/v1/me/profile")
    assert response.status_code == 401
    assert error(response)["code"] == "UNAUTHENTICATED"


async def test_address_change_with_step_up_pin(http: httpx.AsyncClient, store: Store) -> None:
    headers = await headers_for(http)
    response = await http.patch(
        "/v1/me/profile", headers=headers, json={"address": NEW_ADDRESS, "current_pin": PIN}
    )
    assert response.status_code == 200, response.text
    assert response.json()["address"] == NEW_ADDRESS
    again = await http.get("/v1/me/profile", headers=headers)
    assert again.json()["address"] == NEW_ADDRESS
    # Only the address changed, so neither "reported" time is set.
    assert again.json()["employer_reported_at"] is None
    assert again.json()["income_reported_at"] is None
    [row] = audit_rows(store, "profile_update")
    assert row["actor_kind"] == "member"
    assert row["actor"] == "10000001"
    assert row["details"] == {"fields": ["city", "line1", "line2", "postal_code", "prefecture"]}
    assert "大阪" not in json.dumps(row["details"], ensure_ascii=False)


async def test_change_without_pin_is_refused_naming_current_pin(http: httpx.AsyncClient) -> None:
    headers = await headers_for(http)
    response = await http.patch(
        "/v1/me/profile", headers=headers, json={"mobile_phone": "080-1111-2222"}
    )
    assert response.status_code == 422
    err = error(response)
    assert err["code"] == "VALIDATION_ERROR"
    assert err["details"]["field"] == "current_pin"
    assert "required for this change" in err["message"]
    unchanged = await http.get("/v1/me/profile", headers=headers)
    assert unchanged.json()["mobile_phone"] == "090-0001-1000"


async def test_sending_the_current_values_needs_no_pin(
    http: httpx.AsyncClient, store: Store
) -> None:
    headers = await headers_for(http)
    response = await http.patch(
        "/v1/me/profile",
        headers=headers,
        json={"mobile_phone": "090-0001-1000", "annual_income": 4_800_000},
    )
    assert response.status_code == 200
    assert response.json()["income_reported_at"] is None
    assert audit_rows(store, "profile_update") == []


async def test_employer_and_income_changes_are_recorded_as_reported(
    http: httpx.AsyncClient,
) -> None:
    headers = await headers_for(http)
    response = await http.patch(
        "/v1/me/profile",
        headers=headers,
        json={
            "employer": {"name": "株式会社サンプル物産", "phone": "06-1234-5678"},
            "annual_income": 5_200_000,
            "current_pin": PIN,
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["employer"] == {"name": "株式会社サンプル物産", "phone": "06-1234-5678"}
    assert body["annual_income"] == 5_200_000
    assert datetime.fromisoformat(body["employer_reported_at"]) == FIXED_NOW
    assert datetime.fromisoformat(body["income_reported_at"]) == FIXED_NOW


async def test_income_alone_also_needs_the_pin(http: httpx.AsyncClient) -> None:
    headers = await headers_for(http)
    response = await http.patch(
        "/v1/me/profile", headers=headers, json={"annual_income": 9_000_000}
    )
    assert response.status_code == 422
    assert error(response)["details"]["field"] == "current_pin"


async def test_three_wrong_step_up_pins_lock_and_end_the_session(
    http: httpx.AsyncClient, store: Store
) -> None:
    headers = await headers_for(http)
    other_device = await headers_for(http)
    change = {"email": "new@example.jp", "current_pin": "1111"}
    first = await http.patch("/v1/me/profile", headers=headers, json=change)
    assert first.status_code == 401
    assert error(first)["code"] == "INVALID_CREDENTIALS"
    assert error(first)["details"] == {"remaining_attempts": 2}
    second = await http.patch("/v1/me/profile", headers=headers, json=change)
    assert error(second)["details"] == {"remaining_attempts": 1}
    third = await http.patch("/v1/me/profile", headers=headers, json=change)
    assert third.status_code == 423
    assert error(third)["code"] == "ACCOUNT_LOCKED"

    for token in (headers, other_device):
        after = await http.get("/v1/me/profile", headers=token)
        assert after.status_code == 401
        assert error(after)["code"] == "SESSION_EXPIRED"
    login = await http.post("/v1/sessions", json={"member_number": "10000001", "pin": PIN})
    assert login.status_code == 423
    with store.read() as conn:
        row = conn.execute(
            "SELECT email, locked, failed_attempts FROM members WHERE member_number = '10000001'"
        ).fetchone()
    assert (row["email"], row["locked"], row["failed_attempts"]) == ("member01@example.jp", 1, 3)
    assert len(audit_rows(store, "step_up_failed")) == 3


async def test_a_right_step_up_pin_resets_the_count(http: httpx.AsyncClient) -> None:
    headers = await headers_for(http)
    wrong = {"email": "new@example.jp", "current_pin": "1111"}
    assert (await http.patch("/v1/me/profile", headers=headers, json=wrong)).status_code == 401
    assert (await http.patch("/v1/me/profile", headers=headers, json=wrong)).status_code == 401
    right = {"email": "new@example.jp", "current_pin": PIN}
    assert (await http.patch("/v1/me/profile", headers=headers, json=right)).status_code == 200
    # The e-mail is now new@example.jp: only a real change asks for the PIN.
    wrong_again = {"email": "other@example.jp", "current_pin": "1111"}
    again = await http.patch("/v1/me/profile", headers=headers, json=wrong_again)
    assert error(again)["details"] == {"remaining_attempts": 2}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"address": {**NEW_ADDRESS, "postal_code": "5300001"}}, "address.postal_code"),
        ({"address": {**NEW_ADDRESS, "postal_code": "５３０-０００１"}}, "address.postal_code"),
        ({"address": {**NEW_ADDRESS, "prefecture": "大阪"}}, "address.prefecture"),
        ({"address": {**NEW_ADDRESS, "city": "  "}}, "address.city"),
        ({"address": {**NEW_ADDRESS, "line1": "1-2\n3"}}, "address.line1"),
        ({"address": {"postal_code": "530-0001", "prefecture": "大阪府"}}, "address.city"),
        ({"mobile_phone": "03-1234-5678"}, "mobile_phone"),
        ({"home_phone": "12345"}, "home_phone"),
        ({"home_phone": "090-1234-567８"}, "home_phone"),
        ({"email": "no-at-sign.example.jp"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"employer": {"name": "株式会社サンプル", "phone": "phone"}}, "employer.phone"),
        ({"annual_income": -1}, "annual_income"),
        ({"annual_income": 10_000_000_000}, "annual_income"),
        ({"annual_income": "4800000"}, "annual_income"),
        ({"annual_income": None}, "annual_income"),
        ({"other_lenders_balance": 1.5}, "other_lenders_balance"),
        ({"nickname": "taro"}, "nickname"),
        ({"mobile_phone": "080-1111-2222", "current_pin": "48291"}, "current_pin"),
    ],
)
async def test_field_errors_name_the_field(
    http: httpx.AsyncClient, change: dict[str, Any], field: str
) -> None:
    headers = await headers_for(http)
    body = {"current_pin": PIN, **change}
    response = await http.patch("/v1/me/profile", headers=headers, json=body)
    assert response.status_code == 422, response.text
    err = error(response)
    assert err["code"] == "VALIDATION_ERROR"
    assert err["details"]["field"] == field
    assert PIN not in response.text


async def test_every_field_error_is_listed(http: httpx.AsyncClient) -> None:
    headers = await headers_for(http)
    body = {
        "address": {**NEW_ADDRESS, "postal_code": "530", "prefecture": "Osaka"},
        "email": "bad",
        "current_pin": PIN,
    }
    response = await http.patch("/v1/me/profile", headers=headers, json=body)
    fields = [e["field"] for e in error(response)["details"]["errors"]]
    assert fields == ["address.postal_code", "address.prefecture", "email"]


async def test_one_phone_must_stay(http: httpx.AsyncClient) -> None:
    headers = await headers_for(http)
    # 10000001 has only a mobile phone registered.
    response = await http.patch(
        "/v1/me/profile", headers=headers, json={"mobile_phone": None, "current_pin": PIN}
    )
    assert response.status_code == 422
    assert error(response)["details"]["field"] == "mobile_phone"
    swap = {"home_phone": "03-5555-0101", "mobile_phone": None, "current_pin": PIN}
    response = await http.patch("/v1/me/profile", headers=headers, json=swap)
    assert response.status_code == 200, response.text
    assert (response.json()["home_phone"], response.json()["mobile_phone"]) == (
        "03-5555-0101",
        None,
    )


@pytest.mark.parametrize(
    ("value", "mobile", "ok"),
    [
        ("090-1234-5678", True, True),
        ("09012345678", True, True),
        ("050-1234-5678", True, False),
        ("03-1234-5678", False, True),
        ("0120-123-456", False, True),
        ("0466-12-3456", False, True),
        ("050-1234-5678", False, True),
        ("090-1234-5678", False, True),
        ("00-1234-5678", False, False),
        ("03-1234-567", False, False),
        ("0-3-1234-5678", False, False),
        ("+81-90-1234-5678", True, False),
    ],
)
def test_phone_rule(value: str, mobile: bool, ok: bool) -> None:
    assert (phone_problem(value, mobile=mobile) is None) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("member01@example.jp", True),
        ("taro.yamada+loan@mail.example.co.jp", True),
        ("taro..yamada@example.jp", False),
        ("taro@example", False),
        ("太郎@example.jp", False),
        ("a" * 65 + "@example.jp", False),
    ],
)
def test_email_rule(value: str, ok: bool) -> None:
    assert (email_problem(value) is None) is ok


async def test_electronic_delivery_consent_with_timestamps(
    http: httpx.AsyncClient, store: Store
) -> None:
    headers = await headers_for(http)
    before = await http.get("/v1/me/electronic-delivery", headers=headers)
    assert before.status_code == 200
    assert before.json()["consent"] is True
    # Consent was given at the contract, 730 days before the fixed clock.
    assert before.json()["consented_at"] == "2024-12-02T10:00:00+09:00"

    off = await http.put("/v1/me/electronic-delivery", headers=headers, json={"consent": False})
    assert off.status_code == 200
    assert off.json() == {
        "consent": False,
        "consented_at": None,
        "updated_at": "2026-12-02T10:00:00+09:00",
    }
    on = await http.put("/v1/me/electronic-delivery", headers=headers, json={"consent": True})
    assert on.json()["consented_at"] == "2026-12-02T10:00:00+09:00"
    repeated = await http.put("/v1/me/electronic-delivery", headers=headers, json={"consent": True})
    assert repeated.json() == on.json()
    assert [r["action"] for r in audit_rows(store, "electronic_delivery_withdrawn")] == [
        "electronic_delivery_withdrawn"
    ]
    assert len(audit_rows(store, "electronic_delivery_consent")) == 1


async def test_electronic_delivery_is_strict_about_its_type(http: httpx.AsyncClient) -> None:
    headers = await headers_for(http)
    response = await http.put("/v1/me/electronic-delivery", headers=headers, json={"consent": "no"})
    assert response.status_code == 422
    assert error(response)["details"]["field"] == "consent"
