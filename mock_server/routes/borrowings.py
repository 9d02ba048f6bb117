"""POST /v1/me/borrowings: borrowing by transfer to the registered account (SPEC 2.6)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import Response

from acom_contract.schemas import Borrowing, BorrowRequest
from mock_server import idempotent, money_service
from mock_server.auth import Ctx, MemberId
from mock_server.errors import responses

router = APIRouter(tags=["borrowing"])
PATH = "/v1/me/borrowings"


@router.post(
    PATH,
    response_model=Borrowing,
    status_code=201,
    responses=responses(400, 401, 403, 409, 422, 423),
)
async def create_borrowing(
    member_number: MemberId, key: idempotent.IdempotencyKey, body: BorrowRequest, ctx: Ctx
) -> Response:
    """Borrow ``amount`` yen (1,000-yen units), paid to the registered bank account.

    Refusals: 422 `LIMIT_EXCEEDED`, `TOTAL_LENDING_LIMIT`, `INCOME_CERTIFICATE_REQUIRED`,
    `OVERDUE` (details: `available`, `max_amount`, `total_lending_headroom`), 403
    `ACCOUNT_SUSPENDED` / `CARD_LOST`, 423 `ACCOUNT_LOCKED`. They are stored under the
    Idempotency-Key and replayed like a success.
    """
    # On the event loop (no thread-pool hop), like the session check: a movement is a few
    # short transactions with no await inside (mock_server/auth.current_member says why).
    money_service.check_borrow_amount(body.amount)

    def movement(conn: sqlite3.Connection, now: datetime) -> Borrowing:
        return money_service.borrow(conn, member_number, body.amount, now, ctx.settings)

    fingerprint = idempotent.fingerprint("POST", PATH, body)
    return idempotent.run(ctx, member_number, key, fingerprint, movement)
