"""Statements (明細): loan, repayment and card rows of the ledger, newest first (SPEC 2.9)."""

from __future__ import annotations

import base64
import binascii
import sqlite3
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query

from acom_contract.schemas import JST, Page, Statement, StatementKind
from mock_server import money_service
from mock_server.auth import Ctx, MemberId
from mock_server.errors import ApiError, responses, validation_error
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


def to_statement(row: sqlite3.Row) -> Statement:
    kind = row["kind"]
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
        lender_registration=money_service.LENDER_REGISTRATION if kind == "loan" else None,
        late_interest=row["late_interest"],
        interest=row["interest"],
        principal=row["principal"],
        merchant=row["merchant"],
        description=row["description"],
    )


@router.get("/v1/me/statements", response_model=Page[Statement], responses=responses(401, 403, 422))
def list_statements(
    member_number: MemberId,
    ctx: Ctx,
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
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1]["occurred_at"], rows[-1]["id"]) if more else None
    return Page[Statement](items=[to_statement(r) for r in rows], next_cursor=next_cursor)


@router.get(
    "/v1/me/statements/{statement_id}",
    response_model=Statement,
    responses=responses(401, 403, 404),
)
def get_statement(statement_id: str, member_number: MemberId, ctx: Ctx) -> Statement:
    parsed = money_service.parse_statement_id(statement_id)
    row = None
    if parsed is not None:
        with ctx.store.read() as conn:
            row = statements.get(conn, member_number, parsed[1])
    if row is None or parsed is None or row["kind"] != parsed[0]:
        # Another member's statement is "not found" too: ids reveal nothing.
        raise ApiError(404, "NOT_FOUND", "No such statement.")
    return to_statement(row)
