"""GET /v1/me/account."""

from __future__ import annotations

import math
import sqlite3
from datetime import date
from decimal import Decimal

from fastapi import APIRouter

from acom_tui.api.schemas import Account, AccountStatus
from mock_server.auth import Ctx, MemberId
from mock_server.errors import ApiError, responses
from mock_server.store import members
from mock_server.store.timefmt import day

router = APIRouter(tags=["account"])


def account_status(member: sqlite3.Row) -> AccountStatus:
    if member["card_status"] == "lost":
        return "card_lost"
    if member["locked"]:
        return "locked"
    return "suspended" if member["status"] == "suspended" else "active"


@router.get("/v1/me/account", response_model=Account, responses=responses(401, 403, 503))
def get_account(member_number: MemberId, ctx: Ctx) -> Account:
    now = ctx.now()
    with ctx.store.read() as conn:
        member = members.get(conn, member_number)
        loan = conn.execute(
            "SELECT * FROM loans WHERE member_number = ?", (member_number,)
        ).fetchone()
    if member is None or loan is None:
        raise ApiError(404, "NOT_FOUND", "No such member.")
    # Stored roster figures; the full money model replaces this (issue: money model).
    limit = int(member["credit_limit"])
    principal = int(loan["principal"])
    due = day(loan["next_due_date"])
    today = now.date()
    overdue = max(0, (today - due).days) if due is not None and principal > 0 else 0
    k = Decimal("0.042") if limit <= 300_000 else Decimal("0.03")
    payoff = principal + int(loan["unpaid_interest"]) + int(loan["unpaid_late_interest"])
    minimum = min(payoff, math.ceil(Decimal(loan["minimum_base"]) * k / 1000) * 1000)
    free_until: date | None = day(loan["interest_free_until"])
    return Account(
        member_number=member_number,
        name=member["name"],
        credit_limit=limit,
        principal=principal,
        available=max(0, limit - principal),
        interest_rate=Decimal(member["interest_rate"]),
        accrued_interest=int(loan["unpaid_interest"]),
        late_interest=int(loan["unpaid_late_interest"]),
        payoff_amount=payoff,
        next_due_date=due,
        minimum_payment=minimum,
        overdue_days=overdue,
        repayment_cycle=member["repayment_cycle"],
        monthly_due_day=member["monthly_due_day"],
        interest_free_until=free_until if free_until and free_until >= today else None,
        status=account_status(member),
        suspension_reason=member["suspension_reason"],
        has_credit_card=bool(member["has_credit_card"]),
        as_of=now,
    )
