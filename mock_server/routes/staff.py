"""Support staff API (SPEC 2.17): login here; member actions in the services issue."""

from __future__ import annotations

from fastapi import APIRouter

from acom_tui.api.schemas import StaffLoginRequest, StaffLoginResult
from mock_server.auth import Ctx
from mock_server.errors import ApiError, responses
from mock_server.hashing import new_token, token_hash, verify_secret
from mock_server.store import audit, sessions

router = APIRouter(prefix="/v1/staff", tags=["staff"])


@router.post(
    "/sessions",
    response_model=StaffLoginResult,
    status_code=201,
    responses=responses(401, 422, 503),
)
def staff_login(body: StaffLoginRequest, ctx: Ctx) -> StaffLoginResult:
    now = ctx.now()
    settings = ctx.settings
    with ctx.store.write() as conn:
        row = conn.execute("SELECT * FROM staff WHERE staff_id = ?", (body.staff_id,)).fetchone()
        stored = row["password_hash"] if row else ctx.dummy_hash
        ok = verify_secret(body.password.get_secret_value(), stored) and row is not None
        audit.add(conn, now, "staff", body.staff_id, "login" if ok else "login_failed")
        if ok:
            token = new_token()
            sessions.create(
                conn,
                token_hash(token),
                "staff",
                body.staff_id,
                now,
                now + settings.absolute_timeout,
            )
    if not ok:
        raise ApiError(401, "INVALID_CREDENTIALS", "The staff ID or password is not correct.")
    return StaffLoginResult(
        token=token,
        staff_id=body.staff_id,
        expires_at=now + settings.staff_idle_timeout,
        idle_timeout_s=int(settings.staff_idle_timeout.total_seconds()),
    )
