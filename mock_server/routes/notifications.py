"""The e-mail service (SPEC 2.12): settings, the member's notices, and the admin mail outbox."""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from acom_contract.schemas import (
    MailItem,
    MemberNumber,
    Notice,
    NoticeKind,
    NoticePage,
    NotificationSettings,
    Page,
)
from mock_server import mailer
from mock_server.auth import Ctx, MemberId, require_admin
from mock_server.errors import ApiError, responses, validation_error
from mock_server.language import DEFAULT_LANGUAGE, Lang, Language
from mock_server.notice_texts import english_notice, load_facts
from mock_server.store import audit, members, notices
from mock_server.store.notices import Toggles
from mock_server.store.timefmt import parse

router = APIRouter(tags=["e-mail service"])
admin_router = APIRouter(
    prefix="/v1/admin",
    tags=["admin"],
    dependencies=[Depends(require_admin)],
    responses=responses(403, 422),
)

_CURSOR = re.compile(r"[1-9][0-9]{0,17}")
Limit = Annotated[int, Query(ge=1, le=500, description="Items per page")]
Cursor = Annotated[str | None, Query(max_length=32, description="next_cursor of the last page")]


def parse_cursor(cursor: str | None) -> int | None:
    """Pages continue from an id; a cursor that is not one of ours is a field error."""
    if cursor is None:
        return None
    if not _CURSOR.fullmatch(cursor):
        raise validation_error("cursor", "is not a cursor this server gave out")
    return int(cursor)


def next_cursor(ids: list[int], limit: int) -> str | None:
    return str(ids[-1]) if len(ids) == limit else None


def notice_from_row(row: sqlite3.Row, lang: Lang = DEFAULT_LANGUAGE) -> Notice:
    """A notice as the member reads it: as sent (Japanese), or written again in English."""
    subject, body = row["subject"], row["body"]
    if lang == "en":
        reference = date.fromisoformat(row["reference_date"])
        facts = load_facts(row["facts"])
        subject, body = english_notice(row["kind"], reference, facts)
    return Notice(
        id=str(row["id"]),
        kind=row["kind"],
        subject=subject,
        body=body,
        created_at=parse(row["created_at"]),
        read=row["read_at"] is not None,
    )


# --- settings -----------------------------------------------------------------------------


def _settings(email: str | None, toggles: Toggles) -> NotificationSettings:
    return NotificationSettings(
        email=email,
        due_reminders=toggles.due_reminders,
        overdue_notices=toggles.overdue_notices,
        card_renewal=toggles.card_renewal,
        campaigns=toggles.campaigns,
    )


@router.get(
    "/v1/me/notification-settings",
    response_model=NotificationSettings,
    responses=responses(401, 403, 503),
)
def get_settings(member_number: MemberId, ctx: Ctx) -> NotificationSettings:
    with ctx.store.read() as conn:
        member = members.get(conn, member_number)
        toggles = notices.get_toggles(conn, member_number)
    assert member is not None  # a session exists only for a member
    return _settings(member["email"], toggles)


@router.put(
    "/v1/me/notification-settings",
    response_model=NotificationSettings,
    responses=responses(401, 403, 422, 503),
)
def put_settings(
    body: NotificationSettings, member_number: MemberId, ctx: Ctx
) -> NotificationSettings:
    """Switch the mail kinds on or off.

    The address is the registered e-mail: it is changed under registered information (that
    needs the PIN), so here ``email`` must repeat it.
    """
    now = ctx.now()
    toggles = Toggles(
        due_reminders=body.due_reminders,
        overdue_notices=body.overdue_notices,
        card_renewal=body.card_renewal,
        campaigns=body.campaigns,
    )
    with ctx.store.write() as conn:
        member = members.get(conn, member_number)
        assert member is not None
        registered: str | None = member["email"]
        if body.email != registered:
            raise validation_error(
                "email",
                "must be the registered e-mail address: change it under registered "
                "information (PATCH /v1/me/profile)",
            )
        if registered is None and toggles != Toggles():
            raise validation_error("email", "register an e-mail address before turning mail on")
        before = notices.get_toggles(conn, member_number)
        if toggles != before:
            notices.put_toggles(conn, member_number, toggles, now)
            changed = {
                name: getattr(toggles, name)
                for name in ("due_reminders", "overdue_notices", "card_renewal", "campaigns")
                if getattr(toggles, name) != getattr(before, name)
            }
            audit.add(
                conn,
                now,
                "member",
                member_number,
                "notification_settings_update",
                member_number,
                details=changed,
            )
    return _settings(registered, toggles)


# --- notices ------------------------------------------------------------------------------


@router.get("/v1/me/notices", response_model=NoticePage, responses=responses(401, 403, 422, 503))
def list_notices(
    member_number: MemberId,
    ctx: Ctx,
    lang: Language,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> NoticePage:
    """The member's mail, newest first, with the number of unread notices."""
    before = parse_cursor(cursor)
    with ctx.store.write() as conn:
        mailer.run_due(conn, ctx.now())
        rows = notices.page(conn, member_number=member_number, before_id=before, limit=limit)
        unread = notices.unread_count(conn, member_number)
    return NoticePage(
        items=[notice_from_row(row, lang) for row in rows],
        next_cursor=next_cursor([row["id"] for row in rows], limit),
        unread=unread,
    )


@router.post(
    "/v1/me/notices/{notice_id}/read",
    response_model=Notice,
    # 422 cannot happen (any id is a string), but FastAPI documents one for every path
    # parameter: documenting it here gives it the envelope's shape.
    responses=responses(401, 403, 404, 422, 503),
)
def mark_read(notice_id: str, member_number: MemberId, ctx: Ctx, lang: Language) -> Notice:
    """Mark a notice read; marking it again changes nothing."""
    row = None
    if _CURSOR.fullmatch(notice_id):
        with ctx.store.write() as conn:
            row = notices.mark_read(conn, member_number, int(notice_id), ctx.now())
    if row is None:
        raise ApiError(404, "NOT_FOUND", "No such notice.")
    return notice_from_row(row, lang)


# --- admin: the outbox --------------------------------------------------------------------


@admin_router.get("/mail", response_model=Page[MailItem])
def list_mail(
    ctx: Ctx,
    limit: Limit = 50,
    cursor: Cursor = None,
    member_number: Annotated[MemberNumber | None, Query()] = None,
    kind: Annotated[NoticeKind | None, Query()] = None,
) -> Page[MailItem]:
    """Every message the mock has sent, newest first (runs the scheduler first)."""
    before = parse_cursor(cursor)
    with ctx.store.write() as conn:
        mailer.run_due(conn, ctx.now())
        rows = notices.page(
            conn, member_number=member_number, kind=kind, before_id=before, limit=limit
        )
    return Page[MailItem](
        items=[
            MailItem(
                id=str(row["id"]),
                member_number=row["member_number"],
                to=row["to_address"],
                notice=notice_from_row(row),
            )
            for row in rows
        ],
        next_cursor=next_cursor([row["id"] for row in rows], limit),
    )
