"""Public endpoints (simulator, banks) and the documented statuses of the services' routes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from mock_server.banks import BANKS
from mock_server.domain import simulator


def error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    return dict(body["error"])


async def simulate(http: httpx.AsyncClient, **body: Any) -> httpx.Response:
    return await http.post("/v1/simulations/repayment", json=body)


async def test_by_monthly_payment(http: httpx.AsyncClient) -> None:
    response = await simulate(http, amount=100_000, annual_rate="18.0", monthly_payment=5_000)
    assert response.status_code == 200, response.text
    body = response.json()
    # First period by hand: floor(100,000 x 18% x 30 / 365) = floor(1,479.45) = 1,479.
    assert body["schedule"][0] == {
        "number": 1,
        "day": 30,
        "payment": 5_000,
        "interest": 1_479,
        "principal": 3_521,
        "balance": 96_479,
    }
    expected = simulator.simulate_by_payment(100_000, Decimal("18.0"), 5_000)
    assert body["payments"] == expected.payments
    assert body["monthly_payment"] == 5_000
    assert body["total_interest"] == expected.total_interest
    assert body["total_paid"] == expected.total_paid == 100_000 + expected.total_interest
    assert body["final_payment"] == expected.schedule[-1].payment
    assert body["annual_rate"] == "18.0"
    assert len(body["schedule"]) == body["payments"]
    assert body["schedule"][-1]["balance"] == 0


async def test_by_number_of_payments(http: httpx.AsyncClient) -> None:
    response = await simulate(http, amount=300_000, annual_rate="15.0", payments=12)
    assert response.status_code == 200, response.text
    body = response.json()
    expected = simulator.simulate_by_count(300_000, Decimal("15.0"), 12)
    assert body["payments"] == 12
    assert body["monthly_payment"] == expected.monthly_payment
    assert body["total_interest"] == expected.total_interest
    # The payment is the smallest that repays in 12: one yen less needs a 13th payment.
    assert (
        simulator.simulate_by_payment(
            300_000, Decimal("15.0"), body["monthly_payment"] - 1
        ).payments
        == 13
    )


async def test_no_token_needed(http: httpx.AsyncClient) -> None:
    response = await simulate(http, amount=50_000, annual_rate="18.0", payments=1)
    assert response.status_code == 200
    # One payment 30 days later: 50,000 + floor(50,000 x 0.18 x 30 / 365) = 50,000 + 739.
    assert response.json()["total_paid"] == 50_739


@pytest.mark.parametrize(
    "body",
    [
        {"amount": 100_000, "annual_rate": "18.0"},
        {"amount": 100_000, "annual_rate": "18.0", "monthly_payment": 5_000, "payments": 10},
    ],
)
async def test_exactly_one_of_payment_or_count(
    http: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    response = await http.post("/v1/simulations/repayment", json=body)
    assert response.status_code == 422
    err = error(response)
    assert err["code"] == "VALIDATION_ERROR"
    assert [e["field"] for e in err["details"]["errors"]] == ["monthly_payment", "payments"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (
            {"amount": 100_000, "annual_rate": "18.0", "monthly_payment": 2_999},
            "monthly_payment",
            "3,000",
        ),
        ({"amount": 100_000, "annual_rate": "18.0", "payments": 47}, "payments", "46"),
        ({"amount": 100_000, "annual_rate": "15.0", "payments": 79}, "payments", "78"),
        ({"amount": 100_000, "annual_rate": "7.7", "payments": 88}, "payments", "87"),
        ({"amount": 100_000, "annual_rate": "20.0", "payments": 10}, "annual_rate", "18.0%"),
        ({"amount": 100_000, "annual_rate": "2.9", "payments": 10}, "annual_rate", "3.0%"),
        ({"amount": 8_000_001, "annual_rate": "18.0", "payments": 10}, "amount", "8,000,000"),
        (
            {"amount": 100_000, "annual_rate": "1E-100000", "payments": 10},
            "annual_rate",
            "decimals",
        ),
        ({"amount": "100000", "annual_rate": "18.0", "payments": 10}, "amount", None),
        ({"amount": 100_000, "annual_rate": "abc", "payments": 10}, "annual_rate", None),
        ({"amount": 100_000, "annual_rate": "NaN", "payments": 10}, "annual_rate", None),
    ],
)
async def test_refused_limits_name_the_field(
    http: httpx.AsyncClient, body: dict[str, Any], field: str, words: str | None
) -> None:
    response = await http.post("/v1/simulations/repayment", json=body)
    assert response.status_code == 422, response.text
    err = error(response)
    assert err["code"] == "VALIDATION_ERROR"
    assert err["details"]["field"] == field
    if words is not None:
        assert words in err["message"]


async def test_banks(http: httpx.AsyncClient) -> None:
    response = await http.get("/v1/banks")
    assert response.status_code == 200
    banks = response.json()
    assert len(banks) == 11
    assert banks[0] == {
        "code": "0036",
        "name": "楽天銀行",
        "instant_transfer": True,
        "internet_repayment": True,
        "smartphone": True,
    }
    assert [b["code"] for b in banks] == [b.code for b in BANKS]
    assert [b["name"] for b in banks if not b["internet_repayment"]] == ["セブン銀行", "静岡銀行"]


# Every route of the services and the statuses it can answer (besides 200/201/204).
DOCUMENTED = {
    ("/v1/me/profile", "get"): {401, 403, 503},
    ("/v1/me/profile", "patch"): {401, 403, 422, 423, 503},
    ("/v1/me/electronic-delivery", "get"): {401, 403, 503},
    ("/v1/me/electronic-delivery", "put"): {401, 403, 422, 503},
    ("/v1/me/notification-settings", "get"): {401, 403, 503},
    ("/v1/me/notification-settings", "put"): {401, 403, 422, 503},
    ("/v1/me/notices", "get"): {401, 403, 422, 503},
    ("/v1/me/notices/{notice_id}/read", "post"): {401, 403, 404, 422, 503},
    ("/v1/admin/mail", "get"): {403, 422},
    ("/v1/me/documents", "post"): {400, 401, 403, 413, 415, 422, 503},
    ("/v1/me/documents", "get"): {401, 403, 422, 503},
    ("/v1/me/limit-increase-applications", "post"): {401, 403, 422, 503},
    ("/v1/me/limit-increase-applications", "get"): {401, 403, 422, 503},
    ("/v1/me/pin", "put"): {401, 403, 422, 423, 503},
    ("/v1/simulations/repayment", "post"): {422, 503},
    ("/v1/banks", "get"): {503},
}


# Answered before any route runs: the Host check on every operation, the body guard on
# every operation whose method carries a body (mock_server/app.py, body_guard.py).
FRONT_DOOR = {421}
BODY_GUARD = {413, 415, 422}


def test_error_statuses_are_documented_with_the_envelope(app: FastAPI) -> None:
    paths = app.openapi()["paths"]
    for (path, method), route_statuses in DOCUMENTED.items():
        statuses = route_statuses | FRONT_DOOR | (BODY_GUARD if method != "get" else set())
        responses = paths[path][method]["responses"]
        errors = {int(code) for code in responses if int(code) >= 400}
        assert errors == statuses, (path, method)
        for code in statuses:
            schema = responses[str(code)]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorEnvelope"}, (path, code)
    upload = paths["/v1/me/documents"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert upload["schema"]["required"] == ["kind", "file"]


async def test_a_broken_limit_is_named_with_its_figures(http: httpx.AsyncClient) -> None:
    # 100,000 yen at 18.0% allows at most 46 payments (SPEC 2.15).
    response = await http.post(
        "/v1/simulations/repayment",
        json={"amount": 100_000, "annual_rate": "18.0", "payments": 47},
    )
    assert response.status_code == 422
    details = error(response)["details"]
    assert details["field"] == "payments"
    assert (details["limit"], details["max"], details["band_rate"]) == (
        "payments_range",
        46,
        "18.0",
    )
