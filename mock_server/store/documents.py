"""Uploaded income certificates and the mock's review of them.

The review is not a background job: a document's status is worked out from its upload time
and the clock whenever it is read, so moving the mock clock moves the review with it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from acom_contract.eligibility import certificate_is_valid, certificate_valid_until
from acom_contract.schemas import DocumentStatus
from mock_server.store.timefmt import iso, parse

REVIEW_STARTS_AFTER = timedelta(minutes=1)
REVIEW_ENDS_AFTER = timedelta(hours=1)
# Below this a scan or photo cannot show a whole certificate legibly: the mock rejects it, which
# also lets the demo show a rejection.
LEGIBLE_MIN_BYTES = 1024
ILLEGIBLE = "illegible"
ILLEGIBLE_REASON = (
    "ファイルが小さすぎるため、書類の内容を確認できませんでした。"
    "書類全体がはっきり写った画像またはPDFを、あらためて提出してください。"
)


@dataclass(frozen=True, slots=True)
class Review:
    status: DocumentStatus
    since: datetime
    rejection_reason: str | None = None
    rejection_code: str | None = None


def review_at(uploaded_at: datetime, size: int, now: datetime) -> Review:
    """Where the review of a document uploaded at ``uploaded_at`` stands at ``now``."""
    if now < uploaded_at + REVIEW_STARTS_AFTER:
        return Review("received", uploaded_at)
    if now < uploaded_at + REVIEW_ENDS_AFTER:
        return Review("under_review", uploaded_at + REVIEW_STARTS_AFTER)
    decided = uploaded_at + REVIEW_ENDS_AFTER
    if size < LEGIBLE_MIN_BYTES:
        return Review("rejected", decided, ILLEGIBLE_REASON, ILLEGIBLE)
    return Review("accepted", decided)


def valid_until(uploaded_at: datetime) -> date:
    return certificate_valid_until(uploaded_at.date())


def add(
    conn: sqlite3.Connection,
    *,
    document_id: str,
    member_number: str,
    kind: str,
    filename: str,
    stored_name: str | None,
    content_type: str,
    size: int,
    sha256: str | None,
    uploaded_at: datetime,
) -> None:
    conn.execute(
        "INSERT INTO documents(id, member_number, kind, filename, stored_name, content_type, "
        "size, sha256, uploaded_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            document_id,
            member_number,
            kind,
            filename,
            stored_name,
            content_type,
            size,
            sha256,
            iso(uploaded_at),
        ),
    )


def get(conn: sqlite3.Connection, member_number: str, document_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM documents WHERE member_number = ? AND id = ?", (member_number, document_id)
    ).fetchone()
    return row


def page(
    conn: sqlite3.Connection, member_number: str, *, before_seq: int | None, limit: int
) -> list[sqlite3.Row]:
    """Newest first; ``before_seq`` continues after the last row of the previous page."""
    return conn.execute(
        "SELECT * FROM documents WHERE member_number = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
        (member_number, before_seq if before_seq is not None else 2**62, limit),
    ).fetchall()


def has_valid_certificate(conn: sqlite3.Connection, member_number: str, now: datetime) -> bool:
    """An accepted certificate within its 3 years is on file (SPEC 2.6, 2.11, 2.13).

    Documents still in review do not count yet: the rules need a checked certificate.
    """
    rows = conn.execute(
        "SELECT uploaded_at, size FROM documents WHERE member_number = ?", (member_number,)
    ).fetchall()
    for row in rows:
        uploaded_at = parse(row["uploaded_at"])
        if review_at(uploaded_at, int(row["size"]), now).status == "accepted" and (
            certificate_is_valid(uploaded_at.date(), now.date())
        ):
            return True
    return False


def accepted_since(
    conn: sqlite3.Connection, member_number: str, since: datetime, now: datetime
) -> bool:
    """A certificate uploaded at or after ``since`` has been accepted by ``now``.

    How a declared income becomes verified (docs/rules-services.md): the mock's review
    cannot read a figure off the file, so a certificate uploaded after a declaration
    stands for the figure declared.
    """
    rows = conn.execute(
        "SELECT uploaded_at, size FROM documents WHERE member_number = ? AND uploaded_at >= ?",
        (member_number, iso(since)),
    ).fetchall()
    return any(
        review_at(parse(row["uploaded_at"]), int(row["size"]), now).status == "accepted"
        for row in rows
    )
