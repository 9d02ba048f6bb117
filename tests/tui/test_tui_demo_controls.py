"""Demo controls: the F12 menu and the palette move the mock clock, and the screen follows.

The demo's clock is frozen at Wednesday 2 December 2026, 10:00 JST (``FIXED_NOW``). The
roster gives 10000001 a due date 10 days after seeding: Saturday 12 December 2026.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from textual.command import Provider
from textual.pilot import Pilot
from tui_support import FIXED_NOW, PIN, fill_login, make_app, running, settle

from acom_contract.jst import JST
from acom_tui.api.client import NO_RETRY, Client
from acom_tui.api.demo import Demo
from acom_tui.app import AcomApp
from acom_tui.demo_controls import DemoCommands, due_moment, next_maintenance_moment
from acom_tui.dialogs.demo_menu import DEMO_ACTIONS, DemoMenuScreen
from acom_tui.screens.locked import LockedScreen
from acom_tui.screens.maintenance import MaintenanceScreen
from acom_tui.session import Backend

SnapCompare = Callable[..., bool]
DUE_10000001 = datetime(2026, 12, 12, 10, 0, tzinfo=JST)


# --- where the clock goes (pure) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Wednesday -> the Monday after.
        (datetime(2026, 12, 2, 10, 0, tzinfo=JST), datetime(2026, 12, 7, 2, 0, tzinfo=JST)),
        # Monday before 02:00 -> the same morning.
        (datetime(2026, 12, 7, 0, 30, tzinfo=JST), datetime(2026, 12, 7, 2, 0, tzinfo=JST)),
        # Monday at 02:00 or later -> a week on.
        (datetime(2026, 12, 7, 2, 0, tzinfo=JST), datetime(2026, 12, 14, 2, 0, tzinfo=JST)),
        # Sunday 23:00 JST given in UTC (14:00 UTC) -> the next morning.
        (
            datetime.fromisoformat("2026-12-06T14:00:00+00:00"),
            datetime(2026, 12, 7, 2, 0, tzinfo=JST),
        ),
    ],
)
def test_next_maintenance_moment(now: datetime, expected: datetime) -> None:
    assert next_maintenance_moment(now) == expected


def test_due_moment_is_mid_morning_japan_time() -> None:
    assert due_moment(date(2026, 12, 12)) == DUE_10000001
    assert due_moment(date(2026, 12, 12)).utcoffset() == JST.utcoffset(None)


# --- helpers ------------------------------------------------------------------------------


async def choose(pilot: Pilot[Any], action_id: str) -> None:
    """F12, then the action by arrow keys and Enter, as a presenter would."""
    await pilot.press("f12")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DemoMenuScreen)
    index = [action.id for action in DEMO_ACTIONS].index(action_id)
    await pilot.press(*["down"] * index, "enter")
    await settle(pilot)


def notifications(app: AcomApp) -> list[str]:
    return [notification.message for notification in app._notifications]


async def mock_now(demo: Demo) -> datetime:
    return (await demo.admin.clock()).now


# --- installed only on a demo ------------------------------------------------------------


def providers(app: AcomApp | type[AcomApp]) -> set[type[Provider]]:
    """The palette's providers, the callables among them resolved as Textual does."""
    return {p if isinstance(p, type) else p() for p in app.COMMANDS}


def test_only_a_demo_app_has_the_controls(make_demo: Callable[[], Demo]) -> None:
    demo_app = make_app(make_demo())
    assert DemoCommands in providers(demo_app)
    assert demo_app.check_action("demo_menu", ()) is True

    real = Backend(client=Client("http://127.0.0.1:9", retry=NO_RETRY), now=lambda: FIXED_NOW)
    real_app = AcomApp(real, lang="ja", animations=False)
    assert DemoCommands not in providers(real_app)
    # F12 is bound in every app but acts only on a demo.
    assert real_app.check_action("demo_menu", ()) is False
    # The provider went to the demo instance only, not to the class.
    assert DemoCommands not in providers(AcomApp)


# --- moving the clock ----------------------------------------------------------------------


