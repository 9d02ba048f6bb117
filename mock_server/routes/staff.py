"""Support staff API (SPEC 2.17): login, member lookup and actions, the audit log.

Every action writes its audit row in the transaction that makes the change, so the log can
neither miss a change nor record one that did not happen. An action that is refused
(unknown member, a state it does not apply to, invalid input) writes nothing.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response

from acom_contract.schemas import (
    AuditEntry,
    CardReissueRequest,
    ErrorEnvelope,
    MemberSummary,
    OneTimePin,
    Page,
    PinResetRequest,
    StaffLoginRequest,
    StaffLoginResult,
    StaffReason,
    SuspendRequest,
    UnlockRequest,
)
from mock_server.auth import (
    LOGIN_ATTEMPT_KEPT,
    AbandonedAttempt,
    Ctx,
    LoginAttempt,
    StaffId,
    attempt_closed,
    bearer_token,
)
from mock_server.domain import lockout
from mock_server.domain.pin_rules import weak_pin_reason
from mock_server.errors import ApiError, responses, validation_error
from mock_server.hashing import hash_secret, new_token, token_hash, verify_secret
from mock_server.money_service import account_status
from mock_server.store import audit, members, sessions
from mock_server.store import staff as staff_store
from mock_server.store.timefmt import iso, parse

router = APIRouter(prefix="/v1/staff", tags=["staff"])

# Long enough to get home and log in, short enough that a PIN read out at a counter and
# never used does not stay valid.
ONE_TIME_PIN_LIFETIME = timedelta(hours=24)
AUDIT_PAGE_DEFAULT = 50
AUDIT_PAGE_MAX = 500
# Staff passwords are guarded at least as well as PINs (SPEC 2.17): a staff session can
# issue one-time PINs, so a guessed password is a takeover of any member.
STAFF_MAX_FAILED_ATTEMPTS = 5
STAFF_RATE_WINDOW = timedelta(hours=1)
CLAIMED_ID_MAX = 32

_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {
        "model": ErrorEnvelope,
        "description": "The member is not in a state this action applies to (code CONFLICT)",
    }
}
_MEMBER_ACTION = {**responses(401, 403, 404, 422, 503), **_CONFLICT}

MemberNumberPath = Annotated[
    str, Path(pattern=r"^[0-9]{8}$", description="8 ASCII digits", examples=["10000001"])
]


# --- pure rules ---------------------------------------------------------------------------


def mask_email(email: str | None) -> str | None:
    """``taro@example.jp`` -> ``t***@example.jp``: enough to confirm with the caller."""
    if not email:
        return None
    local, at, domain = email.rpartition("@")
    if not at or not local:
        return "***"
    return f"{local[0]}***@{domain}"


def mask_phone(phone: str | None) -> str | None:
    """``090-1234-5678`` -> ``090-****-5678``; without hyphens, the first 3 digits stay."""
    if not phone:
        return None
    groups = [g for g in re.split(r"[-\s]+", phone.strip()) if g]
    if len(groups) >= 3:
        middle = ["*" * len(g) for g in groups[1:-1]]
        return "-".join([groups[0], *middle, groups[-1]])
    digits = "".join(ch for ch in phone if ch.isascii() and ch.isdigit())
    if len(digits) < 8:
        return "*" * len(digits)
    return f"{digits[:3]}-{'*' * (len(digits) - 7)}-{digits[-4:]}"


def choose_one_time_pin(
    is_acceptable: Callable[[str], bool], draw: Callable[[], int] | None = None
) -> str:
    """A random 4-digit PIN that ``is_acceptable`` allows (not weak, not the old PIN)."""
    draw = draw or (lambda: secrets.randbelow(10_000))
    while True:
        pin = f"{draw():04d}"
        if is_acceptable(pin):
            return pin


# --- helpers ------------------------------------------------------------------------------


def _summary(member: sqlite3.Row) -> MemberSummary:
    return MemberSummary(
        member_number=member["member_number"],
        name=member["name"],
        status=account_status(member),
        locked=bool(member["locked"]),
        failed_attempts=member["failed_attempts"],
        suspension_reason=member["suspension_reason"],
        card_status=member["card_status"],
        email_masked=mask_email(member["email"]),
        phone_masked=mask_phone(member["mobile_phone"] or member["home_phone"]),
    )


def _member(conn: sqlite3.Connection, member_number: str) -> sqlite3.Row:
    member = members.get(conn, member_number)
    if member is None:
        raise ApiError(404, "NOT_FOUND", "No member has this number.")
    return member


def _conflict(message: str, **details: Any) -> ApiError:
    return ApiError(409, "CONFLICT", message, details)


def _reason(text: str) -> str:
    reason = text.strip()
    if not reason:
        raise validation_error("reason", "must not be blank")
    return reason


def _act(
    ctx: Ctx,
    staff_id: str,
    member_number: str,
    action: str,
    reason: str,
    change: Callable[[sqlite3.Connection, sqlite3.Row, datetime], dict[str, Any]],
) -> MemberSummary:
    """Apply ``change`` and audit it in one transaction; ``change`` raises to refuse."""
    reason = _reason(reason)
    now = ctx.now()
    with ctx.store.write() as conn:
        member = _member(conn, member_number)
        details = change(conn, member, now)
        audit.add(conn, now, "staff", staff_id, action, member_number, reason, details)
        return _summary(_member(conn, member_number))


# --- sessions -----------------------------------------------------------------------------


def _staff_locked() -> ApiError:
    return ApiError(
        423,
        "STAFF_LOCKED",
        f"This staff ID is locked after {STAFF_MAX_FAILED_ATTEMPTS} wrong passwords. "
        "An administrator can unlock it.",
    )


def _claimed(staff_id: str) -> str:
    """The claimed ID as audit data: printable and short, whatever the request carried."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in staff_id)
    return cleaned[:CLAIMED_ID_MAX]


