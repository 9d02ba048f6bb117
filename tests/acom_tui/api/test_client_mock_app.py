"""The client against the real mock app (in-process, through ``httpx.ASGITransport``).

The shared ``app`` fixture runs on a frozen clock at Wednesday 2 December 2026, 10:00 JST.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from acom_contract.schemas import JST
from acom_tui.api import errors
from acom_tui.api.client import AdminClient, Client, StaffClient
from mock_server.app import create_app
from mock_server.clock import Clock
from mock_server.hashing import ScryptParams
from mock_server.settings import ServerSettings
from mock_server.store import Store

PIN = "4829"
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=JST)
BASE = "http://localhost"


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
async def client(transport: httpx.ASGITransport, sleeps: Sleeps) -> AsyncIterator[Client]:
    async with Client(BASE, transport=transport, sleep=sleeps) as client:
        yield client


@pytest.fixture
async def admin(
    transport: httpx.ASGITransport, settings: ServerSettings
) -> AsyncIterator[AdminClient]:
    async with AdminClient(BASE, settings.admin_token, transport=transport) as admin:
        yield admin


# --- public --------------------------------------------------------------------------------


async def test_status_gives_server_time_and_the_next_weekly_maintenance(client: Client) -> None:
    status = await client.status()
    assert status.server_time == NOW
    assert status.maintenance_now is False
    assert status.current_maintenance is None
    assert status.next_maintenance is not None
    assert status.next_maintenance.kind == "weekly"
    assert status.next_maintenance.starts_at == datetime(2026, 12, 7, 1, 0, tzinfo=JST)
    assert status.next_maintenance.ends_at == datetime(2026, 12, 7, 5, 0, tzinfo=JST)


# --- login, account, logout ----------------------------------------------------------------


async def test_login_account_logout(client: Client) -> None:
    session = await client.login("10000001", PIN)
    assert client.logged_in
    assert session.member_number == "10000001"
    assert session.idle_timeout_s == 900
    assert session.expires_at == NOW + timedelta(minutes=15)
    assert session.absolute_expires_at == NOW + timedelta(hours=12)

    account = await client.account()
    assert account.credit_limit == 500_000
    assert account.principal == 120_000
    assert account.available == 380_000
    assert account.interest_rate == Decimal("18.0")
    assert account.repayment_cycle == "35days"
    assert account.next_due_date == NOW.date() + timedelta(days=10)
    assert account.status == "active"
    assert account.as_of.utcoffset() == timedelta(hours=9)
    # The server tells how long the session lives; the client keeps it for the idle warning.
    assert client.session_expires_at == NOW + timedelta(minutes=15)

    await client.logout()
    assert not client.logged_in
    with pytest.raises(errors.Unauthenticated) as caught:
        await client.account()
    assert caught.value.status == 401
    assert caught.value.request_id


async def test_logout_twice_is_harmless(client: Client) -> None:
    await client.login("10000001", PIN)
    await client.logout()
    await client.logout()
    assert not client.logged_in


async def test_wrong_pin_counts_down_the_remaining_attempts(client: Client) -> None:
    with pytest.raises(errors.InvalidCredentials) as first:
        await client.login("10000001", "1111")
    assert first.value.remaining_attempts == 2
    assert first.value.status == 401
    with pytest.raises(errors.InvalidCredentials) as second:
        await client.login("10000001", "1112")
    assert second.value.remaining_attempts == 1
    # A correct PIN resets the count.
    await client.login("10000001", PIN)
    await client.logout()
    with pytest.raises(errors.InvalidCredentials) as third:
        await client.login("10000001", "1113")
    assert third.value.remaining_attempts == 2


async def test_an_unknown_member_number_looks_like_a_wrong_pin(client: Client) -> None:
    with pytest.raises(errors.InvalidCredentials) as caught:
        await client.login("19999999", PIN)
    assert caught.value.remaining_attempts == 2


async def test_the_third_wrong_pin_locks(client: Client) -> None:
    # 10000002 already has two wrong PINs in the roster.
    with pytest.raises(errors.AccountLocked) as caught:
        await client.login("10000002", "0000")
    assert caught.value.status == 423
    with pytest.raises(errors.AccountLocked):
        await client.login("10000002", PIN)


async def test_a_locked_account_is_refused(client: Client) -> None:
    with pytest.raises(errors.AccountLocked):
        await client.login("10000003", PIN)


async def test_a_suspended_account_gets_its_reason(client: Client) -> None:
    with pytest.raises(errors.AccountSuspended) as caught:
        await client.login("10000004", PIN)
    assert caught.value.reason == "DELINQUENCY"
    assert caught.value.status == 403
    assert not client.logged_in


async def test_a_lost_card_is_refused(client: Client) -> None:
    with pytest.raises(errors.CardLost) as caught:
        await client.login("10000005", PIN)
    assert caught.value.status == 403


@pytest.mark.parametrize(
    ("number", "pin", "field"),
    [
        ("1000001", PIN, "member_number"),
        ("１０００００01", PIN, "member_number"),
        ("10000001", "48a9", "pin"),
    ],
)
async def test_bad_input_names_the_field(client: Client, number: str, pin: str, field: str) -> None:
    with pytest.raises(errors.ValidationFailed) as caught:
        await client.login(number, pin)
    assert caught.value.field == field
    assert caught.value.status == 422
    assert caught.value.errors[0].field == field


async def test_anonymous_access_is_unauthenticated(client: Client) -> None:
    with pytest.raises(errors.Unauthenticated) as caught:
        await client.account()
    assert caught.value.code == "UNAUTHENTICATED"


async def test_an_idle_session_expires(client: Client, admin: AdminClient) -> None:
    await client.login("10000001", PIN)
    await admin.advance_clock(timedelta(minutes=15))
    with pytest.raises(errors.SessionExpired) as caught:
        await client.account()
    assert caught.value.details == {"reason": "idle_timeout"}
    assert not client.logged_in
    assert client.session_expires_at is None


async def test_activity_keeps_the_session_alive(client: Client, admin: AdminClient) -> None:
    await client.login("10000001", PIN)
    await admin.advance_clock(timedelta(minutes=14))
    await client.account()
    assert client.session_expires_at == NOW + timedelta(minutes=29)
    await admin.advance_clock(timedelta(minutes=14))
    assert (await client.account()).principal == 120_000


# --- maintenance ---------------------------------------------------------------------------


async def test_adhoc_maintenance_is_raised_at_once_with_its_end(
    client: Client, admin: AdminClient, sleeps: Sleeps
) -> None:
    ends = NOW + timedelta(hours=1)
    switched = await admin.maintenance(True, ends_at=ends)
    assert switched.maintenance_now is True

    with pytest.raises(errors.Maintenance) as caught:
        await client.login("10000001", PIN)
    assert caught.value.ends_at == ends
    assert caught.value.retry_after == 3600.0
    assert caught.value.status == 503
    assert sleeps.calls == []  # not retried: the UI shows the countdown

    status = await client.status()  # always answers
    assert status.maintenance_now is True
    assert status.current_maintenance is not None
    assert status.current_maintenance.kind == "adhoc"

    await admin.maintenance(False)
    assert (await client.login("10000001", PIN)).member_number == "10000001"


async def test_weekly_maintenance_on_monday_night(
    client: Client, admin: AdminClient, sleeps: Sleeps
) -> None:
    await admin.set_clock(datetime(2026, 12, 7, 2, 0, tzinfo=JST))
    with pytest.raises(errors.Maintenance) as caught:
        await client.account()
    assert caught.value.ends_at == datetime(2026, 12, 7, 5, 0, tzinfo=JST)
    assert caught.value.retry_after == 3 * 3600.0
    assert caught.value.details["kind"] == "weekly"
    assert sleeps.calls == []


async def test_a_session_open_when_maintenance_starts_is_revoked(
    client: Client, admin: AdminClient
) -> None:
    await client.login("10000001", PIN)
    await admin.maintenance(True, ends_at=NOW + timedelta(minutes=5))
    await admin.maintenance(False)
    with pytest.raises(errors.SessionExpired) as caught:
        await client.account()
    assert caught.value.details == {"reason": "maintenance"}


# --- rate limit ----------------------------------------------------------------------------


async def test_too_many_failed_logins_from_one_address_are_rate_limited(
    tmp_path: Path, clock: Clock, sleeps: Sleeps
) -> None:
    store = Store.open(tmp_path / "rate.sqlite3")
    settings = ServerSettings(
        admin_token="t",
        failed_logins_per_address_per_hour=3,
        data_dir=tmp_path / "files",
        scrypt=ScryptParams(n=2**10, r=8, p=1),
    )
    app = create_app(store, clock, settings)
    try:
        async with Client(BASE, transport=httpx.ASGITransport(app=app), sleep=sleeps) as client:
            for number in ("19999991", "19999992", "19999993"):
                with pytest.raises(errors.InvalidCredentials):
                    await client.login(number, PIN)
            with pytest.raises(errors.RateLimited) as caught:
                await client.login("10000001", PIN)
    finally:
        store.close()
    assert caught.value.status == 429
    assert caught.value.retry_after == 3601.0
    assert sleeps.calls == []


# --- admin handle and staff ----------------------------------------------------------------


async def test_admin_moves_and_freezes_the_clock(admin: AdminClient) -> None:
    state = await admin.clock()
    assert (state.now, state.frozen) == (NOW, True)
    moved = await admin.advance_clock(90)
    assert moved.now == NOW + timedelta(seconds=90)
    later = datetime(2027, 1, 4, 9, 0, tzinfo=JST)
    assert (await admin.set_clock(later)).now == later
    thawed = await admin.freeze_clock(False)
    assert thawed.frozen is False


async def test_admin_reset_restores_the_roster(client: Client, admin: AdminClient) -> None:
    with pytest.raises(errors.AccountLocked):
        await client.login("10000002", "0000")
    with pytest.raises(errors.AccountLocked):
        await client.login("10000002", PIN)
    await admin.reset()
    # Back to the roster: unlocked, still with two wrong PINs counted.
    assert (await client.login("10000002", PIN)).member_number == "10000002"


async def test_admin_needs_its_token(transport: httpx.ASGITransport) -> None:
    async with AdminClient(BASE, "wrong-token", transport=transport) as admin:
        with pytest.raises(errors.Forbidden):
            await admin.clock()


async def test_staff_login(transport: httpx.ASGITransport) -> None:
    async with StaffClient(BASE, transport=transport) as staff:
        with pytest.raises(errors.InvalidCredentials):
            await staff.login("S0001", "not-the-password")
        session = await staff.login("S0001", "staff-demo-pass")
        assert session.staff_id == "S0001"
        assert session.idle_timeout_s == 600
        assert staff.logged_in


@pytest.fixture
async def staff(transport: httpx.ASGITransport) -> AsyncIterator[StaffClient]:
    async with StaffClient(BASE, transport=transport) as staff:
        await staff.login("S0001", "staff-demo-pass")
        yield staff


async def test_staff_unlock_after_an_identity_check(client: Client, staff: StaffClient) -> None:
    before = await staff.member("10000003")
    assert (before.status, before.locked) == ("locked", True)
    after = await staff.unlock(
        "10000003", reason="本人確認のうえ解除", identity_document="drivers_license"
    )
    assert (after.status, after.locked, after.failed_attempts) == ("active", False, 0)
    assert (await client.login("10000003", PIN)).member_number == "10000003"

    page = await staff.audit_log(member_number="10000003")
    unlock = [entry for entry in page.items if entry.action == "unlock"]
    assert len(unlock) == 1
    assert unlock[0].actor == "S0001"
    assert unlock[0].reason == "本人確認のうえ解除"
    assert unlock[0].at == NOW


async def test_staff_suspend_and_reinstate(client: Client, staff: StaffClient) -> None:
    suspended = await staff.suspend(
        "10000006", reason_code="OTHER_LENDERS", reason="他社借入の確認"
    )
    assert (suspended.status, suspended.suspension_reason) == ("suspended", "OTHER_LENDERS")
    with pytest.raises(errors.AccountSuspended) as caught:
        await client.login("10000006", PIN)
    assert caught.value.reason == "OTHER_LENDERS"
    assert (await staff.reinstate("10000006", reason="確認済み")).status == "active"
    assert (await client.login("10000006", PIN)).member_number == "10000006"


async def test_staff_card_lost_and_reissued(client: Client, staff: StaffClient) -> None:
    assert (await staff.mark_card_lost("10000001", reason="盗難の届出")).card_status == "lost"
    with pytest.raises(errors.CardLost):
        await client.login("10000001", PIN)
    assert (
        await staff.reissue_card("10000001", reason="再発行", identity_document="passport")
    ).card_status == "active"
    with pytest.raises(errors.Conflict) as caught:
        await staff.reissue_card("10000001", reason="二重の再発行", identity_document="passport")
    assert (caught.value.code, caught.value.status) == ("CONFLICT", 409)


async def test_staff_pin_reset_gives_a_one_time_pin(staff: StaffClient) -> None:
    otp = await staff.reset_pin(
        "10000002", reason="暗証番号忘れ", identity_document="drivers_license"
    )
    assert otp.member_number == "10000002"
    pin = otp.one_time_pin.get_secret_value()
    assert len(pin) == 4
    assert pin.isdigit()
    assert pin not in repr(otp)
    assert otp.expires_at == NOW + timedelta(hours=24)


async def test_staff_errors_and_logout(staff: StaffClient) -> None:
    with pytest.raises(errors.NotFound):
        await staff.member("19999999")
    with pytest.raises(errors.ValidationFailed) as caught:
        await staff.unlock("10000003", reason="   ", identity_document="passport")
    assert caught.value.field == "reason"
    await staff.logout()
    assert not staff.logged_in
    with pytest.raises(errors.Unauthenticated):
        await staff.member("10000001")
