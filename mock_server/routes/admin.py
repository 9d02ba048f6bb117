"""Mock control: the clock, maintenance, fault injection, roster reset (admin token only)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path

from acom_contract.schemas import (
    STAFF_ID_PATTERN,
    Account,
    ClockAdvance,
    ClockFreeze,
    ClockSet,
    ClockState,
    CreditData,
    FaultSettings,
    MaintenanceSwitch,
    OtherLendersBalanceUpdate,
    Status,
)
from mock_server import faults, money_service, roster
from mock_server.auth import Ctx, require_admin
from mock_server.domain.maintenance import Window
from mock_server.errors import ApiError, responses, validation_error
from mock_server.routes.account import member_account
from mock_server.routes.status import status
from mock_server.store import audit, members
from mock_server.store import staff as staff_store

router = APIRouter(
    prefix="/v1/admin",
    tags=["admin"],
    dependencies=[Depends(require_admin)],
    responses=responses(403, 422),
)


def _clock(ctx: Ctx) -> ClockState:
    return ClockState(now=ctx.now(), frozen=ctx.clock.frozen)


@router.get("/clock", response_model=ClockState)
def get_clock(ctx: Ctx) -> ClockState:
    return _clock(ctx)


@router.put("/clock", response_model=ClockState)
def set_clock(body: ClockSet, ctx: Ctx) -> ClockState:
    ctx.clock.set(body.now, frozen=body.frozen)
    return _clock(ctx)


@router.post("/clock/advance", response_model=ClockState)
def advance_clock(body: ClockAdvance, ctx: Ctx) -> ClockState:
    ctx.clock.advance(timedelta(seconds=body.seconds))
    return _clock(ctx)


@router.put("/clock/freeze", response_model=ClockState)
def freeze_clock(body: ClockFreeze, ctx: Ctx) -> ClockState:
    ctx.clock.freeze(body.frozen)
    return _clock(ctx)


@router.put("/maintenance", response_model=Status)
def switch_maintenance(body: MaintenanceSwitch, ctx: Ctx) -> Status:
    now = ctx.now()
    if body.on:
        if body.ends_at is not None and body.ends_at <= now:
            raise validation_error("ends_at", "must be later than the server time")
        ctx.set_adhoc_window(Window("adhoc", now, body.ends_at))
    else:
        # Keep the closed window: sessions open at its start stay revoked.
        current = ctx.adhoc_window()
        if current is not None and current.contains(now):
            ctx.set_adhoc_window(Window("adhoc", current.starts_at, now))
    return status(ctx)


@router.get("/faults", response_model=FaultSettings)
def get_faults(ctx: Ctx) -> FaultSettings:
    """The fault settings in force (a seed, if one was given, is not shown)."""
    with ctx.store.read() as conn:
        active = faults.load(conn)
    return FaultSettings() if active is None else active.settings()


@router.put("/faults", response_model=FaultSettings)
def set_faults(body: faults.FaultRequest, ctx: Ctx) -> FaultSettings:
    """Replace all fault settings; send ``{}`` to switch every fault off."""
    with ctx.store.write() as conn:
        faults.save(conn, body)
        active = faults.load(conn)
    return FaultSettings() if active is None else active.settings()


@router.get("/members/{member_number}/account", response_model=Account, responses=responses(404))
def get_member_account(
    member_number: Annotated[
        str, Path(pattern=r"^[0-9]{8}$", description="8 ASCII digits", examples=["10000001"])
    ],
    ctx: Ctx,
) -> Account:
    """A member's account as the member would see it now, without logging in as them.

    For the demo's controls (the next due date of the roster member before anyone has
    logged in) and for tests; a login would need the member's PIN, and a wrong one counts.
    """
    with ctx.store.read() as conn:
        known = members.get(conn, member_number) is not None
    if not known:
        raise ApiError(404, "NOT_FOUND", "No member has this number.")
    return member_account(ctx, member_number)


@router.post("/staff/{staff_id}/unlock", status_code=204, responses=responses(404))
def unlock_staff(
    staff_id: Annotated[
        str,
        Path(pattern=STAFF_ID_PATTERN, description="1-32 visible ASCII", examples=["S0001"]),
    ],
    ctx: Ctx,
) -> None:
    """Clear a staff ID's lock and wrong-password count (SPEC 2.17); audited as the admin.

    An ID that is neither on the staff roster nor counted is 404; an unknown ID that was
    counted can be cleared too, so the admin can undo any lock an attacker caused.
    """
    now = ctx.now()
    with ctx.store.write() as conn:
        cleared = staff_store.clear_login_failures(conn, staff_id)
        if not cleared and not staff_store.exists(conn, staff_id):
            raise ApiError(404, "NOT_FOUND", "No staff member has this ID.")
        audit.add(conn, now, "admin", "admin", "staff_unlock", details={"staff_id": staff_id})


@router.put(
    "/members/{member_number}/other-lenders-balance",
    response_model=CreditData,
    responses=responses(404),
)
def set_other_lenders_balance(
    member_number: Annotated[
        str, Path(pattern=r"^[0-9]{8}$", description="8 ASCII digits", examples=["10000001"])
    ],
    body: OtherLendersBalanceUpdate,
    ctx: Ctx,
) -> CreditData:
    """Record what the credit bureau reports (SPEC 2.10); members can only read it. Audited."""
    now = ctx.now()
    with ctx.store.write() as conn:
        member = members.get(conn, member_number)
        if member is None:
            raise ApiError(404, "NOT_FOUND", "No member has this number.")
        members.set_other_lenders_balance(conn, member_number, body.other_lenders_balance)
        audit.add(
            conn,
            now,
            "admin",
            "admin",
            "other_lenders_balance_update",
            member_number,
            body.reason,
            {"before": member["other_lenders_balance"], "after": body.other_lenders_balance},
        )
        income = money_service.income(conn, member, now)
    return CreditData(
        member_number=member_number,
        other_lenders_balance=body.other_lenders_balance,
        annual_income=income.declared,
        verified_annual_income=income.verified,
        income_certificate_needed=income.certificate_needed,
    )


@router.post("/reset", status_code=204)
def reset(ctx: Ctx) -> None:
    """Back to the demo roster: accounts, sessions, counters (staff lockouts too), no faults."""
    with ctx.store.write() as conn:
        roster.seed(conn, ctx.now(), ctx.settings.scrypt)
        faults.clear(conn)
