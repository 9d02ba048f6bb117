"""The e-mail service's clock-driven outbox (SPEC 2.12).

There is no background thread: ``run_due(conn, now)`` is called lazily (when notices or the
mail outbox are read, and by the admin clock routes after the clock moves). It works through
every daily mail batch (09:00 Japan time) since the last one it did, so one 40-day jump of the
clock sends what 40 daily runs would have sent, and the outbox's unique key (member, kind,
reference date) makes a second run send nothing twice.

A past batch is worked out from the loan as it is now: a repayment made before the scheduler
caught up can change which reminders a past day would have sent. The scheduler runs on every
read and clock move, so in practice it is never far behind. See docs/rules-services.md.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from acom_contract.schemas import JST, NoticeKind
from mock_server.domain import account
from mock_server.domain.account import AccountState
from mock_server.notice_texts import Facts, due_facts, dump_facts, overdue_facts
from mock_server.store import loans, meta, notices
from mock_server.store.notices import Toggles

_WEEKDAYS = ("月", "火", "水", "木", "金", "土", "日")


def _yen(amount: int) -> str:
    """``12,000円``: the mail's own wording (the client formats its screens itself)."""
    return f"{amount:,}円"


def _date(day: date) -> str:
    """``2026年12月8日(火)``."""
    return f"{day.year}年{day.month}月{day.day}日({_WEEKDAYS[day.weekday()]})"


log = logging.getLogger("mock_server.mailer")

SEND_TIME = time(9, 0)
DUE_SOON_DAYS_BEFORE = 3
OVERDUE_REPEAT_DAYS = 7
# From 61 days overdue the account is suspended for DELINQUENCY and collection moves to
# letters and calls, so the e-mail reminders stop at 60 days.
OVERDUE_NOTICES_UNTIL_DAYS = 60
CARD_RENEWAL_DAYS_BEFORE = 60
CAMPAIGN_DAY_OF_MONTH = 1
# Bounds the work of one call after a very long clock jump (the admin API allows ten years).
MAX_CATCH_UP_DAYS = 3700
PROCESSED_KEY = "mailer_processed_through"


@dataclass(frozen=True, slots=True)
class Recipient:
    member_number: str
    name: str
    email: str | None
    toggles: Toggles
    loan: AccountState | None
    card_expires_on: date | None
    # Campaigns and card renewals go only to members in good standing whose card works.
    in_good_standing: bool


@dataclass(frozen=True, slots=True)
class Message:
    kind: NoticeKind
    reference_date: date
    subject: str
    body: str
    # The figures of the body as data, so that it can be written again in English
    # (mock_server/notice_texts.py); empty when the kind and date say everything.
    facts: Facts = field(default_factory=dict)


def batch_day(now: datetime) -> date:
    """The day of the latest mail batch that has run by ``now`` (09:00 Japan time daily)."""
    local = now.astimezone(JST)
    return local.date() if local.time() >= SEND_TIME else local.date() - timedelta(days=1)


def sent_at(day: date) -> datetime:
    return datetime.combine(day, SEND_TIME, JST)


def messages_for_day(recipient: Recipient, day: date) -> list[Message]:
    """What the batch of ``day`` sends to one member (pure: no clock, no SQL)."""
    if recipient.email is None:
        return []
    toggles = recipient.toggles
    found: list[Message] = []
    loan = recipient.loan
    if loan is not None and loan.principal > 0 and loan.next_due_date is not None:
        due = loan.next_due_date
        if toggles.due_reminders and day in (due - timedelta(days=DUE_SOON_DAYS_BEFORE), due):
            view = account.view(loan, day)
            if view.minimum_payment > 0:
                kind: NoticeKind = "due_today" if day == due else "due_soon"
                found.append(_due_message(recipient, kind, due, view.minimum_payment))
        if toggles.overdue_notices and account.is_overdue(loan, day):
            days_late = (day - due).days
            if days_late <= OVERDUE_NOTICES_UNTIL_DAYS and days_late % OVERDUE_REPEAT_DAYS == 1:
                found.append(_overdue_message(recipient, day, due, account.view(loan, day)))
    if recipient.in_good_standing:
        expiry = recipient.card_expires_on
        if (
            toggles.card_renewal
            and expiry is not None
            and day == expiry - timedelta(days=CARD_RENEWAL_DAYS_BEFORE)
        ):
            found.append(_card_message(recipient, expiry))
        if toggles.campaigns and day.day == CAMPAIGN_DAY_OF_MONTH:
            found.append(_campaign_message(recipient, day))
    return found


