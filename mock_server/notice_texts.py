"""Notices in English, written from the facts the outbox keeps beside the Japanese mail.

The mail goes out in Japanese, the lender's language, and the outbox keeps it as sent. Each
message also keeps its figures as data (``facts``: the due date, the minimum payment, the
late interest ...), so a member reading notices in English gets the same figures as the
Japanese text, written the way the client writes them in English (``¥4,000``,
``Tue 8 Dec 2026``), not a pointer to the dashboard.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

from acom_contract.money import LATE_RATE
from acom_contract.schemas import NoticeKind

__all__ = ["Facts", "due_facts", "dump_facts", "english_notice", "load_facts", "overdue_facts"]

Facts = Mapping[str, int | str]

_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def due_facts(due: date, minimum_payment: int) -> dict[str, int | str]:
    return {"due_date": due.isoformat(), "minimum_payment": minimum_payment}


def overdue_facts(
    due: date, *, overdue_days: int, minimum_payment: int, late_interest: int, payoff_amount: int
) -> dict[str, int | str]:
    return {
        "due_date": due.isoformat(),
        "overdue_days": overdue_days,
        "minimum_payment": minimum_payment,
        "late_interest": late_interest,
        "payoff_amount": payoff_amount,
    }


def dump_facts(facts: Facts) -> str:
    return json.dumps(dict(facts), sort_keys=True, separators=(",", ":"))


def load_facts(raw: str) -> dict[str, int | str]:
    loaded = json.loads(raw)
    if not isinstance(loaded, dict):
        raise ValueError("notice facts are not an object")
    return loaded


def _yen(amount: int | str) -> str:
    """``¥12,000``, as the client writes amounts in English."""
    return f"¥{int(amount):,}"


def _date(day: date | int | str) -> str:
    """``Tue 8 Dec 2026``, as the client writes dates in English."""
    if not isinstance(day, date):
        day = date.fromisoformat(str(day))
    return f"{_WEEKDAYS_EN[day.weekday()]} {day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


_FOOTER = """
----------------------------------------
This is a copy of a message sent from a no-reply address.
ACOM never asks for your PIN by phone or e-mail.

You can change which e-mails you receive at any time under "E-mail service" in the member portal.

ACOM Co., Ltd.
Card Loan Desk 0120-000-000 (a fictional demo number)
Weekdays 09:00-18:00 JST
"""

_ALREADY_PAID = "If you have already repaid, please disregard this message."
_WAYS_TO_REPAY = (
    "You can repay by internet repayment in the member portal (24 hours a day, free of "
    "charge), at ACOM and partner ATMs, or by bank transfer."
)


def english_notice(kind: NoticeKind, reference_date: date, facts: Facts) -> tuple[str, str]:
    """The subject and body of a notice in English: the Japanese mail's facts, in English.

    ``reference_date`` is the outbox's own key: the due date of a reminder, the day of an
    overdue notice, the card's expiry, the day of a campaign.
    """
    if kind in ("due_soon", "due_today"):
        return _due(kind, facts)
    if kind == "overdue":
        return _overdue(reference_date, facts)
    if kind == "card_renewal":
        return _card(reference_date)
    return _campaign(reference_date)


def _due(kind: NoticeKind, facts: Facts) -> tuple[str, str]:
    due = _date(facts["due_date"])
    figures = f"Due date: {due}\nMinimum payment: {_yen(facts['minimum_payment'])}\n"
    if kind == "due_today":
        subject = "ACOM: your repayment is due today"
        lead = f"Today, {due}, is your repayment due date."
        warning = (
            f"\nIf it is not received today, late interest ({LATE_RATE}% a year) is charged "
            "from tomorrow and new borrowing is not possible.\n"
        )
    else:
        subject = "ACOM: your due date is in 3 days"
        lead = "Your repayment due date is coming up."
        warning = ""
    body = f"{lead}\n\n{figures}{warning}\n{_WAYS_TO_REPAY}\n\n{_ALREADY_PAID}\n"
    return subject, f"{body}{_FOOTER}"


def _overdue(day: date, facts: Facts) -> tuple[str, str]:
    when = _date(day)
    body = (
        f"Your due date, {_date(facts['due_date'])}, has passed, and as of {when} we have "
        "not received your repayment.\n\n"
        f"Days since the due date: {facts['overdue_days']}\n"
        f"Minimum payment: {_yen(facts['minimum_payment'])}\n"
        f"Late interest ({LATE_RATE}% a year, as of {when}): {_yen(facts['late_interest'])}\n"
        f"Amount to pay off (as of {when}): {_yen(facts['payoff_amount'])}\n\n"
        "New borrowing is not possible until the repayment is received. If the delay "
        "continues, it is registered with the credit bureau and use of your account may be "
        "suspended.\n"
        "If repaying is difficult, please contact the Card Loan Desk as early as you can.\n"
        f"{_WAYS_TO_REPAY}\n\n{_ALREADY_PAID}\n"
    )
    return "ACOM: your repayment is overdue (important)", f"{body}{_FOOTER}"


def _card(expiry: date) -> tuple[str, str]:
    body = (
        f"Your loan card expires on {_date(expiry)}.\n\n"
        "A new card is sent by registered post to your registered address in the month "
        "before. If you have moved, please update your address under registered "
        "information in the member portal. When the new card arrives, cut the magnetic "
        "stripe of the old one and throw it away. Your PIN does not change.\n"
    )
    return "ACOM: your loan card is being renewed", f"{body}{_FOOTER}"


def _campaign(day: date) -> tuple[str, str]:
    month = _MONTH_NAMES[day.month - 1]
    body = (
        f"News for members for {month}.\n\n"
        "Statements on the web: with electronic delivery, statements are no longer "
        "posted to you and can be read in the member portal at any time.\n"
        "Borrowing by bank transfer: to a Rakuten Bank account, a request made between "
        "00:10 and 23:49 is paid in about a minute at the quickest.\n"
        "Internet repayment is free of charge, 24 hours a day.\n"
        "Before borrowing, check your repayment plan with the repayment simulator.\n\n"
        "You receive this because you asked for campaign e-mails; switch off "
        '"Campaigns" under "E-mail service" to stop them.\n'
    )
    return f"ACOM: news for members, {month}", f"{body}{_FOOTER}"
