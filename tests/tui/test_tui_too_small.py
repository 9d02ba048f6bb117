"""Below 80x24 one "terminal too small" screen, and no key acts on what is hidden (issue 13)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from money_support import enter_amount, money_backend
from staff_support import make_staff_app, staff_backend
from textual.pilot import Pilot
from textual.widgets import Input
from tui_support import fill_login, make_app, settle

from acom_tui.api.demo import Demo
from acom_tui.screens.borrow import BorrowScreen
from acom_tui.screens.dashboard import DashboardScreen
from acom_tui.screens.too_small import TooSmallScreen

SnapCompare = Callable[..., bool]
MEMBER = "10000001"


async def principal(demo: Demo) -> int:
    return (await demo.admin.member_account(MEMBER)).principal


async def resize(pilot: Pilot[Any], width: int, height: int) -> None:
    await pilot.resize_terminal(width, height)
    await settle(pilot)


async def test_the_keys_of_the_issue_borrow_nothing_at_60x20(
    make_demo: Callable[[], Demo],
) -> None:
    """``1``, ``F4``, ``Enter`` at 60x20 borrowed 30,000 yen behind cut-off buttons."""
    demo = make_demo()
    before = await principal(demo)
    app = make_app(money_backend(demo)[0], lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill_login(pilot, MEMBER)
        assert isinstance(app.screen, DashboardScreen)
        await resize(pilot, 60, 20)
        assert isinstance(app.screen, TooSmallScreen)
        for key in ("1", "f4", "enter", "enter", "f4", "enter"):
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, TooSmallScreen)
        await resize(pilot, 80, 24)
        assert isinstance(app.screen, DashboardScreen)
    assert await principal(demo) == before
    await demo.aclose()


async def test_a_confirmation_hidden_by_a_resize_takes_no_enter_and_comes_back_as_it_was(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    before = await principal(demo)
    app = make_app(money_backend(demo)[0], lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill_login(pilot, MEMBER)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, BorrowScreen)
        await enter_amount(pilot, "borrow-amount", "30000")
        confirmation = app.screen
        assert not isinstance(confirmation, BorrowScreen)
        focused = app.focused
        assert focused is not None
        await resize(pilot, 60, 20)
        assert isinstance(app.screen, TooSmallScreen)
        assert app.screen.message.startswith("Terminal too small: 60 x 20, needs 80 x 24.")
        assert "(F10: quit)" in app.screen.message
        await pilot.press("enter", "space", "tab", "enter")
        await settle(pilot)
        assert await principal(demo) == before
        await resize(pilot, 80, 24)
        assert app.screen is confirmation
        assert app.focused is focused
        await resize(pilot, 80, 23)  # one line short is too small too
        assert isinstance(app.screen, TooSmallScreen)
        await resize(pilot, 100, 30)
        assert app.screen is confirmation
    assert await principal(demo) == before
    await demo.aclose()


async def test_field_contents_and_focus_survive_and_typing_does_not_reach_them(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    app = make_app(demo, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"1000")
        await resize(pilot, 79, 24)
        await pilot.press(*"0001")
        await settle(pilot)
        await resize(pilot, 80, 24)
        number = app.screen.query_one("#member-number", Input)
        assert number.value == "1000"
        assert app.focused is number
    await demo.aclose()


async def test_the_quit_key_still_quits_and_logs_out(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    app = make_app(demo, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill_login(pilot, MEMBER)
        session = app.session
        assert session is not None
        await resize(pilot, 40, 10)
        await pilot.press("f10")
        await settle(pilot)
    assert app.return_code == 0
    assert not session.active
    await demo.aclose()


async def test_the_staff_console_is_guarded_too(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    backend, _transport = staff_backend(demo)
    app = make_staff_app(backend, lang="en")
    async with app.run_test(size=(70, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.press(*"S0001")
        await resize(pilot, 80, 24)
        staff_id = app.screen.query_one("#staff-id", Input)
        assert staff_id.value == ""
        assert app.focused is staff_id
    await demo.aclose()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_too_small_snapshot(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo], lang: str
) -> None:
    assert snap_compare(make_app(make_demo(), lang=lang), terminal_size=(60, 20), run_before=settle)