def processed_through(conn: sqlite3.Connection) -> date | None:
    raw = meta.get(conn, PROCESSED_KEY)
    return None if raw is None else date.fromisoformat(raw)


def mark_processed(conn: sqlite3.Connection, through: date) -> None:
    meta.put(conn, PROCESSED_KEY, through.isoformat())


def run_due(conn: sqlite3.Connection, now: datetime) -> int:
    """Send every batch due by ``now`` not sent yet; returns how many messages were queued.

    Runs inside the caller's write transaction. A clock moved back sends nothing until it
    passes the last batch again.
    """
    through = batch_day(now)
    done = processed_through(conn)
    if done is None:
        done = through - timedelta(days=1)
    if done >= through:
        return 0
    first = max(done + timedelta(days=1), through - timedelta(days=MAX_CATCH_UP_DAYS - 1))
    recipients = _recipients(conn)
    queued = 0
    for day in _days(first, through):
        for recipient in recipients:
            for message in messages_for_day(recipient, day):
                queued += notices.add(
                    conn,
                    member_number=recipient.member_number,
                    kind=message.kind,
                    reference_date=message.reference_date,
                    to_address=recipient.email,
                    subject=message.subject,
                    body=message.body,
                    facts=dump_facts(message.facts),
                    created_at=sent_at(day),
                )
    mark_processed(conn, through)
    return queued


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _recipients(conn: sqlite3.Connection) -> list[Recipient]:
    toggles = notices.all_toggles(conn)
    cards = notices.all_card_expiries(conn)
    found = []
    for member in conn.execute(
        "SELECT * FROM members WHERE email IS NOT NULL ORDER BY member_number"
    ).fetchall():
        number = member["member_number"]
        settings = toggles.get(number)
        if settings is None or settings == Toggles():
            continue
        try:
            loan = loans.load(conn, number)
        except ValueError:
            # A loan row the rules call inconsistent: still send what needs no loan.
            log.warning("skipping loan reminders for %s: inconsistent loan row", number)
            loan = None
        found.append(
            Recipient(
                member_number=number,
                name=member["name"],
                email=member["email"],
                toggles=settings,
                loan=loan,
                card_expires_on=cards.get(number),
                in_good_standing=member["status"] == "active" and member["card_status"] == "active",
            )
        )
    return found


# --- the messages -------------------------------------------------------------------------
# Written like a lender's real service mail: the facts first, what to do, then the fixed
# footer with the fraud warning and how to stop the mail (特定電子メール法 wants the opt-out).

_FOOTER = """
----------------------------------------
このメールは送信専用のアドレスからお送りしています。ご返信いただいてもお答えできませんので、ご了承ください。
アコムが電話やメールで暗証番号をおたずねすることは一切ありません。

eメールサービスの配信設定は、会員ページの「eメールサービス」からいつでも変更できます。

アコム株式会社
総合カードローンデスク 0120-000-000（デモ用の架空の番号です）
受付時間: 平日 9:00～18:00
"""

_ALREADY_PAID = (
    "すでにご返済いただいている場合は、本メールと行き違いになりましたことをご容赦ください。"
)


def _greeting(recipient: Recipient) -> str:
    return f"{recipient.name} 様\n\nいつもアコムをご利用いただき、誠にありがとうございます。\n"


