"""GET /v1/me/account: every figure computed from the stored loan, the ledger and the clock."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from acom_contract.schemas import Account
from mock_server import money_service
from mock_server.auth import Ctx, MemberId
from mock_server.context import Context
from mock_server.domain import account
from mock_server.errors import responses

router = APIRouter(tags=["account"])

# Kept importable from here: other routes used it before the money model moved.
account_status = money_service.account_status


@router.get("/v1/me/account", response_model=Account, responses=responses(401, 403))
async def get_account(member_number: MemberId, ctx: Ctx) -> Account:
    # On the event loop, as the money movements: see mock_server/auth.current_member.
    return member_account(ctx, member_number)


def member_account(ctx: Context, member_number: str) -> Account:
    """The account as its member sees it now (also read by the admin API for the demo)."""
    now = ctx.now()
    today = now.date()
    days = ctx.settings.delinquency_days
    with ctx.store.read() as conn:
        member = money_service.load_member(conn, member_number)
        state = money_service.load_state(conn, member_number)
    if money_service.delinquent(member, state, today, days):
        # The one read that writes: the automatic suspension is due (checked again inside).
        with ctx.store.write() as conn:
            member = money_service.load_member(conn, member_number)
            member = money_service.enforce_delinquency(conn, member, now, ctx.settings)
    seen = account.view(state, today)
    free_until = seen.interest_free_until
    return Account(
        member_number=member_number,
        name=member["name"],
        credit_limit=seen.credit_limit,
        principal=seen.principal,
        available=seen.available,
        interest_rate=seen.interest_rate,
        accrued_interest=seen.accrued_interest,
        late_interest=seen.late_interest,
        payoff_amount=seen.payoff_amount,
        next_due_date=seen.next_due_date,
        minimum_payment=seen.minimum_payment,
        overdue_days=seen.overdue_days,
        repayment_cycle=seen.repayment_cycle,
        monthly_due_day=seen.cycle_day,
        # Shown only while it runs: a past promotion is history, not a feature of the loan.
        interest_free_until=free_until if free_until and free_until >= today else None,
        status=money_service.account_status(member),
        suspension_reason=member["suspension_reason"],
        has_credit_card=bool(member["has_credit_card"]),
        contract_date=date.fromisoformat(member["contract_date"]),
        last_overdue_on=account.last_overdue_on(state, today),
        as_of=now,
    )