async def test_into_maintenance_before_login_shows_the_maintenance_screen(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    async with running(demo, lang="ja") as pilot:
        app = pilot.app
        await choose(pilot, "maintenance")
        assert await mock_now(demo) == datetime(2026, 12, 7, 2, 0, tzinfo=JST)
        assert isinstance(app.screen, MaintenanceScreen)
        assert app.screen.ends_at == datetime(2026, 12, 7, 5, 0, tzinfo=JST)
        assert notifications(app)[-1] == (
            "月曜2:00（メンテナンス中）に進めました。モックの時刻は2026年12月7日(月) 2:00です。"
        )
    await demo.aclose()


async def test_into_maintenance_logs_the_member_out(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    async with running(demo, lang="ja", member="10000001") as pilot:
        app = pilot.app
        assert app.session is not None
        await choose(pilot, "maintenance")
        assert app.session is None
        assert isinstance(app.screen, MaintenanceScreen)
        assert app.screen_stack[-2] is app.login_screen
        assert "メンテナンス" in app.login_screen.status_text
    await demo.aclose()


async def test_next_due_date_of_the_member_logged_in(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    reader = demo.new_client()
    await reader.login("10000001", PIN)
    account = await reader.account()
    await reader.logout()
    assert account.next_due_date == date(2026, 12, 12)

    async with running(demo, lang="ja", member="10000001") as pilot:
        app = pilot.app
        await choose(pilot, "next_due")
        assert await mock_now(demo) == DUE_10000001
        # Ten days without activity is far past the 15-minute idle timeout.
        assert app.session is None
        assert app.screen is app.login_screen
        assert notifications(app)[-1] == (
            "10000001のご返済期日に進めました。モックの時刻は2026年12月12日(土) 10:00です。"
        )
    await demo.aclose()


async def test_next_due_date_before_login_reads_10000001(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    async with running(demo, lang="en") as pilot:
        app = pilot.app
        await choose(pilot, "next_due")
        assert await mock_now(demo) == DUE_10000001
        # The peek at the account left no session behind in the app's client.
        backend = app.backend
        assert backend is not None
        assert not backend.client.logged_in
        assert app.session is None
    await demo.aclose()


async def test_before_login_the_due_date_is_read_without_the_members_pin(
    make_demo: Callable[[], Demo],
) -> None:
    # The presenter changed 10000001's PIN during the demo: the controls must not try the
    # roster PIN (three wrong PINs lock the account), nor need it.
    demo = make_demo()
    member = demo.new_client()
    await member.login("10000001", PIN)
    await member.change_pin(PIN, "7305")
    await member.aclose()
    async with running(demo, lang="en") as pilot:
        for _ in range(3):  # the first moves the clock, the others say it is already there
            await choose(pilot, "next_due")
        assert await mock_now(demo) == DUE_10000001
    again = demo.new_client()
    await again.login("10000001", "7305")  # neither locked nor a failed attempt on record
    assert (await again.account()).status == "active"
    await again.aclose()
    await demo.aclose()


async def test_day_after_due_date_makes_the_account_overdue(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    async with running(demo, lang="ja") as pilot:
        app = pilot.app
        await choose(pilot, "overdue")
        assert await mock_now(demo) == datetime(2026, 12, 13, 10, 0, tzinfo=JST)
        await fill_login(pilot, "10000001")
        assert app.session is not None
        account = await app.session.backend.client.account()
        assert account.overdue_days == 1
    await demo.aclose()


async def test_a_due_date_in_the_past_is_not_gone_back_to(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    async with running(demo, lang="ja") as pilot:
        app = pilot.app
        await fill_login(pilot, "10000008")  # overdue 5 days: its due date has passed
        await choose(pilot, "next_due")
        assert await mock_now(demo) == FIXED_NOW
        assert app.session is not None
        assert "デモでは時計を戻しません" in notifications(app)[-1]
    await demo.aclose()


async def test_fifteen_minutes_from_the_palette_logs_out_for_inactivity(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    async with running(demo, lang="en", member="10000001") as pilot:
        app = pilot.app
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*"forward", "space", "15")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert await mock_now(demo) == datetime(2026, 12, 2, 10, 15, tzinfo=JST)
        assert app.session is None
        assert "without activity" in app.login_screen.status_text
        assert notifications(app)[-1] == (
            "Moved forward 15 minutes. The mock time is now Wed 2 Dec 2026 10:15 JST."
        )
    await demo.aclose()


async def test_one_hour_before_login_only_moves_the_clock(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    async with running(demo, lang="ja") as pilot:
        app = pilot.app
        await choose(pilot, "plus_1h")
        assert await mock_now(demo) == datetime(2026, 12, 2, 11, 0, tzinfo=JST)
        assert app.screen is app.login_screen
        assert notifications(app)[-1] == (
            "1時間進めました。モックの時刻は2026年12月2日(水) 11:00です。"
        )
    await demo.aclose()


# --- the roster ----------------------------------------------------------------------------


async def test_reset_after_a_lock_lets_10000001_log_in_again(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    async with running(demo, lang="ja") as pilot:
        app = pilot.app
        for _ in range(3):
            await fill_login(pilot, "10000001", "1111")
        assert isinstance(app.screen, LockedScreen)

        await choose(pilot, "reset")
        assert app.screen is app.login_screen
        assert "初期状態に戻しました" in app.login_screen.status_text

        await fill_login(pilot, "10000001")
        assert app.session is not None
        assert type(app.screen).__name__ == "DashboardScreen"
    await demo.aclose()


async def test_escape_closes_the_menu_without_doing_anything(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    async with running(demo, lang="ja") as pilot:
        app = pilot.app
        await pilot.press("f12")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.login_screen
        assert await mock_now(demo) == FIXED_NOW
    await demo.aclose()


def test_demo_menu_snapshot(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)
        await pilot.press("down", "down")
        await settle(pilot)

    assert snap_compare(make_app(make_demo(), lang="ja"), run_before=run)
