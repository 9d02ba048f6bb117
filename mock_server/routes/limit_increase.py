"""Credit-limit increase applications (SPEC 2.13): an immediate mock decision with reasons."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from decimal import Decimal

from fastapi import APIRouter

from acom_contract.eligibility import (
    LimitRequestError,
    decide_limit_increase,
    validate_requested_limit,
)
from acom_contract.schemas import LimitIncreaseApplication, LimitIncreaseRequest, Page
from mock_server import money_service
from mock_server.auth import Ctx, MemberId
from mock_server.domain import account
from mock_server.errors import responses, validation_error
from mock_server.routes.notifications import Cursor, Limit, next_cursor, parse_cursor
from mock_server.store import applications, audit, documents, loans, members
from mock_server.store.timefmt import parse

router = APIRouter(tags=["limit increase"])


def application_from_row(row: sqlite3.Row) -> LimitIncreaseApplication:
    return LimitIncreaseApplication(
        id=str(row["id"]),
        requested_limit=row["requested_limit"],
        status=row["status"],
        reasons=json.loads(row["reasons"]),
        decided_at=parse(row["decided_at"]),
        new_limit=row["new_limit"],
        new_rate=None if row["new_rate"] is None else Decimal(row["new_rate"]),
    )


@router.post(
    "/v1/me/limit-increase-applications",
    response_model=LimitIncreaseApplication,
    status_code=201,
    responses=responses(401, 403, 422, 503),
)
def apply(
    body: LimitIncreaseRequest, member_number: MemberId, ctx: Ctx
) -> LimitIncreaseApplication:
    """Decide at once; an approval applies the new limit (and a lowered rate) immediately."""
    now = ctx.now()
    today = now.date()
    with ctx.store.write() as conn:
        member = members.get(conn, member_number)
        assert member is not None  # a session exists only for a member
        # Long arrears suspend the account lazily; the decision must see that status.
        member = money_service.enforce_delinquency(conn, member, now, ctx.settings)
        current_limit = int(member["credit_limit"])
        current_rate = Decimal(member["interest_rate"])
        problem = validate_requested_limit(body.requested_limit, current_limit)
        if problem is not None:
            raise validation_error("requested_limit", problem.removeprefix("requested_limit "))
        loan = loans.load(conn, member_number)
        try:
            decision = decide_limit_increase(
                body.requested_limit,
                current_limit=current_limit,
                current_rate=current_rate,
                contract_date=date.fromisoformat(member["contract_date"]),
                today=today,
                last_overdue_on=None if loan is None else account.last_overdue_on(loan, today),
                suspended=member["status"] == "suspended",
                other_lenders_balance=int(member["other_lenders_balance"]),
                # A declared income counts only once a certificate for it is accepted.
                annual_income=money_service.income(conn, member, now).verified,
                has_valid_certificate=documents.has_valid_certificate(conn, member_number, now),
            )
        except LimitRequestError as exc:  # validated above; kept so the two can never drift
            raise validation_error("requested_limit", str(exc)) from exc
        approved = decision.status == "approved"
        new_rate = decision.new_rate if approved else None
        if approved:
            assert new_rate is not None
            # Interest up to today is settled at the old rate before a lowered rate applies.
            money_service.change_terms(
                conn,
                member_number,
                credit_limit=body.requested_limit,
                interest_rate=new_rate,
                today=today,
            )
        application_id = applications.add(
            conn,
            member_number=member_number,
            requested_limit=body.requested_limit,
            status=decision.status,
            reasons=[str(reason) for reason in decision.reasons],
            decided_at=now,
            previous_limit=current_limit,
            previous_rate=current_rate,
            new_limit=body.requested_limit if approved else None,
            new_rate=new_rate,
        )
        audit.add(
            conn,
            now,
            "member",
            member_number,
            "limit_increase_" + decision.status,
            member_number,
            details={
                "application_id": application_id,
                "requested_limit": body.requested_limit,
                "previous_limit": current_limit,
                "reasons": [str(reason) for reason in decision.reasons],
            },
        )
        row = applications.get(conn, application_id)
    assert row is not None
    return application_from_row(row)


@router.get(
    "/v1/me/limit-increase-applications",
    response_model=Page[LimitIncreaseApplication],
    responses=responses(401, 403, 422, 503),
)
def list_applications(
    member_number: MemberId, ctx: Ctx, limit: Limit = 50, cursor: Cursor = None
) -> Page[LimitIncreaseApplication]:
    """The member's applications, newest first."""
    before = parse_cursor(cursor)
    with ctx.store.read() as conn:
        rows = applications.page(conn, member_number, before_id=before, limit=limit)
    return Page[LimitIncreaseApplication](
        items=[application_from_row(row) for row in rows],
        next_cursor=next_cursor([row["id"] for row in rows], limit),
    )
