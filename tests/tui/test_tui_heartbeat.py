"""The heartbeat runs when something is due, not once a second (issue 16).

An idle console must not wake up for nothing: 50 of them on one host woke 50 times a
second. Both apps now plan each beat from what is due: a countdown on screen, the idle
warning and logout, the start of maintenance (``acom_tui/widgets/heartbeat.py``). These
tests read the plan (``app.beats.next_in``) after moving the mock clock, and once let the
app's own timer fire on a running clock, with nobody calling ``heartbeat``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from staff_support import make_staff_app, staff_backend, staff_login
from textual.pilot import Pilot
from tui_support import fill_login, make_app, settle, tick, until

from acom_contract.jst import JST
from acom_tui.api.demo import Demo
from acom_tui.app import AcomApp
from acom_tui.dialogs.idle_warning import IdleWarningScreen
from acom_tui.screens.dashboard import DashboardScreen
from acom_tui.screens.too_small import TooSmallScreen
from acom_tui.staff.screens.idle import StaffIdleScreen
from acom_tui.widgets.heartbeat import QUIET_S, TICK_S

MEMBER = "10000001"


@asynccontextmanager
async def on_the_dashboard(demo: Demo) -> AsyncIterator[tuple[AcomApp, Pilot[Any]]]:
    """The member app logged in as :data:`MEMBER`, in English; the demo closed after."""
    app = make_app(demo, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_login(pilot, MEMBER)
        assert isinstance(app.screen, DashboardScreen)
        yield app, pilot
    await demo.aclose()


# The member session ends after 15 idle minutes, the staff one after 10; both warn 60 s
# before the end.
MEMBER_WARNING_AFTER_S = 14 * 60
STAFF_WARNING_AFTER_S = 9 * 60


async def test_a_quiet_dashboard_sleeps_until_the_idle_warning(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    async with on_the_dashboard(demo) as (app, pilot):
        # Nothing on the dashboard moves with the clock, the warning is 14 minutes away.
        assert app.beats.next_in == QUIET_S

        await demo.admin.advance_clock(MEMBER_WARNING_AFTER_S - 10)
        app.beats.plan()
        assert app.beats.next_in == pytest.approx(10, abs=0.05)

        # The warning's countdown ticks every second from the moment it is pushed.
        await demo.admin.advance_clock(10)
        await tick(pilot)
        assert isinstance(app.screen, IdleWarningScreen)
        assert app.beats.next_in == TICK_S

        # Back on the dashboard (renewed), the next beat is the new warning's.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.beats.next_in == QUIET_S


async def test_the_warning_comes_by_itself_on_a_running_clock(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    async with on_the_dashboard(demo) as (app, pilot):
        session = app.session
        assert session is not None and session.expires_at is not None
        # Half a second before the warning, the mock clock running at real speed.
        start = session.expires_at - timedelta(seconds=60.5)
        await demo.admin.set_clock(start, frozen=False)
        app.beats.plan()
        assert app.beats.next_in is not None and app.beats.next_in < 1
        # Only the app's own timer can push the warning.
        await until(pilot, lambda: isinstance(app.screen, IdleWarningScreen))


async def test_the_dashboard_beats_for_its_maintenance_banner(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    # Sunday 23:59:40: the banner shows an hour before the Monday 01:00 maintenance.
    await demo.admin.set_clock(datetime(2026, 12, 6, 23, 59, 40, tzinfo=JST))
    async with on_the_dashboard(demo) as (app, pilot):
        assert app.next_maintenance is not None
        assert app.beats.next_in == pytest.approx(20, abs=0.05)

        await demo.admin.advance_clock(30)
        await tick(pilot)
        assert "maintenance" in app.screen.query_one("#dash-maintenance").render().plain.lower()
        assert app.beats.next_in == TICK_S


async def test_the_staff_console_sleeps_until_its_idle_warning(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    app = make_staff_app(staff_backend(demo)[0], lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await staff_login(pilot)
        assert app.beats.next_in == QUIET_S
        await demo.admin.advance_clock(STAFF_WARNING_AFTER_S - 5)
        app.beats.plan()
        assert app.beats.next_in == pytest.approx(5, abs=0.05)
        await demo.admin.advance_clock(5)
        await app.beats.beat()
        await settle(pilot)
        assert isinstance(app.screen, StaffIdleScreen)
        assert app.beats.next_in == TICK_S
    await demo.aclose()


async def test_a_screen_pushed_while_too_small_goes_under_the_message_at_once(
    make_demo: Callable[[], Demo],
) -> None:
    """The size guard has no timer: it looks again when the screen on top changes."""
    demo = make_demo()
    async with on_the_dashboard(demo) as (app, pilot):
        await pilot.resize_terminal(60, 20)
        await settle(pilot)
        assert isinstance(app.screen, TooSmallScreen)
        await demo.admin.advance_clock(MEMBER_WARNING_AFTER_S)
        await tick(pilot)
        assert any(isinstance(s, IdleWarningScreen) for s in app.screen_stack)
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert isinstance(app.screen, IdleWarningScreen)
