"""Bearer-token checks for member and staff routes, and the admin token."""

from __future__ import annotations

import hmac
import re
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import Depends, Header, Request, Response

from mock_server.context import Context, get_context
from mock_server.domain import maintenance
from mock_server.errors import ApiError, validation_error
from mock_server.hashing import token_hash
from mock_server.store import sessions
from mock_server.store.timefmt import iso, parse

SESSION_HEADER = "X-Session-Expires-At"

# What a session opened with a one-time PIN may use until the PIN is changed (SPEC 2.17).
# Logout and the status do not authenticate through here, so they stay open too. Kept here,
# where every member route authenticates, so a new route is closed unless listed.
PIN_CHANGE_ROUTES = frozenset({("PUT", "/v1/me/pin")})


# A login names its attempt (a random id the client chose) so that the client, having given
# up on the answer, can end the session it may have opened: DELETE .../sessions/attempt.
LOGIN_ATTEMPT_HEADER = "Login-Attempt"
# Longer than any client waits for a login answer, so an abandonment always finds its login.
LOGIN_ATTEMPT_KEPT = timedelta(hours=1)
_ATTEMPT_ID = re.compile(r"[A-Za-z0-9_-]{16,128}")
_ATTEMPT_RULE = "16-128 characters, each a letter, a digit, '-' or '_'"


def _attempt_hash(value: str | None, *, required: bool) -> str | None:
    if value is None:
        if required:
            raise validation_error(LOGIN_ATTEMPT_HEADER, f"header required: {_ATTEMPT_RULE}")
        return None
    if not _ATTEMPT_ID.fullmatch(value):
        raise validation_error(LOGIN_ATTEMPT_HEADER, f"must be {_ATTEMPT_RULE}")
    # Stored hashed, like tokens: it is a capability to end one session.
    return token_hash(value)


# Stated for the document only (schemathesis holds the server to it); the checks in
# _attempt_hash give the messages.
_ATTEMPT_SCHEMA = {"minLength": 16, "maxLength": 128, "pattern": "^[A-Za-z0-9_-]{16,128}$"}


async def _optional_attempt(
    login_attempt: Annotated[
        str | None,
        Header(
            alias=LOGIN_ATTEMPT_HEADER,
            description="A random id of this login attempt, chosen by the client ("
            f"{_ATTEMPT_RULE}); the same id abandons the attempt if its answer is lost.",
            json_schema_extra=_ATTEMPT_SCHEMA,
        ),
    ] = None,
) -> str | None:
    return _attempt_hash(login_attempt, required=False)


async def _required_attempt(
    login_attempt: Annotated[
        str,
        Header(
            alias=LOGIN_ATTEMPT_HEADER,
            description=f"The id the abandoned login was sent with ({_ATTEMPT_RULE}).",
            json_schema_extra=_ATTEMPT_SCHEMA,
        ),
    ],
) -> str:
    digest = _attempt_hash(login_attempt, required=True)
    assert digest is not None
    return digest


LoginAttempt = Annotated[str | None, Depends(_optional_attempt)]
"""The hash of the login's attempt id, if it sent one."""
AbandonedAttempt = Annotated[str, Depends(_required_attempt)]


def attempt_closed() -> ApiError:
    return ApiError(
        409,
        "LOGIN_ATTEMPT_CLOSED",
        "This login attempt was abandoned or used already; log in again.",
    )


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(
            401,
            "UNAUTHENTICATED",
            "Log in first: this needs a bearer token.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return token.strip()


def _expired(reason: str) -> ApiError:
    return ApiError(
        401,
        "SESSION_EXPIRED",
        "The session has ended; log in again.",
        {"reason": reason},
        headers={"WWW-Authenticate": "Bearer"},
    )


def _pin_change_required() -> ApiError:
    return ApiError(
        403,
        "PIN_CHANGE_REQUIRED",
        "This session was opened with a one-time PIN: change the PIN first "
        "(PUT /v1/me/pin); until then only the PIN change, the status and logout work.",
        {"allowed": ["PUT /v1/me/pin", "GET /v1/status", "DELETE /v1/sessions/current"]},
    )


def _route_of(request: Request) -> tuple[str, str]:
    route = request.scope.get("route")
    return request.method, str(getattr(route, "path", request.url.path))


def authenticate(
    ctx: Context, request: Request, response: Response, kind: Literal["member", "staff"]
) -> str:
    """Check the token, apply idle/absolute/maintenance expiry, record activity.

    Returns the member number or staff id. A member session opened with a one-time PIN
    gets ``PIN_CHANGE_REQUIRED`` everywhere but the PIN change until the PIN is changed.
    """
    token = bearer_token(request)
    digest = token_hash(token)
    now = ctx.now()
    adhoc = ctx.adhoc_window()
    idle = ctx.settings.idle_timeout if kind == "member" else ctx.settings.staff_idle_timeout
    with ctx.store.write() as conn:
        row = sessions.get(conn, digest)
        if row is None or (row["revoked_at"] is not None and row["revoked_reason"] == "logout"):
            raise ApiError(
                401,
                "UNAUTHENTICATED",
                "This token is not valid; log in again.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if row["kind"] != kind:
            raise ApiError(403, "FORBIDDEN", f"A {row['kind']} session cannot use this endpoint.")
        if row["revoked_at"] is not None:
            raise _expired(row["revoked_reason"])
        reason = None
        if now >= parse(row["absolute_expires_at"]):
            reason = "absolute_timeout"
        elif now - parse(row["last_seen_at"]) >= idle:
            reason = "idle_timeout"
        elif parse(row["created_at"]) <= maintenance.last_start(now, adhoc):
            reason = "maintenance"
        gated = False
        if reason is not None:
            sessions.revoke(conn, digest, now, reason)
        else:
            sessions.touch(conn, digest, now)
            gated = sessions.pin_change_pending(conn, row)
    if reason is not None:
        raise _expired(reason)
    if gated and _route_of(request) not in PIN_CHANGE_ROUTES:
        raise _pin_change_required()
    response.headers[SESSION_HEADER] = iso(min(now + idle, parse(row["absolute_expires_at"])))
    return str(row["subject"])


# ``async`` on purpose: FastAPI runs a plain ``def`` dependency in the thread pool, and
# that hop cost more than the check itself (docs/performance.md, "The mock server under
# load"). The check is a few short SQLite statements run on the event loop; this is safe
# because no code awaits inside a transaction (tests/mock_server/test_loop_transactions.py),
# so requests on the loop never interleave on its connection or its write lock.
async def current_member(
    request: Request, response: Response, ctx: Annotated[Context, Depends(get_context)]
) -> str:
    return authenticate(ctx, request, response, "member")


async def current_staff(
    request: Request, response: Response, ctx: Annotated[Context, Depends(get_context)]
) -> str:
    return authenticate(ctx, request, response, "staff")


async def require_admin(request: Request, ctx: Annotated[Context, Depends(get_context)]) -> None:
    given = request.headers.get("x-admin-token", "")
    if not hmac.compare_digest(given.encode(), ctx.settings.admin_token.encode()):
        raise ApiError(403, "FORBIDDEN", "The admin API needs the X-Admin-Token header.")


MemberId = Annotated[str, Depends(current_member)]
StaffId = Annotated[str, Depends(current_staff)]
Ctx = Annotated[Context, Depends(get_context)]