def _due_message(recipient: Recipient, kind: NoticeKind, due: date, amount: int) -> Message:
    if kind == "due_today":
        subject = "【アコム】本日はご返済期日です"
        lead = f"本日 {_date(due)} は、ご返済期日です。"
        warning = (
            "\n本日中にご返済が確認できない場合、翌日から遅延損害金（年率20.0%）が"
            "発生し、新たなお借入れもご利用いただけなくなります。\n"
        )
    else:
        subject = "【アコム】ご返済期日のお知らせ（3日前）"
        lead = "ご返済期日が近づいておりますので、お知らせいたします。"
        warning = ""
    body = (
        f"{_greeting(recipient)}{lead}\n\n"
        f"ご返済期日: {_date(due)}\n"
        f"最低返済額: {_yen(amount)}\n"
        f"{warning}\n"
        "ご返済は、会員ページの「インターネット返済」のほか、アコムATM・提携ATM、"
        "銀行振込でも受け付けております。インターネット返済は24時間365日、"
        "手数料無料でご利用いただけます。\n\n"
        f"{_ALREADY_PAID}\n{_FOOTER}"
    )
    return Message(kind, due, subject, body, due_facts(due, amount))


def _overdue_message(
    recipient: Recipient, day: date, due: date, view: account.AccountView
) -> Message:
    body = (
        f"{_greeting(recipient)}"
        f"ご返済期日（{_date(due)}）を過ぎておりますが、"
        f"{_date(day)} 時点でご返済の確認ができておりません。\n\n"
        f"期日からの経過日数: {view.overdue_days}日\n"
        f"最低返済額: {_yen(view.minimum_payment)}\n"
        f"遅延損害金（年率20.0%、{_date(day)} 時点）: "
        f"{_yen(view.late_interest)}\n"
        f"完済に必要な金額（{_date(day)} 時点）: "
        f"{_yen(view.payoff_amount)}\n\n"
        "ご返済が確認できるまで、新たなお借入れはご利用いただけません。\n"
        "延滞が続きますと、信用情報機関に延滞の情報が登録されるほか、"
        "ご利用を停止させていただく場合があります。\n"
        "ご返済が難しい場合は、お早めに総合カードローンデスクへご相談ください。\n\n"
        f"{_ALREADY_PAID}\n{_FOOTER}"
    )
    facts = overdue_facts(
        due,
        overdue_days=view.overdue_days,
        minimum_payment=view.minimum_payment,
        late_interest=view.late_interest,
        payoff_amount=view.payoff_amount,
    )
    return Message("overdue", day, "【アコム】ご返済期日を過ぎています（重要）", body, facts)


def _card_message(recipient: Recipient, expiry: date) -> Message:
    body = (
        f"{_greeting(recipient)}"
        f"お持ちのローンカードは、{expiry.year}年{expiry.month}月{expiry.day}日で"
        "有効期限を迎えます。\n\n"
        "新しいカードは、有効期限の前月中に、ご登録のご住所へ簡易書留でお送りします。"
        "お引越しなどでご住所が変わっている場合は、会員ページの「登録情報の変更」から"
        "お早めにお手続きください。\n"
        "新しいカードがお手元に届きましたら、古いカードは磁気ストライプにハサミを入れて"
        "破棄してください。暗証番号は変わりません。\n"
        f"{_FOOTER}"
    )
    return Message("card_renewal", expiry, "【アコム】ローンカード更新のご案内", body)


def _campaign_message(recipient: Recipient, day: date) -> Message:
    body = (
        f"{_greeting(recipient)}"
        f"{day.month}月の会員さま向けのご案内です。\n\n"
        "【明細書はWebで受け取れます】\n"
        "「明細書等の受取サービス（電磁交付）」にご登録いただくと、ご利用明細書が"
        "ご自宅に郵送されず、会員ページでいつでもご確認いただけます。\n\n"
        "【お振込みでのお借入れ】\n"
        "楽天銀行の口座なら、0:10～23:49のお申込みで最短1分程度でお振込みします。\n\n"
        "【ご返済はインターネットで】\n"
        "インターネット返済は24時間365日、手数料無料でご利用いただけます。\n\n"
        "【ご利用は計画的に】\n"
        "お借入れの前に、会員ページの返済シミュレーションでご返済の計画をご確認ください。\n\n"
        "本メールは、キャンペーン情報の配信をご希望いただいたお客さまにお送りしています。"
        "配信を停止する場合は、会員ページの「eメールサービス」で"
        "「キャンペーン情報」をオフにしてください。\n"
        f"{_FOOTER}"
    )
    return Message("campaign", day, f"【アコム】{day.month}月の会員さま向けご案内", body)
