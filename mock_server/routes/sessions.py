"""Login and logout (SPEC 2.1, 2.2)."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta

from fastapi import APIRouter, Request, Response

from acom_contract.schemas import LoginRequest, LoginResult
from mock_server import money_service
from mock_server.auth import (
    LOGIN_ATTEMPT_KEPT,
    AbandonedAttempt,
    Ctx,
    LoginAttempt,
    attempt_closed,
    bearer_token,
)
from mock_server.context import Context
from mock_server.domain import lockout
from mock_server.errors import ApiError, responses, validation_error
from mock_server.hashing import new_token, token_hash, verify_secret
from mock_server.store import members, sessions
from mock_server.store import staff as staff_store
from mock_server.store.timefmt import parse

router = APIRouter(tags=["sessions"])

_MEMBER_NUMBER = re.compile(r"[0-9]{8}")
_PIN = re.compile(r"[0-9]{4}")
RATE_WINDOW = timedelta(hours=1)


def _invalid(remaining: int) -> ApiError:
    return ApiError(
        401,
        "INVALID_CREDENTIALS",
        "The member number or PIN is not correct.",
        {"remaining_attempts": remaining},
    )


def _locked() -> ApiError:
    return ApiError(
        423,
        "ACCOUNT_LOCKED",
        "The account is locked after 3 wrong PINs. It can be unlocked at a store or an "
        "automatic contract machine after an identity check.",
    )


@router.post(
    "/v1/sessions",
    response_model=LoginResult,
    status_code=201,
    responses=responses(401, 403, 409, 422, 423, 429, 503),
)
def login(body: LoginRequest, request: Request, ctx: Ctx, attempt: LoginAttempt) -> LoginResult:
    if not _MEMBER_NUMBER.fullmatch(body.member_number):
        raise validation_error("member_number", "must be exactly 8 ASCII digits")
    pin = body.pin.get_secret_value()
    if not _PIN.fullmatch(pin):
        raise validation_error("pin", "must be exactly 4 ASCII digits")

    settings = ctx.settings
    address = request.client.host if request.client else "unknown"
    now = ctx.now()
    with ctx.store.write() as conn:
        failures, oldest = members.address_failures_since(conn, address, now - RATE_WINDOW)
        error: ApiError | None
        if attempt is not None and sessions.attempt_seen(conn, attempt):
            # Its client gave up and said so: no PIN check, no session.
            error = attempt_closed()
        elif failures >= settings.failed_logins_per_address_per_hour:
            wait = 1
            if oldest is not None:
                wait = max(1, int((parse(oldest) + RATE_WINDOW - now).total_seconds()) + 1)
            error = ApiError(
                429,
                "RATE_LIMITED",
                "Too many failed logins from this address; wait and try again.",
                {"retry_after_s": wait},
                headers={"Retry-After": str(wait)},
            )
        else:
            error = _attempt(ctx, conn, body.member_number, pin, address, now)
            one_time = staff_store.one_time_pin_state(conn, body.member_number, now)
            if error is None and one_time == "expired":
                error = ApiError(
                    403,
                    "ONE_TIME_PIN_EXPIRED",
                    "The one-time PIN from the support desk has expired; ask for a new one.",
                )
            if error is None:
                token = new_token()
                absolute = now + settings.absolute_timeout
                digest = token_hash(token)
                sessions.create(conn, digest, "member", body.member_number, now, absolute)
                if attempt is not None:
                    sessions.attempt_opened(conn, attempt, "member", digest, now)
                    sessions.prune_attempts(conn, now - LOGIN_ATTEMPT_KEPT)
                members.prune_address_failures(conn, now - RATE_WINDOW)
                return LoginResult(
                    token=token,
                    expires_at=min(now + settings.idle_timeout, absolute),
                    absolute_expires_at=absolute,
                    idle_timeout_s=int(settings.idle_timeout.total_seconds()),
                    member_number=body.member_number,
                    pin_change_required=one_time == "valid",
                )
    assert error is not None
    raise error


def _attempt(
    ctx: Context, conn: sqlite3.Connection, number: str, pin: str, address: str, now: datetime
) -> ApiError | None:
    """One login attempt inside the caller's write transaction; None means success."""
    member = members.get(conn, number)
    if member is None:
        failed, locked = members.get_unknown(conn, number)
    else:
        failed, locked = member["failed_attempts"], bool(member["locked"])
    if locked:
        members.add_address_failure(conn, address, now)
        return _locked()
    # Unknown numbers are checked against a dummy hash so timing does not tell them apart.
    if member is None or not verify_secret(pin, member["pin_hash"], ctx.settings.scrypt):
        if member is None:
            verify_secret(pin, ctx.dummy_hash, ctx.settings.scrypt)
        outcome = lockout.register_failure(failed)
        if member is None:
            members.set_unknown(conn, number, outcome.failed_attempts, outcome.locked)
        else:
            members.set_failures(conn, number, outcome.failed_attempts, outcome.locked, now)
            if outcome.locked:
                sessions.revoke_all(conn, "member", number, now, "locked")
        members.add_address_failure(conn, address, now)
        return _locked() if outcome.locked else _invalid(outcome.remaining_attempts)
    members.reset_failures(conn, number)
    member = money_service.enforce_delinquency(conn, member, now, ctx.settings)
    if member["card_status"] == "lost":
        return ApiError(
            403, "CARD_LOST", "This card was reported lost or stolen; it cannot be used to log in."
        )
    if member["status"] == "suspended":
        return ApiError(
            403,
            "ACCOUNT_SUSPENDED",
            "Use of this account is suspended.",
            {"reason": member["suspension_reason"]},
        )
    return None


@router.delete("/v1/sessions/current", status_code=204, responses=responses(401, 403, 503))
def logout(request: Request, ctx: Ctx) -> Response:
    digest = token_hash(bearer_token(request))
    with ctx.store.write() as conn:
        row = sessions.get(conn, digest)
        if row is None or row["revoked_at"] is not None:
            raise ApiError(401, "UNAUTHENTICATED", "This token is not valid.")
        if row["kind"] != "member":
            raise ApiError(403, "FORBIDDEN", "Staff sessions end at /v1/staff/sessions/current.")
        sessions.revoke(conn, digest, ctx.now(), "logout")
    return Response(status_code=204)


@router.delete("/v1/sessions/attempt", status_code=204, responses=responses(422, 503))
def abandon_login(attempt: AbandonedAttempt, ctx: Ctx) -> Response:
    """Abandon a login whose answer the client did not get (its deadline, a lost connection).

    Ends the session that login opened; if it has not opened one yet, it never will
    (``409 LOGIN_ATTEMPT_CLOSED``). Answers 204 whether or not there was anything to end.
    """
    now = ctx.now()
    with ctx.store.write() as conn:
        sessions.abandon_attempt(conn, attempt, "member", now)
        sessions.prune_attempts(conn, now - LOGIN_ATTEMPT_KEPT)
    return Response(status_code=204)
