"""The member services through the client, against the real mock app.

Figures are worked out from the roster (SPEC 4) and the rules (SPEC 2.5-2.7): member
10000001 has limit 500,000, principal 120,000 at 18.0%, a 35-day cycle due in 10 days (so
the last movement was 25 days ago) and 楽天銀行 (instant transfer). The clock is frozen at
Wednesday 2 December 2026, 10:00 JST; 2026 is not a leap year.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI

from acom_contract.schemas import JST, Address, FaultSettings, NotificationSettings, ProfileUpdate
from acom_tui.api import errors
from acom_tui.api.client import AdminClient, Client
from mock_server.settings import ServerSettings

PIN = "4829"
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=JST)
BASE = "http://localhost"
# floor(120,000 x 0.18 x 25 / 365) = floor(1,479.45)
INTEREST_TODAY = 1_479


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def transport(app: FastAPI) -> httpx.ASGITransport:
    return httpx.ASGITransport(app=app)


@pytest.fixture
async def admin(
    transport: httpx.ASGITransport, settings: ServerSettings
) -> AsyncIterator[AdminClient]:
    async with AdminClient(BASE, settings.admin_token, transport=transport) as admin:
        yield admin


async def member(transport: httpx.ASGITransport, number: str, sleeps: Sleeps) -> Client:
    client = Client(BASE, transport=transport, sleep=sleeps)
    await client.login(number, PIN)
    return client


@pytest.fixture
async def taro(transport: httpx.ASGITransport, sleeps: Sleeps) -> AsyncIterator[Client]:
    client = await member(transport, "10000001", sleeps)
    yield client
    await client.aclose()


# --- banks ---------------------------------------------------------------------------------


async def test_banks_are_public_and_flag_instant_transfer(transport: httpx.ASGITransport) -> None:
    async with Client(BASE, transport=transport) as client:
        banks = {bank.code: bank for bank in await client.banks()}
    rakuten = banks["0036"]
    assert (rakuten.name, rakuten.instant_transfer, rakuten.internet_repayment) == (
        "楽天銀行",
        True,
        True,
    )
    assert any(not bank.internet_repayment for bank in banks.values())


# --- borrowing -----------------------------------------------------------------------------


async def test_borrow_once_and_replay_with_the_same_key(taro: Client) -> None:
    key = taro.new_idempotency_key()
    first = await taro.borrow(10_000, idempotency_key=key)
    assert first.amount == 10_000
    assert first.principal_after == 130_000
    assert first.available_after == 370_000
    # ceil_to_1000(130,000 x 3.0%) = ceil_to_1000(3,900)
    assert first.minimum_payment == 4_000
    assert first.transfer == "instant"
    assert first.bank_account.bank_name == "楽天銀行"
    assert first.arrives_at - first.created_at <= timedelta(minutes=1)

    again = await taro.borrow(10_000, idempotency_key=key)
    assert again == first
    with pytest.raises(errors.IdempotencyKeyReused):
        await taro.borrow(20_000, idempotency_key=key)
    assert (await taro.account()).principal == 130_000


async def test_borrow_refusals(transport: httpx.ASGITransport, sleeps: Sleeps) -> None:
    taro = await member(transport, "10000001", sleeps)
    with pytest.raises(errors.LimitExceeded) as over:
        await taro.borrow(381_000, idempotency_key=taro.new_idempotency_key())
    assert over.value.details["available"] == 380_000
    with pytest.raises(errors.ValidationFailed) as odd:
        await taro.borrow(1_500, idempotency_key=taro.new_idempotency_key())
    assert odd.value.field == "amount"
    await taro.aclose()

    # 3,000,000 / 3 = 1,000,000; 700,000 elsewhere + 250,000 here leaves 50,000.
    hanako = await member(transport, "10000009", sleeps)
    with pytest.raises(errors.TotalLendingLimit) as total:
        await hanako.borrow(60_000, idempotency_key=hanako.new_idempotency_key())
    assert total.value.details["total_lending_headroom"] == 50_000
    await hanako.aclose()

    late = await member(transport, "10000008", sleeps)
    with pytest.raises(errors.Overdue) as overdue:
        await late.borrow(1_000, idempotency_key=late.new_idempotency_key())
    assert overdue.value.details["overdue_days"] == 5
    await late.aclose()


async def test_a_response_dropped_after_commit_never_borrows_twice(
    taro: Client, admin: AdminClient
) -> None:
    await admin.set_faults(FaultSettings(drop_after_commit=True))
    key = taro.new_idempotency_key()
    with pytest.raises(errors.ConnectionFailed) as lost:
        await taro.borrow(10_000, idempotency_key=key)
    assert "same key" in lost.value.message

    await admin.set_faults(FaultSettings())
    # The user presses "retry": same action, same key.
    borrowing = await taro.borrow(10_000, idempotency_key=key)
    assert borrowing.principal_after == 130_000
    assert (await taro.account()).principal == 130_000


async def test_injected_503s_are_retried_on_reads_then_raised(
    taro: Client, admin: AdminClient, sleeps: Sleeps
) -> None:
    assert await admin.set_faults(FaultSettings(error_rate=1.0), seed=7) == FaultSettings(
        error_rate=1.0
    )
    with pytest.raises(errors.ServiceUnavailable) as caught:
        await taro.account()
    assert caught.value.code == "INJECTED_FAULT"
    assert sleeps.calls == [1.0, 1.0]  # Retry-After: 1, three attempts
    await admin.set_faults(FaultSettings())
    assert (await admin.faults()) == FaultSettings()


# --- repayment -----------------------------------------------------------------------------


async def test_quote_then_repay(taro: Client) -> None:
    quote = await taro.quote_repayment(5_000, "0036")
    assert (quote.late_interest, quote.interest, quote.principal) == (0, INTEREST_TODAY, 3_521)
    assert quote.principal_after == 116_479
    assert quote.payoff_amount == 120_000 + INTEREST_TODAY
    # 5,000 >= the minimum (4,000): the due date moves to today + 35 days.
    assert quote.next_due_date_after == date(2027, 1, 6)

    repayment = await taro.repay(5_000, "0036", idempotency_key=taro.new_idempotency_key())
    assert (repayment.interest, repayment.principal) == (INTEREST_TODAY, 3_521)
    assert repayment.principal_after == 116_479
    assert (await taro.account()).principal == 116_479


async def test_repayment_refusals(taro: Client) -> None:
    with pytest.raises(errors.BankNotSupported):
        await taro.quote_repayment(5_000, "9999")
    with pytest.raises(errors.Overpayment) as caught:
        await taro.repay(10_000_000, "0036", idempotency_key=taro.new_idempotency_key())
    assert caught.value.details["payoff_amount"] == 120_000 + INTEREST_TODAY


# --- statements ----------------------------------------------------------------------------


async def test_statements_page_filter_and_detail(taro: Client) -> None:
    await taro.borrow(10_000, idempotency_key=taro.new_idempotency_key())
    first = await taro.statements(limit=2)
    assert len(first.items) == 2
    assert first.next_cursor is not None
    newest = first.items[0]
    assert (newest.kind, newest.amount, newest.balance_after) == ("loan", 10_000, 130_000)
    assert newest.interest_rate == Decimal("18.0")
    second = await taro.statements(limit=2, cursor=first.next_cursor)
    assert {s.id for s in first.items}.isdisjoint(s.id for s in second.items)
    assert first.items[-1].occurred_at >= second.items[0].occurred_at

    loans = await taro.statements(kind="loan", limit=50)
    assert loans.items
    assert {s.kind for s in loans.items} == {"loan"}
    today = await taro.statements(date_from=NOW.date(), date_to=NOW.date())
    assert [s.id for s in today.items] == [newest.id]
    assert await taro.statement(newest.id) == newest
    with pytest.raises(errors.NotFound):
        await taro.statement("loan_999999999")


# --- registered information, e-mail service, electronic delivery ---------------------------


async def test_profile_change_needs_the_current_pin(taro: Client) -> None:
    profile = await taro.profile()
    assert (profile.member_number, profile.address.postal_code) == ("10000001", "160-0023")
    assert profile.annual_income == 4_800_000

    with pytest.raises(errors.ValidationFailed) as caught:
        await taro.update_profile(ProfileUpdate(email="new@example.jp"))
    assert caught.value.field == "current_pin"
    with pytest.raises(errors.InvalidCredentials) as wrong:
        await taro.update_profile(ProfileUpdate(email="new@example.jp"), current_pin="0000")
    assert wrong.value.remaining_attempts == 2

    moved = Address(postal_code="530-0001", prefecture="大阪府", city="大阪市北区", line1="梅田1-1")
    updated = await taro.update_profile(
        ProfileUpdate(email="new@example.jp", address=moved), current_pin=PIN
    )
    assert updated.email == "new@example.jp"
    assert updated.address == moved
    assert (await taro.profile()).address.prefecture == "大阪府"


async def test_notification_settings_round_trip(taro: Client) -> None:
    current = await taro.notification_settings()
    assert current.due_reminders is True
    wanted = NotificationSettings(
        email=current.email,
        due_reminders=True,
        overdue_notices=True,
        card_renewal=False,
        campaigns=False,
    )
    assert await taro.update_notification_settings(wanted) == wanted
    assert await taro.notification_settings() == wanted


async def test_notices_and_marking_one_read(taro: Client) -> None:
    page = await taro.notices()
    assert page.unread == len([n for n in page.items if not n.read])
    assert page.unread >= 1
    first_unread = next(n for n in page.items if not n.read)
    marked = await taro.mark_notice_read(first_unread.id)
    assert marked.read is True
    assert (await taro.notices()).unread == page.unread - 1


async def test_electronic_delivery_consent(taro: Client) -> None:
    assert (await taro.electronic_delivery()).consent is True
    off = await taro.set_electronic_delivery(False)
    assert off.consent is False
    assert off.updated_at == NOW
    assert (await taro.electronic_delivery()).consent is False


# --- documents -----------------------------------------------------------------------------


async def test_upload_a_document_with_progress(taro: Client) -> None:
    data = b"%PDF-1.7\n" + b"0" * 150_000 + b"\n%%EOF\n"
    progress: list[tuple[int, int]] = []
    document = await taro.upload_document(
        "withholding_slip", "源泉徴収票.pdf", data, progress=lambda s, t: progress.append((s, t))
    )
    assert (document.kind, document.size, document.status) == (
        "withholding_slip",
        len(data),
        "received",
    )
    assert document.content_type == "application/pdf"
    assert document.uploaded_at == NOW
    assert progress[-1][0] == progress[-1][1]
    listed = await taro.documents()
    assert listed.items[0].id == document.id


@pytest.mark.parametrize("data", [b"", b"just some text, not a certificate"])
async def test_an_empty_or_foreign_file_is_refused(taro: Client, data: bytes) -> None:
    with pytest.raises(errors.DocumentInvalid):
        await taro.upload_document("pay_slip", "slip.pdf", data)


# --- limit increase, PIN, simulator --------------------------------------------------------


async def test_limit_increase_decisions(transport: httpx.ASGITransport, sleeps: Sleeps) -> None:
    # No certificate on file and 300,000 limit + 400,000 elsewhere, asking 500,000.
    jiro = await member(transport, "10000007", sleeps)
    application = await jiro.apply_limit_increase(500_000)
    assert application.status == "documents_required"
    assert application.reasons == ["INCOME_CERTIFICATE_REQUIRED"]
    assert [a.id for a in (await jiro.limit_increase_applications()).items] == [application.id]
    await jiro.aclose()

    newcomer = await member(transport, "10000006", sleeps)
    declined = await newcomer.apply_limit_increase(200_000)
    assert declined.status == "declined"
    assert declined.reasons == ["CONTRACT_UNDER_6_MONTHS"]
    await newcomer.aclose()


async def test_pin_change(transport: httpx.ASGITransport, sleeps: Sleeps) -> None:
    taro = await member(transport, "10000001", sleeps)
    with pytest.raises(errors.WeakPin) as weak:
        await taro.change_pin(PIN, "1234")
    assert weak.value.reason == "SEQUENTIAL"
    with pytest.raises(errors.InvalidCredentials):
        await taro.change_pin("0000", "5071")
    await taro.change_pin(PIN, "5071")
    await taro.logout()
    with pytest.raises(errors.InvalidCredentials):
        await taro.login("10000001", PIN)
    assert (await taro.login("10000001", "5071")).member_number == "10000001"
    await taro.aclose()


async def test_simulator_by_monthly_payment(transport: httpx.ASGITransport) -> None:
    async with Client(BASE, transport=transport) as client:
        result = await client.simulate_repayment(100_000, Decimal("18.0"), monthly_payment=4_000)
    first = result.schedule[0]
    # floor(100,000 x 0.18 x 30 / 365) = floor(1,479.45)
    assert (first.day, first.payment, first.interest, first.principal) == (30, 4_000, 1_479, 2_521)
    assert first.balance == 97_479
    assert result.payments == len(result.schedule)
    assert sum(row.principal for row in result.schedule) == 100_000
    assert result.total_paid == 100_000 + result.total_interest
    assert result.schedule[-1].balance == 0


async def test_simulator_by_number_of_payments_finds_the_smallest_payment(
    transport: httpx.ASGITransport,
) -> None:
    async with Client(BASE, transport=transport) as client:
        result = await client.simulate_repayment(100_000, Decimal("18.0"), payments=12)
        assert result.payments == 12
        one_yen_less = await client.simulate_repayment(
            100_000, Decimal("18.0"), monthly_payment=result.monthly_payment - 1
        )
        assert one_yen_less.payments == 13
        with pytest.raises(errors.ValidationFailed):
            await client.simulate_repayment(100_000, Decimal("18.0"), payments=47)


# --- admin outbox --------------------------------------------------------------------------


async def test_admin_lists_the_mail_sent(admin: AdminClient) -> None:
    mail = await admin.mail(member_number="10000001")
    assert mail.items
    assert {item.member_number for item in mail.items} == {"10000001"}
    assert all(item.to == "member01@example.jp" for item in mail.items)
