"""Texts the server writes come in the language of ``Accept-Language`` (ja or en)."""

from __future__ import annotations

import re

import httpx
import pytest

from mock_server.language import preferred_language

PIN = "4829"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


async def login(http: httpx.AsyncClient, number: str) -> dict[str, str]:
    response = await http.post("/v1/sessions", json={"member_number": number, "pin": PIN})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "ja"),
        ("", "ja"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("ja-JP", "ja"),
        ("fr, en;q=0.5, ja;q=0.8", "ja"),
        ("fr", "ja"),
        ("en;q=0", "ja"),
        ("en;q=abc", "ja"),
        ("x" * 1000, "ja"),
    ],
)
def test_preferred_language(header: str | None, expected: str) -> None:
    assert preferred_language(header) == expected


async def test_notices_in_english_carry_no_japanese(http: httpx.AsyncClient) -> None:
    auth = await login(http, "10000008")
    japanese = (await http.get("/v1/me/notices", headers=auth)).json()["items"]
    english = (await http.get("/v1/me/notices", headers={**auth, "Accept-Language": "en"})).json()
    assert japanese and len(japanese) == len(english["items"])
    assert all(JAPANESE.search(item["body"]) for item in japanese)
    for item in english["items"]:
        assert not JAPANESE.search(item["subject"] + item["body"]), item
    assert [i["kind"] for i in japanese] == [i["kind"] for i in english["items"]]


async def test_statement_descriptions_in_english_keep_the_names(http: httpx.AsyncClient) -> None:
    auth = {**await login(http, "10000001"), "Accept-Language": "en"}
    items = (await http.get("/v1/me/statements?kind=loan", headers=auth)).json()["items"]
    described = [item["description"] for item in items if item["description"]]
    assert described
    for text in described:
        phrase = text.split(",")[0]
        assert not JAPANESE.search(phrase), text


async def test_a_loans_lender_registration_is_in_the_language_asked_for(
    http: httpx.AsyncClient,
) -> None:
    auth = await login(http, "10000001")
    for lang, expected in (
        ("ja", "貸金業登録番号 関東財務局長(00)第00000号"),
        ("en", "Money lender registration: Director-General of the Kanto Local Finance Bureau"),
    ):
        headers = {**auth, "Accept-Language": lang}
        loans = (await http.get("/v1/me/statements?kind=loan", headers=headers)).json()["items"]
        assert loans
        registration = loans[0]["lender_registration"]
        assert registration.startswith(expected), registration
        if lang == "en":
            assert not JAPANESE.search(registration)
