"""English variants of the login-failure, maintenance and notice snapshots (issue 14).

The Japanese ones are in test_tui_snapshots.py and test_tui_notices.py; the last-attempt
warning had none, so it gets both languages here. Same 80x24, roster and frozen clock
(Wed 2 Dec 2026 10:00 JST). Regenerate only these with
``pytest tests/tui/test_tui_snapshots_english.py --snapshot-update`` and read the SVGs: no
kana or kanji outside names, nothing cut.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_support import fill_login, make_app, settle

from acom_contract.jst import JST
from acom_tui.api.demo import Demo

SnapCompare = Callable[..., bool]
Step = Callable[[Pilot[Any]], Awaitable[None]]


def login_as(member_number: str, pin: str = "4829", *, times: int = 1) -> Step:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for _ in range(times):
            await fill_login(pilot, member_number, pin)

    return run


@pytest.mark.parametrize(
    ("member_number", "pin", "times"),
    [
        ("10000001", "1111", 1),  # wrong PIN: two attempts left
        ("10000001", "1111", 2),  # one attempt left: the stronger warning
        ("10000003", "4829", 1),  # locked
    ],
    ids=["wrong_pin", "last_attempt", "locked"],
)
def test_login_failure_in_english(
    snap_compare: SnapCompare,
    make_demo: Callable[[], Demo],
    member_number: str,
    pin: str,
    times: int,
) -> None:
    app = make_app(make_demo(), lang="en")
    assert snap_compare(app, run_before=login_as(member_number, pin, times=times))


def test_last_attempt_in_japanese(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    app = make_app(make_demo(), lang="ja")
    assert snap_compare(app, run_before=login_as("10000001", "1111", times=2))


def test_maintenance_countdown_in_english(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo]
) -> None:
    demo = make_demo()

    async def run(pilot: Pilot[Any]) -> None:
        await demo.admin.set_clock(datetime(2026, 12, 7, 2, 15, 30, tzinfo=JST))
        await login_as("10000001")(pilot)

    assert snap_compare(make_app(demo, lang="en"), run_before=run)


def test_overdue_notice_in_english(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo]
) -> None:
    """10000008's newest notice, the overdue one: its figures in yen, its dates in English."""

    async def run(pilot: Pilot[Any]) -> None:
        await login_as("10000008")(pilot)
        for key in ("4", "enter"):
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(make_app(make_demo(), lang="en"), run_before=run)