def _throttled(
    conn: sqlite3.Connection, address: str, now: datetime, limit: int
) -> ApiError | None:
    failures, oldest = staff_store.address_failures_since(conn, address, now - STAFF_RATE_WINDOW)
    if failures < limit:
        return None
    wait = 1
    if oldest is not None:
        wait = max(1, int((parse(oldest) + STAFF_RATE_WINDOW - now).total_seconds()) + 1)
    return ApiError(
        429,
        "RATE_LIMITED",
        "Too many failed staff logins from this address; wait and try again.",
        {"retry_after_s": wait},
        headers={"Retry-After": str(wait)},
    )


def _refuse_login(
    ctx: Ctx, conn: sqlite3.Connection, staff_id: str, password: str, address: str, now: datetime
) -> ApiError | None:
    """Check one staff login inside the caller's write transaction; None means success.

    Known and unknown IDs take the same path (a dummy hash, the same counter table), so
    status, body and lockout cannot tell them apart. A refusal is audited as anonymous:
    the caller has not shown that it is the staff member it names.
    """
    failed, locked = staff_store.login_failures(conn, staff_id)
    record = {"claimed_staff_id": _claimed(staff_id), "address": address[: CLAIMED_ID_MAX * 2]}
    if locked:
        staff_store.add_address_failure(conn, address, now)
        audit.add(conn, now, "anonymous", "anonymous", "login_refused_locked", details=record)
        return _staff_locked()
    row = conn.execute("SELECT password_hash FROM staff WHERE staff_id = ?", (staff_id,)).fetchone()
    stored = row["password_hash"] if row else ctx.dummy_hash
    if verify_secret(password, stored, ctx.settings.scrypt) and row is not None:
        staff_store.clear_login_failures(conn, staff_id)
        return None
    outcome = lockout.register_failure(failed, STAFF_MAX_FAILED_ATTEMPTS)
    staff_store.set_login_failures(conn, staff_id, outcome.failed_attempts, outcome.locked, now)
    staff_store.add_address_failure(conn, address, now)
    details = {**record, "failed_attempts": outcome.failed_attempts, "locked": outcome.locked}
    audit.add(conn, now, "anonymous", "anonymous", "login_failed", details=details)
    if outcome.locked:
        return _staff_locked()
    return ApiError(
        401,
        "INVALID_CREDENTIALS",
        "The staff ID or password is not correct.",
        {"remaining_attempts": STAFF_MAX_FAILED_ATTEMPTS - outcome.failed_attempts},
    )


