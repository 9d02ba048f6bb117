"""Roster data of the member services (documents, e-mail settings, ...), seeded after the loans.

- Accepted income certificates for the roster members that have one (``certificate_days_ago``).
- E-mail service on for members with an e-mail address; campaigns only for those who opted in.
- A loan card per member; 10000001's expires soon, so its renewal notice shows within a month.
- A month of mail history: the scheduler is run over the last ``MAIL_HISTORY_DAYS`` days, so
  10000008 (overdue) already has its reminders when the demo starts.
"""

from __future__ import annotations

import calendar
import sqlite3
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from acom_contract.calendar import add_months
from mock_server import mailer
from mock_server.store import documents, notices
from mock_server.store.notices import Toggles

MAIL_HISTORY_DAYS = 35
CAMPAIGN_OPT_IN = frozenset({"10000001", "10000010"})
CARD_YEARS = 5
SOON_EXPIRING_CARD = "10000001"
# 10000001's card expires at the end of the month this many days ahead: 70-100 days, so its
# renewal notice (60 days before) falls 10-40 days after seeding, whatever the day.
SOON_EXPIRY_DAYS = 70
CERTIFICATE_SIZE = 245_760


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def card_expiry(contract: date, today: date) -> date:
    """Cards run 5 years to a month end, renewed each time; a card due for renewal notice
    before seeding counts as already renewed, so seeding never sends a stale renewal notice."""
    years = CARD_YEARS
    while True:
        expiry = month_end(add_months(contract, 12 * years))
        if expiry - timedelta(days=mailer.CARD_RENEWAL_DAYS_BEFORE) > today:
            return expiry
        years += CARD_YEARS


def seed(conn: sqlite3.Connection, now: datetime, certificates: Mapping[str, int | None]) -> None:
    """Seed service rows for the roster members (inside the roster's transaction).

    ``certificates``: for each member, how many days ago an accepted income certificate
    was uploaded (None: none on file).
    """
    today = now.date()
    for member in conn.execute("SELECT * FROM members ORDER BY member_number").fetchall():
        number = member["member_number"]
        days_ago = certificates.get(number)
        if days_ago is not None:
            uploaded_at = now - timedelta(days=days_ago)
            documents.add(
                conn,
                document_id=f"doc_roster_{number}",
                member_number=number,
                kind="withholding_slip",
                filename=f"源泉徴収票_{uploaded_at.year - 1}年分.pdf",
                stored_name=None,
                content_type="application/pdf",
                size=CERTIFICATE_SIZE,
                sha256=None,
                uploaded_at=uploaded_at,
            )
        if member["email"] is not None:
            toggles = Toggles(
                due_reminders=True,
                overdue_notices=True,
                card_renewal=True,
                campaigns=number in CAMPAIGN_OPT_IN,
            )
            notices.put_toggles(conn, number, toggles, now)
        contract = date.fromisoformat(member["contract_date"])
        expiry = (
            month_end(today + timedelta(days=SOON_EXPIRY_DAYS))
            if number == SOON_EXPIRING_CARD
            else card_expiry(contract, today)
        )
        notices.put_card_expiry(conn, number, expiry)
    mailer.mark_processed(conn, mailer.batch_day(now) - timedelta(days=MAIL_HISTORY_DAYS + 1))
    mailer.run_due(conn, now)
