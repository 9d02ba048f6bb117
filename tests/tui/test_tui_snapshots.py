"""Snapshots at 80x24 on the roster, with the mock clock frozen on a Wednesday at 10:00.

Regenerate after an intended change with ``pytest tests/tui --snapshot-update`` and look
at the SVGs in ``__snapshots__`` (Japanese must be whole and aligned).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_support import FIXED_NOW, exhaust_login_rate_limit, fill_login, make_app, settle, tick

from acom_contract.jst import JST
from acom_tui.api.client import NO_RETRY, Client
from acom_tui.api.demo import Demo
from acom_tui.session import Backend

SnapCompare = Callable[..., bool]
Step = Callable[[Pilot[Any]], Awaitable[None]]


def login_as(member_number: str, pin: str = "4829") -> Step:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await fill_login(pilot, member_number, pin)

    return run


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_login(snap_compare: SnapCompare, make_demo: Callable[[], Demo], lang: str) -> None:
    assert snap_compare(make_app(make_demo(), lang=lang), run_before=settle)


@pytest.mark.parametrize(
    ("member_number", "pin"),
    [
        ("10000001", "1111"),  # wrong PIN: two attempts left
        ("10000003", "4829"),  # locked
        ("10000004", "4829"),  # suspended for delinquency
        ("10000005", "4829"),  # card reported lost
    ],
    ids=["wrong_pin", "locked", "suspended", "card_lost"],
)
def test_login_failure(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo], member_number: str, pin: str
) -> None:
    app = make_app(make_demo(), lang="ja")
    assert snap_compare(app, run_before=login_as(member_number, pin))


def test_maintenance_countdown(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()

    async def run(pilot: Pilot[Any]) -> None:
        await demo.admin.set_clock(datetime(2026, 12, 7, 2, 15, 30, tzinfo=JST))
        await login_as("10000001")(pilot)

    assert snap_compare(make_app(demo, lang="ja"), run_before=run)


def test_rate_limited(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()

    async def run(pilot: Pilot[Any]) -> None:
        await exhaust_login_rate_limit(demo)
        await login_as("10000001")(pilot)

    assert snap_compare(make_app(demo, lang="ja"), run_before=run)


def test_unreachable(snap_compare: SnapCompare) -> None:
    # The support desk line depends on the time: pin it like the demo's clock.
    client = Client("http://127.0.0.1:9", retry=NO_RETRY)
    backend = Backend(client=client, now=lambda: FIXED_NOW)
    assert snap_compare(make_app(backend, lang="ja"), run_before=login_as("10000001"))


def test_session_expired(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()

    async def run(pilot: Pilot[Any]) -> None:
        await login_as("10000001")(pilot)
        await demo.admin.advance_clock(15 * 60)
        await tick(pilot)

    assert snap_compare(make_app(demo, lang="ja"), run_before=run)


@pytest.mark.parametrize(
    ("member_number", "lang"),
    [("10000001", "ja"), ("10000001", "en"), ("10000006", "ja"), ("10000008", "ja")],
)
def test_dashboard(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo], member_number: str, lang: str
) -> None:
    app = make_app(make_demo(), lang=lang)
    assert snap_compare(app, run_before=login_as(member_number))


def test_idle_warning(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()

    async def run(pilot: Pilot[Any]) -> None:
        await login_as("10000001")(pilot)
        await demo.admin.advance_clock(14 * 60 + 15)
        await tick(pilot)

    assert snap_compare(make_app(demo, lang="ja"), run_before=run)