@router.post(
    "/sessions",
    response_model=StaffLoginResult,
    status_code=201,
    responses=responses(401, 409, 422, 423, 429, 503),
)
def staff_login(
    body: StaffLoginRequest, request: Request, ctx: Ctx, attempt: LoginAttempt
) -> StaffLoginResult:
    """Log in; 5 consecutive wrong passwords lock the staff ID until an admin unlocks it.

    Failed logins from one address are throttled (``RATE_LIMITED`` with ``Retry-After``).
    """
    now = ctx.now()
    settings = ctx.settings
    address = request.client.host if request.client else "unknown"
    with ctx.store.write() as conn:
        limit = settings.staff_failed_logins_per_address_per_hour
        error = _throttled(conn, address, now, limit)
        if error is None and attempt is not None and sessions.attempt_seen(conn, attempt):
            # Its client gave up and said so: no password check, no session.
            error = attempt_closed()
        if error is None:
            error = _refuse_login(
                ctx, conn, body.staff_id, body.password.get_secret_value(), address, now
            )
        if error is None:
            token = new_token()
            digest = token_hash(token)
            sessions.create(
                conn, digest, "staff", body.staff_id, now, now + settings.absolute_timeout
            )
            if attempt is not None:
                sessions.attempt_opened(conn, attempt, "staff", digest, now)
                sessions.prune_attempts(conn, now - LOGIN_ATTEMPT_KEPT)
            audit.add(conn, now, "staff", body.staff_id, "login")
            staff_store.prune_address_failures(conn, now - STAFF_RATE_WINDOW)
    if error is not None:
        raise error
    return StaffLoginResult(
        token=token,
        staff_id=body.staff_id,
        expires_at=now + settings.staff_idle_timeout,
        idle_timeout_s=int(settings.staff_idle_timeout.total_seconds()),
    )


@router.delete("/sessions/current", status_code=204, responses=responses(401, 403, 503))
def staff_logout(staff_id: StaffId, request: Request, ctx: Ctx) -> Response:
    """End this staff session."""
    digest = token_hash(bearer_token(request))
    now = ctx.now()
    with ctx.store.write() as conn:
        sessions.revoke(conn, digest, now, "logout")
        audit.add(conn, now, "staff", staff_id, "logout")
    return Response(status_code=204)


@router.delete("/sessions/attempt", status_code=204, responses=responses(422, 503))
def abandon_staff_login(attempt: AbandonedAttempt, ctx: Ctx) -> Response:
    """Abandon a staff login whose answer the client did not get.

    Ends the session that login opened (audited under its staff ID); if it has not opened
    one yet, it never will. Answers 204 whether or not there was anything to end.
    """
    now = ctx.now()
    with ctx.store.write() as conn:
        staff_id = sessions.abandon_attempt(conn, attempt, "staff", now)
        if staff_id is not None:
            audit.add(conn, now, "staff", staff_id, "login_abandoned")
        sessions.prune_attempts(conn, now - LOGIN_ATTEMPT_KEPT)
    return Response(status_code=204)


# --- members ------------------------------------------------------------------------------


@router.get(
    "/members/{member_number}",
    response_model=MemberSummary,
    responses=responses(401, 403, 404, 422, 503),
)
def lookup(member_number: MemberNumberPath, staff_id: StaffId, ctx: Ctx) -> MemberSummary:
    """Status, lock, failures, suspension and card state; e-mail and phone masked.

    The lookup itself is audited: reading a member's personal data is an action too.
    """
    now = ctx.now()
    with ctx.store.write() as conn:
        member = _member(conn, member_number)
        audit.add(conn, now, "staff", staff_id, "lookup", member_number)
    return _summary(member)


