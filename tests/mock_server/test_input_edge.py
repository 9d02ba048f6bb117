"""Hostile input at the edge: every refusal is the envelope, none is a 500 (issue 12, 7-10)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from mock_server.hashing import SCHEME, ScryptParams, hash_secret, pepper_for, verify_secret
from mock_server.store import Store

PIN = "4829"
JSON = {"content-type": "application/json"}


async def member(http: httpx.AsyncClient) -> dict[str, str]:
    response = await http.post("/v1/sessions", json={"member_number": "10000001", "pin": PIN})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}
    return dict(body["error"])


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (
            '{"address": {"postal_code": "530-0001", "prefecture": "大阪府", '
            '"city": "\\ud800", "line1": "3-1-1", "line2": ""}, "current_pin": "4829"}',
            "address.city",
        ),
        (
            '{"employer": {"name": "\\ud800x", "phone": "06-1234-5678"}, "current_pin": "4829"}',
            "employer.name",
        ),
        ('{"\\udfff": 1}', "\\udfff"),  # in a key: named escaped
    ],
)
async def test_a_lone_surrogate_is_a_validation_error_naming_the_field(
    http: httpx.AsyncClient, raw: str, field: str
) -> None:
    headers = await member(http)
    before = (await http.get("/v1/me/profile", headers=headers)).json()
    response = await http.patch(
        "/v1/me/profile", content=raw.encode("utf-8"), headers={**headers, **JSON}
    )
    assert response.status_code == 422, response.text
    err = error(response)
    assert err["code"] == "VALIDATION_ERROR"
    assert err["details"]["field"] == field
    assert (await http.get("/v1/me/profile", headers=headers)).json() == before


async def test_a_duplicate_key_is_refused_not_last_one_wins(http: httpx.AsyncClient) -> None:
    headers = {**await member(http), **JSON, "Idempotency-Key": "dup-1"}
    raw = b'{"amount": 1000, "amount": 300000}'
    response = await http.post("/v1/me/borrowings", content=raw, headers=headers)
    assert response.status_code == 422
    err = error(response)
    assert err["code"] == "VALIDATION_ERROR"
    assert err["details"]["field"] == "amount"
    account = await http.get("/v1/me/account", headers=headers)
    assert account.json()["principal"] == 120_000


@pytest.mark.parametrize(
    "raw",
    [b'{"member_number": "10000001", "pin": "\xff\xfe"}', b'{"member_number": ', b"\xc3("],
)
async def test_invalid_utf8_or_json_names_the_body_not_a_byte_offset(
    http: httpx.AsyncClient, raw: bytes
) -> None:
    response = await http.post("/v1/sessions", content=raw, headers=JSON)
    assert response.status_code == 422
    err = error(response)
    assert err["code"] == "VALIDATION_ERROR"
    assert err["details"]["field"] == "body"


async def test_a_body_over_64_kib_is_413_before_parsing(http: httpx.AsyncClient) -> None:
    big = b'{"member_number": "10000001", "pin": "' + b"1" * 70_000 + b'"}'
    response = await http.post("/v1/sessions", content=big, headers=JSON)
    assert response.status_code == 413
    err = error(response)
    assert err["code"] == "PAYLOAD_TOO_LARGE"
    assert err["details"]["limit_bytes"] == 64 * 1024


async def test_a_streamed_body_without_length_is_cut_at_64_kib(http: httpx.AsyncClient) -> None:
    sent = 0

    async def chunks() -> Any:
        nonlocal sent
        yield b'{"member_number": "10000001", "pin": "'
        for _ in range(1_000):  # 16 MiB if it were all read
            sent += 1
            yield b"1" * 16_384

    response = await http.post("/v1/sessions", content=chunks(), headers=JSON)
    assert response.status_code == 413
    assert error(response)["code"] == "PAYLOAD_TOO_LARGE"
    assert sent < 10  # stopped reading at the limit, not at the end


async def test_a_body_that_is_not_json_is_415(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/v1/sessions", content=b"member_number=1", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 415
    assert error(response)["code"] == "UNSUPPORTED_MEDIA_TYPE"


async def test_405_names_every_method_of_the_path(http: httpx.AsyncClient) -> None:
    response = await http.delete("/v1/me/documents")
    assert response.status_code == 405
    assert error(response)["code"] == "METHOD_NOT_ALLOWED"
    allowed = {m.strip() for m in response.headers["allow"].split(",")}
    assert {"GET", "POST"} <= allowed


async def test_every_answer_is_no_store(http: httpx.AsyncClient) -> None:
    login = await http.post("/v1/sessions", json={"member_number": "10000001", "pin": PIN})
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    answers = [
        login,
        await http.get("/v1/me/profile", headers=headers),
        await http.get("/v1/status"),
        await http.get("/v1/me/account"),  # 401
        await http.post("/v1/sessions", content=b"{", headers=JSON),  # refused by the guard
    ]
    assert [a.headers.get("cache-control") for a in answers] == ["no-store"] * len(answers)


def test_pin_hashes_need_the_pepper(app: FastAPI, store: Store) -> None:
    with store.read() as conn:
        row = conn.execute("SELECT pin_hash FROM members WHERE member_number='10000001'").fetchone()
    stored = row["pin_hash"]
    assert stored.startswith(f"{SCHEME}$")
    params = app.state.ctx.settings.scrypt
    assert params.pepper == pepper_for(store.path)
    assert verify_secret(PIN, stored, params)
    # The database alone: every PIN tried without the pepper fails, the right one too.
    assert not verify_secret(PIN, stored, ScryptParams(n=params.n, r=params.r, p=params.p))
    # A hash of the format before the pepper never verifies.
    old = hash_secret(PIN, ScryptParams(n=2**10)).replace(SCHEME, "scrypt", 1)
    assert not verify_secret(PIN, old, params)
