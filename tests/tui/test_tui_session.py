"""Session hygiene on the in-process mock, driven by moving the mock clock.

The app's idle timer reads the demo server's clock; the tests move that clock with the
admin handle and run one heartbeat (what the app's timer does when a beat is due) instead of
sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
from tui_support import FIXED_NOW, fill_login, make_app, recorded_backend, settle, tick

from acom_contract.jst import JST
from acom_tui.api.demo import DEMO_BASE_URL, Demo
from acom_tui.dialogs.idle_warning import IdleWarningScreen
from acom_tui.i18n import t
from acom_tui.screens.dashboard import DashboardScreen
from acom_tui.screens.login import LoginScreen
from acom_tui.screens.maintenance import MaintenanceScreen
from acom_tui.widgets.countdown import Countdown
from acom_tui.widgets.digits_input import MemberNumberInput, PinInput


async def _status_of_token(demo: Demo, token: str) -> tuple[int, str]:
    """Ask the demo app directly, outside the app's client, whether a token still works."""
    async with httpx.AsyncClient(transport=demo.transport, base_url=DEMO_BASE_URL) as http:
        response = await http.get("/v1/me/account", headers={"Authorization": f"Bearer {token}"})
    code = response.json()["error"]["code"] if response.status_code != 200 else ""
    return response.status_code, code


async def test_idle_warning_then_expiry_logs_out_and_revokes(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, transport = recorded_backend(demo)
    app = make_app(backend, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_login(pilot, "10000001")
        assert isinstance(app.screen, DashboardScreen)
        token = transport.last_token()
        assert token is not None

        # 14 minutes idle: the server ends the session after 15, so the warning shows.
        await demo.admin.advance_clock(14 * 60)
        await tick(pilot)
        assert isinstance(app.screen, IdleWarningScreen)
        countdown = app.screen.query_one(Countdown)
        assert countdown.remaining_seconds == 60
        assert str(countdown.content) == "ログアウトまで あと1分00秒"

        await demo.admin.advance_clock(60)
        await tick(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert len(app.screen_stack) == 1
        assert app.session is None
        assert app.screen.status_text == t("login.reason.idle")
        assert app.screen.query_one("#member-number", MemberNumberInput).value == ""
        assert app.screen.query_one("#pin", PinInput).value == ""
    assert transport.paths("DELETE") == ["/v1/sessions/current"]
    assert await _status_of_token(demo, token) == (401, "UNAUTHENTICATED")
    await demo.aclose()


async def test_stay_logged_in_renews_the_session(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    backend, transport = recorded_backend(demo)
    app = make_app(backend, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_login(pilot, "10000001")
        await demo.admin.advance_clock(14 * 60 + 30)
        await tick(pilot)
        assert isinstance(app.screen, IdleWarningScreen)
        requests_before = len(transport.requests)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert transport.paths()[requests_before:] == ["/v1/me/account"]
        # The server's new idle deadline is 15 minutes from now (10:14:30 + 15 min).
        assert app.session is not None
        assert app.session.expires_at == FIXED_NOW + timedelta(minutes=29, seconds=30)
        await demo.admin.advance_clock(10 * 60)
        await tick(pilot)
        assert isinstance(app.screen, DashboardScreen)
    await demo.aclose()


async def test_logout_on_quit_revokes_the_token(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    backend, transport = recorded_backend(demo)
    app = make_app(backend, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_login(pilot, "10000001")
        token = transport.last_token()
        assert token is not None
        assert await _status_of_token(demo, token) == (200, "")
        await pilot.press("f10")
        await pilot.pause()
    assert app.return_code == 0
    assert transport.paths("DELETE") == ["/v1/sessions/current"]
    assert await _status_of_token(demo, token) == (401, "UNAUTHENTICATED")
    await demo.aclose()


async def test_logout_key_drops_every_account_screen(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    app = make_app(demo, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_login(pilot, "10000001")
        await pilot.press("1")  # a service screen on top of the dashboard
        await settle(pilot)
        assert len(app.screen_stack) == 3
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert len(app.screen_stack) == 1
        assert app.screen.status_text == t("login.reason.logged_out")


async def test_server_side_expiry_is_noticed_on_the_next_request(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    app = make_app(demo, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_login(pilot, "10000001")
        # The idle limit passed while the app did not look: the next request finds out.
        await demo.admin.advance_clock(16 * 60)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.status_text == t("login.reason.idle")
        assert app.session is None


async def test_maintenance_countdown_then_returns_by_itself(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    app = make_app(demo, lang="ja")
    monday_one = datetime(2026, 12, 7, 1, 0, tzinfo=JST)
    async with app.run_test(size=(80, 24)) as pilot:
        await demo.admin.set_clock(monday_one)
        await fill_login(pilot, "10000001")
        assert isinstance(app.screen, MaintenanceScreen)
        countdown = app.screen.query_one(Countdown)
        assert countdown.deadline == datetime(2026, 12, 7, 5, 0, tzinfo=JST)
        assert str(countdown.content) == "終了予定まで あと4時間00分00秒"

        await demo.admin.set_clock(datetime(2026, 12, 7, 4, 59, 30, tzinfo=JST))
        await tick(pilot)
        assert str(countdown.content) == "終了予定まで あと30秒"
        assert isinstance(app.screen, MaintenanceScreen)

        await demo.admin.set_clock(datetime(2026, 12, 7, 5, 0, tzinfo=JST))
        await tick(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.status_text == t("login.reason.maintenance_over")
        await fill_login(pilot, "10000001")
        assert isinstance(app.screen, DashboardScreen)


async def test_maintenance_starting_while_logged_in_logs_out(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    app = make_app(demo, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await demo.admin.set_clock(datetime(2026, 12, 7, 0, 30, tzinfo=JST))
        await fill_login(pilot, "10000001")
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen)
        banner = dashboard.query_one("#dash-maintenance")
        assert "01:00 JST to 05:00 JST (in 30 min)" in banner.text  # type: ignore[attr-defined]

        await demo.admin.set_clock(datetime(2026, 12, 7, 1, 0, tzinfo=JST))
        await tick(pilot)
        assert isinstance(app.screen, MaintenanceScreen)
        assert app.session is None
        assert app.login_screen.status_text == t("login.reason.maintenance")


async def test_a_heartbeat_after_the_app_closed_does_nothing(
    make_demo: Callable[[], Demo],
) -> None:
    """The heartbeat timer can fire while the app shuts down, after its screens are gone.

    A full CI run met it once: the tick raised ScreenStackError and failed the test it ended.
    """
    demo = make_demo()
    backend, _transport = recorded_backend(demo)
    app = make_app(backend, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_login(pilot, "10000001")
    assert app.screen_stack == []
    await app.heartbeat()
    await demo.aclose()
