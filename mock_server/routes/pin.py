"""PIN change (SPEC 2.14) and the step-up PIN check that contact changes share (SPEC 2.2)."""

from __future__ import annotations

import re
import sqlite3
from datetime import date, datetime

from fastapi import APIRouter, Request, Response

from acom_contract.schemas import PinChangeRequest
from mock_server.auth import Ctx, MemberId, bearer_token
from mock_server.domain import lockout
from mock_server.domain.pin_rules import weak_pin_reason
from mock_server.errors import ApiError, responses, validation_error
from mock_server.hashing import ScryptParams, hash_secret, token_hash, verify_secret
from mock_server.store import audit, members, sessions
from mock_server.store import profile as profile_store
from mock_server.store import staff as staff_store

router = APIRouter(tags=["PIN"])

_PIN = re.compile(r"[0-9]{4}")
SAME_AS_CURRENT = "SAME_AS_CURRENT"


def require_pin_format(field: str, pin: str) -> None:
    """Malformed PINs are input errors and never count toward the lockout (as at login)."""
    if not _PIN.fullmatch(pin):
        raise validation_error(field, "must be exactly 4 ASCII digits")


def check_step_up(
    conn: sqlite3.Connection,
    member: sqlite3.Row,
    pin: str,
    now: datetime,
    purpose: str,
    scrypt: ScryptParams,
) -> ApiError | None:
    """Verify the current PIN inside the caller's write transaction; None means correct.

    A wrong PIN counts toward the same lockout as a wrong login PIN. The one that locks the
    account also ends all of the member's sessions, so whoever is holding the session cannot
    go on guessing. The caller must commit before raising the returned error.
    """
    number = member["member_number"]
    if member["locked"]:
        sessions.revoke_all(conn, "member", number, now, "locked")
        return _locked()
    if verify_secret(pin, member["pin_hash"], scrypt):
        members.reset_failures(conn, number)
        return None
    outcome = lockout.register_failure(member["failed_attempts"])
    members.set_failures(conn, number, outcome.failed_attempts, outcome.locked, now)
    audit.add(
        conn,
        now,
        "member",
        number,
        "step_up_failed",
        number,
        details={"purpose": purpose, "failed_attempts": outcome.failed_attempts},
    )
    if outcome.locked:
        sessions.revoke_all(conn, "member", number, now, "locked")
        audit.add(conn, now, "system", "lockout", "account_locked", number, details={"by": purpose})
        return _locked()
    return ApiError(
        401,
        "INVALID_CREDENTIALS",
        "The PIN is not correct.",
        {"remaining_attempts": outcome.remaining_attempts},
    )


def _locked() -> ApiError:
    return ApiError(
        423,
        "ACCOUNT_LOCKED",
        "The account is locked after 3 wrong PINs and this session has ended. It can be "
        "unlocked at a store or an automatic contract machine after an identity check.",
    )


def phones_of(member: sqlite3.Row) -> list[str]:
    return [
        phone
        for phone in (member["home_phone"], member["mobile_phone"], member["employer_phone"])
        if phone
    ]


@router.put("/v1/me/pin", status_code=204, responses=responses(401, 403, 422, 423, 503))
def change_pin(
    body: PinChangeRequest, request: Request, member_number: MemberId, ctx: Ctx
) -> Response:
    """Change the PIN. Other sessions of the member end; this one stays open.

    The current PIN is checked before the new one is judged, so the answer never tells a
    session holder anything about the PIN they do not know.
    """
    current = body.current_pin.get_secret_value()
    new = body.new_pin.get_secret_value()
    require_pin_format("current_pin", current)
    require_pin_format("new_pin", new)
    now = ctx.now()
    keep = token_hash(bearer_token(request))
    error: ApiError | None
    with ctx.store.write() as conn:
        member = members.get(conn, member_number)
        assert member is not None  # a session exists only for a member
        error = check_step_up(conn, member, current, now, "pin_change", ctx.settings.scrypt)
        if error is None:
            error = _weak(new, current, member)
        if error is None:
            profile_store.set_pin_hash(conn, member_number, hash_secret(new, ctx.settings.scrypt))
            staff_store.clear_one_time_pin(conn, member_number)  # a PIN of their own now
            ended = profile_store.revoke_other_sessions(
                conn, member_number, keep, now, "pin_changed"
            )
            audit.add(
                conn,
                now,
                "member",
                member_number,
                "pin_change",
                member_number,
                details={"other_sessions_ended": ended},
            )
    if error is not None:
        raise error
    return Response(status_code=204)


def _weak(new: str, current: str, member: sqlite3.Row) -> ApiError | None:
    if new == current:
        reason: str | None = SAME_AS_CURRENT
    else:
        reason = weak_pin_reason(
            new,
            birthday=date.fromisoformat(member["birthday"]),
            member_number=member["member_number"],
            phones=phones_of(member),
        )
    if reason is None:
        return None
    return ApiError(
        422,
        "WEAK_PIN",
        "This PIN is too easy to guess; choose another.",
        {"field": "new_pin", "reason": str(reason)},
    )
