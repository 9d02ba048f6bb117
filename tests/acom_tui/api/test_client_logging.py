"""The PIN never shows up in a log line, an exception's text or a repr."""

from __future__ import annotations

import logging
import re
import traceback

import httpx
import pytest
from fastapi import FastAPI

from acom_tui.api import errors
from acom_tui.api.client import Client

CORRECT_PIN = "4829"
WRONG_PIN = "7315"
MALFORMED_PIN = "73a5"
PINS = (CORRECT_PIN, WRONG_PIN, MALFORMED_PIN)
# Request ids are random hex and may contain four digits in a row by chance.
_IDS = re.compile(r"[0-9a-f]{16}-\d+|[0-9a-f]{32}")


def _scrub(text: str) -> str:
    return _IDS.sub("<id>", text)


async def test_a_full_login_never_logs_or_shows_the_pin(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger: ours, httpx's, the server's
    raised: list[errors.ApiError] = []
    transport = httpx.ASGITransport(app=app)
    async with Client("http://localhost", transport=transport) as client:
        for number, pin in (
            ("10000001", WRONG_PIN),  # INVALID_CREDENTIALS
            ("10000001", MALFORMED_PIN),  # VALIDATION_ERROR
            ("10000002", WRONG_PIN),  # third wrong PIN: ACCOUNT_LOCKED
            ("10000004", CORRECT_PIN),  # ACCOUNT_SUSPENDED
            ("10000005", CORRECT_PIN),  # CARD_LOST
        ):
            with pytest.raises(errors.ApiError) as caught:
                await client.login(number, pin)
            raised.append(caught.value)
        await client.login("10000001", CORRECT_PIN)
        await client.account()
        client_repr = repr(client)
        await client.logout()

    assert [type(e) for e in raised] == [
        errors.InvalidCredentials,
        errors.ValidationFailed,
        errors.AccountLocked,
        errors.AccountSuspended,
        errors.CardLost,
    ]
    lines = [
        "POST /v1/sessions -> 201",
        "GET /v1/me/account -> 200",
        "DELETE /v1/sessions/current -> 204",
    ]
    messages = [record.getMessage() for record in caplog.records]
    for line in lines:  # the log is really captured, so its silence on the PIN means something
        assert any(message.startswith(line) for message in messages), line

    haystack = [client_repr]
    for record in caplog.records:
        haystack += [record.getMessage(), repr(record.args), record.exc_text or ""]
        if record.exc_info and record.exc_info[1] is not None:
            haystack.append("".join(traceback.format_exception(record.exc_info[1])))
    for error in raised:
        haystack += [str(error), repr(error), error.message, repr(error.details)]
        haystack.append("".join(traceback.format_exception(error)))
    text = _scrub("\n".join(haystack))
    for pin in PINS:
        assert pin not in text, pin