@router.post(
    "/members/{member_number}/unlock", response_model=MemberSummary, responses=_MEMBER_ACTION
)
def unlock(
    member_number: MemberNumberPath, body: UnlockRequest, staff_id: StaffId, ctx: Ctx
) -> MemberSummary:
    """Unlock after an identity check; the document checked is recorded in the audit log."""

    def change(conn: sqlite3.Connection, member: sqlite3.Row, now: datetime) -> dict[str, Any]:
        if not member["locked"]:
            raise _conflict("The account is not locked.", status=account_status(member))
        members.unlock(conn, member_number)
        return {"identity_document": body.identity_document}

    return _act(ctx, staff_id, member_number, "unlock", body.reason, change)


@router.post(
    "/members/{member_number}/pin-reset",
    response_model=OneTimePin,
    responses=responses(401, 403, 404, 422, 503),
)
def pin_reset(
    member_number: MemberNumberPath,
    body: PinResetRequest,
    staff_id: StaffId,
    response: Response,
    ctx: Ctx,
) -> OneTimePin:
    """Replace a forgotten PIN with a random one-time PIN, shown in this answer only.

    Gives a person access, so the identity document checked is required and recorded.

    Also unlocks the account and ends the member's sessions. The member must choose a PIN
    of their own at the next login; an unused one-time PIN expires after 24 hours.
    """
    reason = _reason(body.reason)
    now = ctx.now()
    expires_at = now + ONE_TIME_PIN_LIFETIME
    with ctx.store.write() as conn:
        member = _member(conn, member_number)
        birthday = date.fromisoformat(member["birthday"])
        phones = [p for p in (member["home_phone"], member["mobile_phone"]) if p]

        def acceptable(pin: str) -> bool:
            weak = weak_pin_reason(
                pin, birthday=birthday, member_number=member_number, phones=phones
            )
            # Never hand back the PIN that was forgotten: "the old PIN no longer works".
            return weak is None and not verify_secret(pin, member["pin_hash"], ctx.settings.scrypt)

        pin = choose_one_time_pin(acceptable)
        staff_store.issue_one_time_pin(
            conn,
            member_number,
            hash_secret(pin, ctx.settings.scrypt),
            issued_by=staff_id,
            now=now,
            expires_at=expires_at,
        )
        revoked = sessions.revoke_all(conn, "member", member_number, now, "pin_reset")
        details = {
            "identity_document": body.identity_document,
            "expires_at": iso(expires_at),
            "sessions_revoked": revoked,
            "was_locked": bool(member["locked"]),
        }
        audit.add(conn, now, "staff", staff_id, "pin_reset", member_number, reason, details)
    # Shown once, to the staff member at the counter: nothing on the way may keep a copy.
    response.headers["Cache-Control"] = "no-store"
    return OneTimePin(member_number=member_number, one_time_pin=pin, expires_at=expires_at)


@router.post(
    "/members/{member_number}/suspend", response_model=MemberSummary, responses=_MEMBER_ACTION
)
def suspend(
    member_number: MemberNumberPath, body: SuspendRequest, staff_id: StaffId, ctx: Ctx
) -> MemberSummary:
    """Suspend with a reason code (shown to the member at login); ends their sessions."""

    def change(conn: sqlite3.Connection, member: sqlite3.Row, now: datetime) -> dict[str, Any]:
        if member["status"] == "suspended":
            # Changing the reason is a reinstate and a new suspension: two audited decisions.
            raise _conflict(
                "The account is already suspended.", reason_code=member["suspension_reason"]
            )
        staff_store.set_suspension(conn, member_number, body.reason_code)
        revoked = sessions.revoke_all(conn, "member", member_number, now, "suspended")
        return {"reason_code": body.reason_code, "sessions_revoked": revoked}

    return _act(ctx, staff_id, member_number, "suspend", body.reason, change)


