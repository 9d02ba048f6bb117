"""Statements (明細): loan, repayment and card rows of the ledger, newest first (SPEC 2.9)."""

from __future__ import annotations

import base64
import binascii
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query

from acom_contract.money import LATE_RATE, RepaymentPlan, minimum_payment_plan
from acom_contract.schemas import JST, Page, RepaymentCycle, Statement, StatementKind
from mock_server import money_service
from mock_server.auth import Ctx, MemberId
from mock_server.errors import ApiError, responses, validation_error
from mock_server.language import DEFAULT_LANGUAGE, Lang, Language
from mock_server.lender import LENDER, contract_number
from mock_server.statement_texts import describe
from mock_server.store import statements
from mock_server.store.timefmt import day, iso, parse

router = APIRouter(tags=["statements"])

_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_CURSOR_MAX = 200


def encode_cursor(occurred_at: str, entry_id: int) -> str:
    """Opaque to clients: the (time, id) of the last row of a page, base64url."""
    raw = f"v1|{occurred_at}|{entry_id}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    problem = validation_error("cursor", "not a cursor from this API; start again without it")
    if len(cursor) > _CURSOR_MAX:
        raise problem
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        version, at, number = raw.split("|")
        if version != "v1" or not number.isdigit():
            raise ValueError(raw)
        return iso(parse(at)), int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise problem from exc


def _day(field: str, text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise validation_error(field, "not a calendar date (YYYY-MM-DD)") from exc


def _start_of(day_: date) -> str:
    return iso(datetime.combine(day_, time(0), JST))


@dataclass(frozen=True, slots=True)
class ContractTerms:
    """The member's contract as the statements repeat it (read once per request)."""

    contract_date: date
    credit_limit: int
    cycle: RepaymentCycle
    cycle_day: int | None
    interest_free_until: date | None

    @classmethod
    def load(cls, conn: sqlite3.Connection, member_number: str) -> ContractTerms:
        row = statements.contract_terms(conn, member_number)
        if row is None:  # a session outliving its member
            raise ApiError(401, "UNAUTHENTICATED", "This token is not valid; log in again.")
        contract_date = day(row["contract_date"])
        assert contract_date is not None  # NOT NULL column
        cycle: RepaymentCycle = "monthly" if row["repayment_cycle"] == "monthly" else "35days"
        return cls(
            contract_date=contract_date,
            credit_limit=int(row["credit_limit"]),
            cycle=cycle,
            cycle_day=row["monthly_due_day"] if cycle == "monthly" else None,
            interest_free_until=day(row["interest_free_until"]),
        )


def _plan(row: sqlite3.Row, terms: ContractTerms) -> RepaymentPlan | None:
    """The loan statement's plan at the minimum payment, from the balance it left.

    The mock never changes a member's cycle; the credit limit (which sets the minimum's
    ratio) is the current one.
    """
    due = day(row["next_due_date"])
    balance = row["balance_after"]
    if due is None or not balance or row["interest_rate"] is None:
        return None
    return minimum_payment_plan(
        balance,
        Decimal(row["interest_rate"]),
        terms.credit_limit,
        start=parse(row["occurred_at"]).date(),
        first_due=due,
        cycle=terms.cycle,
        cycle_day=terms.cycle_day,
        interest_free_until=terms.interest_free_until,
        first_payment=row["next_due_amount"],
    )


def to_statement(
    row: sqlite3.Row, terms: ContractTerms, lang: Lang = DEFAULT_LANGUAGE
) -> Statement:
    kind = row["kind"]
    notice: dict[str, Any] = {}
    if kind in ("loan", "repayment"):
        notice = {
            "lender": LENDER,
            "contract_number": contract_number(row["member_number"]),
            "contract_date": terms.contract_date,
            "late_interest_rate": LATE_RATE,
            "repayment_method_code": "fixed_rate_revolving",
            "repayment_cycle": terms.cycle,
            "monthly_due_day": terms.cycle_day,
        }
    if kind == "loan":
        plan = _plan(row, terms)
        notice |= {
            "lender_registration": (
                f"Money lender registration: {LENDER.registration_number_en}"
                if lang == "en"
                else f"貸金業登録番号 {LENDER.registration_number}"
            ),
            "expected_payments": None if plan is None else plan.payments,
            "expected_last_due_date": None if plan is None else plan.last_due_date,
        }
    if kind == "repayment":
        notice |= {
            "received_on": parse(row["occurred_at"]).date(),
            "remaining_debt": row["balance_after"],
        }
    return Statement(
        id=money_service.statement_id(kind, row["id"]),
        kind=kind,
        occurred_at=parse(row["occurred_at"]),
        amount=row["amount"],
        balance_after=row["balance_after"],
        interest_rate=None if row["interest_rate"] is None else Decimal(row["interest_rate"]),
        repayment_method=row["repayment_method"],
        next_due_date=day(row["next_due_date"]),
        next_due_amount=row["next_due_amount"],
        late_interest=row["late_interest"],
        interest=row["interest"],
        principal=row["principal"],
        merchant=row["merchant"],
        description=describe(row["description"], lang),
        **notice,
    )


@router.get("/v1/me/statements", response_model=Page[Statement], responses=responses(401, 403, 422))
def list_statements(
    member_number: MemberId,
    ctx: Ctx,
    lang: Language,
    kind: Annotated[StatementKind | None, Query(description="loan, repayment or card")] = None,
    from_: Annotated[
        str | None,
        Query(
            alias="from",
            pattern=_DATE,
            description="First day, inclusive (Japan time)",
            json_schema_extra={"format": "date"},
        ),
    ] = None,
    to: Annotated[
        str | None,
        Query(
            pattern=_DATE,
            description="Last day, inclusive (Japan time)",
            json_schema_extra={"format": "date"},
        ),
    ] = None,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Page[Statement]:
    """Newest first. Omit a filter to not filter; an empty or malformed value is a
    `VALIDATION_ERROR` naming the parameter."""
    start, end = _day("from", from_), _day("to", to)
    if start is not None and end is not None and start > end:
        raise validation_error("from", "must not be after `to`")
    before = None if cursor is None else decode_cursor(cursor)
    with ctx.store.read() as conn:
        rows = statements.page(
            conn,
            member_number,
            kind=kind,
            start=None if start is None else _start_of(start),
            end=None if end is None else _start_of(end + timedelta(days=1)),
            before=before,
            limit=limit + 1,  # one more tells whether there is a next page
        )
        terms = ContractTerms.load(conn, member_number)
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1]["occurred_at"], rows[-1]["id"]) if more else None
    items = [to_statement(r, terms, lang) for r in rows]
    return Page[Statement](items=items, next_cursor=next_cursor)


@router.get(
    "/v1/me/statements/{statement_id}",
    response_model=Statement,
    responses=responses(401, 403, 404),
)
def get_statement(
    statement_id: str, member_number: MemberId, ctx: Ctx, lang: Language
) -> Statement:
    parsed = money_service.parse_statement_id(statement_id)
    row = None
    if parsed is not None:
        with ctx.store.read() as conn:
            row = statements.get(conn, member_number, parsed[1])
            terms = ContractTerms.load(conn, member_number)
    if row is None or parsed is None or row["kind"] != parsed[0]:
        # Another member's statement is "not found" too: ids reveal nothing.
        raise ApiError(404, "NOT_FOUND", "No such statement.")
    return to_statement(row, terms, lang)
