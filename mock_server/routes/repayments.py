"""Repayment by internet banking (SPEC 2.7): a quote, then the repayment itself."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import Response

from acom_contract.schemas import Repayment, RepaymentQuote, RepaymentRequest
from mock_server import idempotent, money_service
from mock_server.auth import Ctx, MemberId
from mock_server.errors import responses

router = APIRouter(tags=["repayment"])
PATH = "/v1/me/repayments"


@router.post(f"{PATH}/quote", response_model=RepaymentQuote, responses=responses(401, 403, 422))
def quote_repayment(member_number: MemberId, body: RepaymentRequest, ctx: Ctx) -> RepaymentQuote:
    """How a repayment of ``amount`` would be allocated today (late interest, interest,
    principal), without paying. Same refusals as the repayment; no Idempotency-Key."""
    money_service.check_repayment_amount(body.amount)
    today = ctx.now().date()
    with ctx.store.read() as conn:
        return money_service.quote_repayment(
            conn, member_number, body.amount, body.bank_code, today
        )


@router.post(
    PATH, response_model=Repayment, status_code=201, responses=responses(400, 401, 403, 409, 422)
)
async def create_repayment(
    member_number: MemberId, key: idempotent.IdempotencyKey, body: RepaymentRequest, ctx: Ctx
) -> Response:
    """Repay ``amount`` yen (1-yen units, at most the payoff amount) from ``bank_code``.

    Refusals: 422 `BANK_NOT_SUPPORTED` (unknown bank or no internet repayment), `OVERPAYMENT`
    (`details.payoff_amount`). Allowed in every account status. Stored under the
    Idempotency-Key and replayed like a success.
    """
    # On the event loop, like the borrowing (mock_server/auth.current_member says why).
    money_service.check_repayment_amount(body.amount)

    def movement(conn: sqlite3.Connection, now: datetime) -> Repayment:
        return money_service.repay(
            conn, member_number, body.amount, body.bank_code, now, ctx.settings
        )

    fingerprint = idempotent.fingerprint("POST", PATH, body)
    return idempotent.run(ctx, member_number, key, fingerprint, movement)
