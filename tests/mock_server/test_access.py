"""Access rules of the front door: login, lockout, sessions, maintenance, rate limit."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from acom_contract.schemas import JST
from mock_server.app import create_app
from mock_server.clock import Clock
from mock_server.settings import ServerSettings
from mock_server.store import Store

PIN = "4829"


async def login(http: httpx.AsyncClient, number: str, pin: str = PIN) -> httpx.Response:
    return await http.post("/v1/sessions", json={"member_number": number, "pin": pin})


async def token_for(http: httpx.AsyncClient, number: str = "10000001") -> dict[str, str]:
    response = await login(http, number)
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def error(response: httpx.Response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]


async def test_login_succeeds_and_account_needs_the_token(http: httpx.AsyncClient) -> None:
    response = await login(http, "10000001")
    assert response.status_code == 201
    body = response.json()
    assert len(body["token"]) >= 43  # 256 bits, url-safe base64
    assert body["idle_timeout_s"] == 900
    assert datetime.fromisoformat(body["expires_at"]).utcoffset() == timedelta(hours=9)

    anonymous = await http.get("/v1/me/account")
    assert anonymous.status_code == 401
    assert error(anonymous)["code"] == "UNAUTHENTICATED"

    account = await http.get("/v1/me/account", headers={"Authorization": f"Bearer {body['token']}"})
    assert account.status_code == 200
    assert account.json()["principal"] == 120_000
    assert account.json()["credit_limit"] == 500_000
    assert account.json()["interest_rate"] == "18.0"
    assert "x-request-id" in account.headers


async def test_wrong_pin_counts_down_then_locks(http: httpx.AsyncClient) -> None:
    first = await login(http, "10000001", "1111")
    assert first.status_code == 401
    assert error(first) == {
        "code": "INVALID_CREDENTIALS",
        "message": error(first)["message"],
        "details": {"remaining_attempts": 2},
    }
    second = await login(http, "10000001", "1111")
    assert error(second)["details"]["remaining_attempts"] == 1
    third = await login(http, "10000001", "1111")
    assert third.status_code == 423
    assert error(third)["code"] == "ACCOUNT_LOCKED"
    # Locked: even the right PIN does not get in.
    right = await login(http, "10000001")
    assert right.status_code == 423


async def test_success_resets_the_count(http: httpx.AsyncClient) -> None:
    # 10000002 starts with 2 wrong PINs: a success clears them, so one more wrong PIN
    # leaves 2 attempts instead of locking.
    assert (await login(http, "10000002")).status_code == 201
    again = await login(http, "10000002", "0000")
    assert error(again)["details"]["remaining_attempts"] == 2


async def test_roster_2_locks_on_next_wrong_pin(http: httpx.AsyncClient) -> None:
    response = await login(http, "10000002", "0000")
    assert response.status_code == 423


async def test_unknown_number_is_indistinguishable(http: httpx.AsyncClient) -> None:
    known = [await login(http, "10000001", "0000") for _ in range(3)]
    unknown = [await login(http, "19999999", "0000") for _ in range(3)]
    for a, b in zip(known, unknown, strict=True):
        assert a.status_code == b.status_code
        assert error(a) == error(b)
    # A fourth try, even with the demo PIN, is "locked" for both.
    assert (await login(http, "19999999")).status_code == 423


async def test_status_revealed_only_after_correct_pin(http: httpx.AsyncClient) -> None:
    for number in ("10000004", "10000005"):
        wrong = await login(http, number, "0000")
        assert wrong.status_code == 401
        assert error(wrong)["code"] == "INVALID_CREDENTIALS"
    suspended = await login(http, "10000004")
    assert suspended.status_code == 403
    assert error(suspended)["code"] == "ACCOUNT_SUSPENDED"
    assert error(suspended)["details"] == {"reason": "DELINQUENCY"}
    lost = await login(http, "10000005")
    assert lost.status_code == 403
    assert error(lost)["code"] == "CARD_LOST"
    locked = await login(http, "10000003")
    assert locked.status_code == 423


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"member_number": "1000000", "pin": PIN}, "member_number"),
        ({"member_number": "１０００００01", "pin": PIN}, "member_number"),
        ({"member_number": "10000001", "pin": "48291"}, "pin"),
        ({"member_number": "10000001", "pin": 4829}, "pin"),
        ({"member_number": 10000001, "pin": PIN}, "member_number"),
        ({"member_number": "10000001"}, "pin"),
        ({"member_number": "10000001", "pin": PIN, "extra": 1}, "extra"),
    ],
)
async def test_login_validation_names_the_field(
    http: httpx.AsyncClient, body: dict, field: str
) -> None:
    response = await http.post("/v1/sessions", json=body)
    assert response.status_code == 422
    err = error(response)
    assert err["code"] == "VALIDATION_ERROR"
    assert err["details"]["field"] == field
    assert PIN not in response.text and "4829" not in response.text


async def test_broken_json_is_a_validation_error(http: httpx.AsyncClient) -> None:
    response = await http.post(
        "/v1/sessions", content=b'{"member_number": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert error(response)["code"] == "VALIDATION_ERROR"


async def test_unknown_route_and_method_use_the_envelope(http: httpx.AsyncClient) -> None:
    missing = await http.get("/v1/nothing-here")
    assert missing.status_code == 404
    assert error(missing)["code"] == "NOT_FOUND"
    wrong_method = await http.put("/v1/status")
    assert wrong_method.status_code == 405
    assert error(wrong_method)["code"] == "METHOD_NOT_ALLOWED"


async def test_twenty_concurrent_wrong_pins_evaluate_at_most_three(
    http: httpx.AsyncClient, store: Store
) -> None:
    attempts = [login(http, "10000001", "1111") for _ in range(19)]
    attempts.insert(10, login(http, "10000001"))  # the right PIN, racing the wrong ones
    statuses = [r.status_code for r in await asyncio.gather(*attempts)]
    with store.read() as conn:
        row = conn.execute(
            "SELECT failed_attempts, locked FROM members WHERE member_number='10000001'"
        ).fetchone()
    # 19 wrong PINs always end in a lock, with exactly 3 failures counted.
    assert (row["failed_attempts"], row["locked"]) == (3, 1)
    if 201 in statuses:
        # The right PIN was evaluated before the lock: it reset the count, so at most two
        # wrong PINs before it and two after it were answered 401.
        assert statuses.count(401) <= 4
    else:
        # The right PIN came after the lock: it was refused like every other late attempt.
        assert statuses.count(401) == 2
        assert statuses[10] == 423
    assert statuses.count(401) + statuses.count(201) + statuses.count(423) == 20
    assert (await login(http, "10000001")).status_code == 423


async def test_right_pin_after_lock_race_does_not_get_in(
    http: httpx.AsyncClient, store: Store
) -> None:
    wrong = await asyncio.gather(*[login(http, "10000001", "1111") for _ in range(20)])
    assert [r.status_code for r in wrong].count(401) == 2
    assert [r.status_code for r in wrong].count(423) == 18
    assert (await login(http, "10000001")).status_code == 423


async def test_lockout_survives_restart(
    db_path: Path, clock: Clock, settings: ServerSettings
) -> None:
    store = Store.open(db_path)
    app = create_app(store, clock, settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        for _ in range(3):
            await login(c, "10000001", "1111")
    store.close()

    store2 = Store.open(db_path)
    assert not store2.fresh
    app2 = create_app(store2, clock, settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app2), base_url="http://t") as c:
        assert (await login(c, "10000001")).status_code == 423
    store2.close()


async def test_idle_and_absolute_expiry(http: httpx.AsyncClient, clock: Clock) -> None:
    headers = await token_for(http)
    clock.advance(timedelta(minutes=14, seconds=59))
    assert (await http.get("/v1/me/account", headers=headers)).status_code == 200
    clock.advance(timedelta(minutes=15))
    expired = await http.get("/v1/me/account", headers=headers)
    assert expired.status_code == 401
    assert error(expired)["code"] == "SESSION_EXPIRED"
    assert error(expired)["details"]["reason"] == "idle_timeout"

    headers = await token_for(http)
    for _ in range(60):  # active every 15 minutes minus a second, past 12 hours
        clock.advance(timedelta(minutes=14, seconds=59))
        response = await http.get("/v1/me/account", headers=headers)
        if response.status_code != 200:
            break
    assert error(response)["code"] == "SESSION_EXPIRED"
    assert error(response)["details"]["reason"] == "absolute_timeout"


async def test_logout_revokes_the_token(http: httpx.AsyncClient) -> None:
    headers = await token_for(http)
    assert (await http.delete("/v1/sessions/current", headers=headers)).status_code == 204
    after = await http.get("/v1/me/account", headers=headers)
    assert after.status_code == 401
    assert error(after)["code"] == "UNAUTHENTICATED"


async def test_token_is_stored_only_as_hash(http: httpx.AsyncClient, db_path: Path) -> None:
    response = await login(http, "10000001")
    token = response.json()["token"]
    raw = db_path.read_bytes() + Path(str(db_path) + "-wal").read_bytes()
    assert token.encode() not in raw
    assert b"4829" not in raw


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (datetime(2026, 11, 30, 0, 59, 59, tzinfo=JST), True),  # Monday
        (datetime(2026, 11, 30, 1, 0, 0, tzinfo=JST), False),
        (datetime(2026, 11, 30, 4, 59, 59, tzinfo=JST), False),
        (datetime(2026, 11, 30, 5, 0, 0, tzinfo=JST), True),
        (datetime(2026, 12, 1, 1, 30, 0, tzinfo=JST), True),  # Tuesday
    ],
)
async def test_weekly_maintenance_boundaries(
    http: httpx.AsyncClient, clock: Clock, moment: datetime, open_: bool
) -> None:
    clock.set(moment)
    response = await login(http, "10000001")
    if open_:
        assert response.status_code == 201
    else:
        assert response.status_code == 503
        err = error(response)
        assert err["code"] == "MAINTENANCE"
        assert err["details"]["ends_at"] == "2026-11-30T05:00:00+09:00"
        expected = int((datetime(2026, 11, 30, 5, tzinfo=JST) - moment).total_seconds())
        assert int(response.headers["retry-after"]) == max(1, expected)
    status = await http.get("/v1/status")
    assert status.status_code == 200
    assert status.json()["maintenance_now"] is (not open_)


async def test_maintenance_in_utc_terms(http: httpx.AsyncClient, clock: Clock) -> None:
    # Sunday 16:30 UTC is Monday 01:30 in Japan.
    from datetime import UTC

    clock.set(datetime(2026, 11, 29, 16, 30, tzinfo=UTC))
    assert (await login(http, "10000001")).status_code == 503


async def test_maintenance_revokes_open_sessions(http: httpx.AsyncClient, clock: Clock) -> None:
    clock.set(datetime(2026, 11, 30, 0, 50, tzinfo=JST))
    headers = await token_for(http)
    clock.set(datetime(2026, 11, 30, 5, 0, 1, tzinfo=JST))
    # Within the idle timeout of 05:00? No: 00:50 + 15 min passed long ago; move closer.
    clock.set(datetime(2026, 11, 30, 0, 55, tzinfo=JST))
    headers = await token_for(http)
    clock.set(datetime(2026, 11, 30, 0, 59, tzinfo=JST))
    assert (await http.get("/v1/me/account", headers=headers)).status_code == 200
    clock.set(datetime(2026, 11, 30, 1, 5, tzinfo=JST))
    assert (await http.get("/v1/me/account", headers=headers)).status_code == 503


async def test_adhoc_maintenance_and_session_revocation(
    http: httpx.AsyncClient, clock: Clock, admin_headers: dict[str, str]
) -> None:
    headers = await token_for(http)
    ends = (clock.now() + timedelta(minutes=30)).isoformat()
    on = await http.put(
        "/v1/admin/maintenance", json={"on": True, "ends_at": ends}, headers=admin_headers
    )
    assert on.status_code == 200
    during = await http.get("/v1/me/account", headers=headers)
    assert during.status_code == 503
    assert error(during)["details"]["kind"] == "adhoc"
    assert during.headers["retry-after"] == "1800"
    off = await http.put("/v1/admin/maintenance", json={"on": False}, headers=admin_headers)
    assert off.status_code == 200
    after = await http.get("/v1/me/account", headers=headers)
    assert after.status_code == 401
    assert error(after)["details"]["reason"] == "maintenance"
    assert await token_for(http)  # a new login works


async def test_admin_api_needs_its_token(http: httpx.AsyncClient) -> None:
    response = await http.get("/v1/admin/clock")
    assert response.status_code == 403
    assert error(response)["code"] == "FORBIDDEN"
    member = await token_for(http)
    assert (await http.get("/v1/admin/clock", headers=member)).status_code == 403


async def test_admin_clock_and_reset(
    http: httpx.AsyncClient, admin_headers: dict[str, str], clock: Clock
) -> None:
    advanced = await http.post(
        "/v1/admin/clock/advance", json={"seconds": 3600}, headers=admin_headers
    )
    assert advanced.json()["now"] == "2026-12-02T11:00:00+09:00"
    for _ in range(3):
        await login(http, "10000001", "0000")
    assert (await login(http, "10000001")).status_code == 423
    assert (await http.post("/v1/admin/reset", headers=admin_headers)).status_code == 204
    assert (await login(http, "10000001")).status_code == 201


async def test_rate_limit_per_address(store: Store, clock: Clock, settings: ServerSettings) -> None:
    from dataclasses import replace

    app = create_app(store, clock, replace(settings, failed_logins_per_address_per_hour=5))
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        for i in range(5):
            await login(c, f"2000000{i}", "0000")
        limited = await login(c, "10000001")
        assert limited.status_code == 429
        assert error(limited)["code"] == "RATE_LIMITED"
        assert int(limited.headers["retry-after"]) == 3601
        clock.advance(timedelta(hours=1, seconds=1))
        assert (await login(c, "10000001")).status_code == 201
    other = httpx.ASGITransport(app=app, client=("203.0.113.8", 5000))
    async with httpx.AsyncClient(transport=other, base_url="http://t") as c:
        assert (await login(c, "10000006")).status_code == 201


async def test_staff_login_and_role_separation(http: httpx.AsyncClient) -> None:
    staff = await http.post(
        "/v1/staff/sessions", json={"staff_id": "S0001", "password": "staff-demo-pass"}
    )
    assert staff.status_code == 201
    staff_headers = {"Authorization": f"Bearer {staff.json()['token']}"}
    refused = await http.get("/v1/me/account", headers=staff_headers)
    assert refused.status_code == 403
    assert error(refused)["code"] == "FORBIDDEN"
    bad = await http.post("/v1/staff/sessions", json={"staff_id": "S0001", "password": "nope"})
    assert bad.status_code == 401
    assert "nope" not in bad.text


async def test_lock_at_login_ends_open_sessions(http: httpx.AsyncClient) -> None:
    headers = await token_for(http, "10000002")  # resets its two earlier failures
    answers = [(await login(http, "10000002", "0000")).status_code for _ in range(3)]
    assert answers == [401, 401, 423]
    after = await http.get("/v1/me/account", headers=headers)
    assert after.status_code == 401
    assert error(after)["details"] == {"reason": "locked"}


async def test_member_logout_refuses_a_staff_token(http: httpx.AsyncClient) -> None:
    staff = await http.post(
        "/v1/staff/sessions", json={"staff_id": "S0001", "password": "staff-demo-pass"}
    )
    headers = {"Authorization": f"Bearer {staff.json()['token']}"}
    refused = await http.delete("/v1/sessions/current", headers=headers)
    assert refused.status_code == 403
    assert error(refused)["code"] == "FORBIDDEN"


async def test_admin_reads_a_members_account_as_the_member_sees_it(
    http: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    member = await token_for(http)  # 10000001
    own = await http.get("/v1/me/account", headers=member)
    seen = await http.get("/v1/admin/members/10000001/account", headers=admin_headers)
    assert seen.status_code == 200
    assert seen.json() == own.json()
    unknown = await http.get("/v1/admin/members/19999999/account", headers=admin_headers)
    assert unknown.status_code == 404
    assert error(unknown)["code"] == "NOT_FOUND"
    bad = await http.get("/v1/admin/members/1000000x/account", headers=admin_headers)
    assert bad.status_code == 422
    assert (await http.get("/v1/admin/members/10000001/account", headers=member)).status_code == 403