@router.post(
    "/members/{member_number}/reinstate", response_model=MemberSummary, responses=_MEMBER_ACTION
)
def reinstate(
    member_number: MemberNumberPath, body: StaffReason, staff_id: StaffId, ctx: Ctx
) -> MemberSummary:
    """Lift a suspension (409 if the account is not suspended)."""

    def change(conn: sqlite3.Connection, member: sqlite3.Row, now: datetime) -> dict[str, Any]:
        if member["status"] != "suspended":
            raise _conflict("The account is not suspended.", status=account_status(member))
        staff_store.set_suspension(conn, member_number, None)
        return {"previous_reason_code": member["suspension_reason"]}

    return _act(ctx, staff_id, member_number, "reinstate", body.reason, change)


@router.post(
    "/members/{member_number}/card-lost", response_model=MemberSummary, responses=_MEMBER_ACTION
)
def card_lost(
    member_number: MemberNumberPath, body: StaffReason, staff_id: StaffId, ctx: Ctx
) -> MemberSummary:
    """Mark the card lost or stolen: login answers CARD_LOST; sessions end."""

    def change(conn: sqlite3.Connection, member: sqlite3.Row, now: datetime) -> dict[str, Any]:
        if member["card_status"] == "lost":
            raise _conflict("The card is already marked lost.", card_status="lost")
        staff_store.set_card_status(conn, member_number, "lost")
        revoked = sessions.revoke_all(conn, "member", member_number, now, "card_lost")
        return {"sessions_revoked": revoked}

    return _act(ctx, staff_id, member_number, "card_lost", body.reason, change)


@router.post(
    "/members/{member_number}/card-reissued",
    response_model=MemberSummary,
    responses=_MEMBER_ACTION,
)
def card_reissued(
    member_number: MemberNumberPath, body: CardReissueRequest, staff_id: StaffId, ctx: Ctx
) -> MemberSummary:
    """A new card was issued: login works again (the identity document checked is recorded)."""

    def change(conn: sqlite3.Connection, member: sqlite3.Row, now: datetime) -> dict[str, Any]:
        if member["card_status"] != "lost":
            raise _conflict("The card is not marked lost.", card_status=member["card_status"])
        staff_store.set_card_status(conn, member_number, "active")
        return {"identity_document": body.identity_document}

    return _act(ctx, staff_id, member_number, "card_reissued", body.reason, change)


# --- audit log ----------------------------------------------------------------------------


def _entry(row: sqlite3.Row) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        at=parse(row["at"]),
        actor_kind=row["actor_kind"],
        actor=row["actor"],
        action=row["action"],
        member_number=row["member_number"],
        reason=row["reason"],
        details=json.loads(row["details"]),
    )


@router.get("/audit", response_model=Page[AuditEntry], responses=responses(401, 403, 422, 503))
def audit_log(
    staff_id: StaffId,
    ctx: Ctx,
    member_number: Annotated[str | None, Query(pattern=r"^[0-9]{8}$")] = None,
    actor: Annotated[
        str | None,
        Query(alias="staff_id", min_length=1, max_length=32, description="entries by this staff"),
    ] = None,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=AUDIT_PAGE_MAX)] = AUDIT_PAGE_DEFAULT,
) -> Page[AuditEntry]:
    """Newest first. The cursor is opaque to clients; a cursor from another filter is fine."""
    before_id = None
    if cursor is not None:
        if not (cursor.isascii() and cursor.isdigit() and 0 < int(cursor) < 2**63):
            raise validation_error("cursor", "not a cursor this API returned")
        before_id = int(cursor)
    with ctx.store.read() as conn:
        rows = audit.list_entries(
            conn,
            member_number=member_number,
            actor=actor,
            before_id=before_id,
            limit=limit + 1,
        )
    items = [_entry(row) for row in rows[:limit]]
    next_cursor = str(items[-1].id) if len(rows) > limit else None
    return Page[AuditEntry](items=items, next_cursor=next_cursor)
