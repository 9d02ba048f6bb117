"""Idempotency-Key handling for money movements (SPEC 2.8).

A movement runs in two ``BEGIN IMMEDIATE`` transactions:

1. the *claim*: look the key up; replay a stored response, refuse a key reused with another
   body (422) or one still in flight (409), or claim it with a random nonce;
2. the *movement*: check the claim is still ours, apply the movement, and store its response
   in the same transaction as the ledger row and the loan state.

The claim is committed on its own so that a second request with the same key can *see* that
the first is in flight. A claim whose process died is taken over after ``CLAIM_TIMEOUT`` by
the server clock; the nonce makes sure only one of two racing requests completes it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Header
from fastapi.responses import Response
from pydantic import BaseModel

from mock_server.context import Context
from mock_server.errors import ApiError, validation_error
from mock_server.store import idempotency

log = logging.getLogger("mock_server")

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
CLAIM_TIMEOUT = timedelta(seconds=60)


async def idempotency_key(
    key: Annotated[
        str | None,
        Header(
            alias=HEADER,
            description="Required. 1-255 printable ASCII characters, unique per movement "
            "(a UUID is a good choice). Kept 24 hours per member: a retry with the same key "
            "and body gets the stored answer with `Idempotent-Replayed: true`.",
            # Stated for the document only; the checks below give the messages.
            json_schema_extra={
                "minLength": 1,
                "maxLength": MAX_KEY_LENGTH,
                "pattern": "^[!-~](?:[ -~]*[!-~])?$",
            },
        ),
    ] = None,
) -> str:
    if key is None:
        raise ApiError(
            400,
            "IDEMPOTENCY_KEY_MISSING",
            f"Money movements need an {HEADER} header, so that a retry cannot pay twice.",
        )
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise validation_error(HEADER, f"must be 1 to {MAX_KEY_LENGTH} characters")
    if not all(" " <= ch <= "~" for ch in key) or key.strip() != key:
        raise validation_error(HEADER, "must be printable ASCII without surrounding spaces")
    return key


IdempotencyKey = Annotated[str, Depends(idempotency_key)]


def fingerprint(method: str, path: str, body: BaseModel) -> str:
    """What "the same request" means: same endpoint and the same parsed body."""
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def _render(content: Any) -> str:
    # The same rendering as Starlette's JSONResponse, so replays are byte-identical.
    return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _in_progress() -> ApiError:
    return ApiError(
        409,
        "IDEMPOTENCY_IN_PROGRESS",
        "A request with this Idempotency-Key is still being processed; retry shortly.",
        headers={"Retry-After": "1"},
    )


def _reused() -> ApiError:
    return ApiError(
        422,
        "IDEMPOTENCY_KEY_REUSED",
        "This Idempotency-Key was already used for a different request; use a new key.",
    )


def _answer(status: int, body: str, *, replayed: bool) -> Response:
    headers = {REPLAYED: "true"} if replayed else None
    return Response(body, status_code=status, media_type="application/json", headers=headers)


Movement = Callable[[sqlite3.Connection, datetime], BaseModel]


def run(
    ctx: Context,
    member_number: str,
    key: str,
    request_fingerprint: str,
    movement: Movement,
    *,
    status: int = 201,
) -> Response:
    """Run ``movement`` at most once per (member, key) and answer as SPEC 2.8 says.

    ``movement(conn, now)`` runs inside the movement transaction and returns the response
    model; an ``ApiError`` it raises (a business refusal, raised before it writes money) is
    stored and replayed like a success.
    """
    nonce = secrets.token_hex(16)
    with ctx.store.write() as conn:
        now = ctx.now()
        idempotency.prune(conn, now - ctx.settings.idempotency_retention)
        record = idempotency.get(conn, member_number, key)
        if record is not None:
            if record.fingerprint != request_fingerprint:
                raise _reused()
            if record.completed:
                assert record.status_code is not None and record.response_body is not None
                return _answer(record.status_code, record.response_body, replayed=True)
            if now - record.claimed_at < CLAIM_TIMEOUT:
                raise _in_progress()
            log.warning("taking over an abandoned Idempotency-Key claim of %s", member_number)
        idempotency.claim(conn, member_number, key, request_fingerprint, nonce, now)

    try:
        with ctx.store.write() as conn:
            if not idempotency.holds_claim(conn, member_number, key, nonce):
                raise _in_progress()  # our claim expired and another request took it over
            now = ctx.now()  # read under the write lock: ledger times follow commit order
            try:
                answer = movement(conn, now)
                code, body = status, answer.model_dump_json()
            except ApiError as refusal:
                if refusal.status >= 500:
                    raise
                code, body = refusal.status, _render(refusal.body())
            idempotency.complete(conn, member_number, key, nonce, code, body, now)
    except BaseException:
        # Nothing was booked: free the key at once instead of making the retry wait for the
        # claim to expire. (A crash here is covered by the expiry.)
        with ctx.store.write() as conn:
            idempotency.release(conn, member_number, key, nonce)
        raise
    return _answer(code, body, replayed=False)
