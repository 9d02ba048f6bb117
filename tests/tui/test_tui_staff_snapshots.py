"""Snapshots of the staff console at 80x24, on the roster, the mock clock frozen.

Regenerate after an intended change with
``pytest tests/tui/test_tui_staff_snapshots.py --snapshot-update -p no:xdist`` and look at
the SVGs in ``__snapshots__``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from staff_support import act, look_up, staff_login, type_text
from textual.pilot import Pilot
from textual.widgets import Input
from tui_support import FIXED_NOW, settle

from acom_contract.schemas import OneTimePin
from acom_tui.api.demo import Demo
from acom_tui.staff.app import StaffApp
from acom_tui.staff.screens.pin import OneTimePinDialog
from acom_tui.staff.session import staff_demo_backend

SnapCompare = Callable[..., bool]
Step = Callable[[Pilot[Any]], Awaitable[None]]


def staff_app(demo: Demo, lang: str = "ja") -> StaffApp:
    return StaffApp(staff_demo_backend(demo), lang=lang, animations=False)


def logged_in(*member_numbers: str) -> Step:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await staff_login(pilot)
        for number in member_numbers:
            await look_up(pilot, number)

    return run


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_staff_login(snap_compare: SnapCompare, make_demo: Callable[[], Demo], lang: str) -> None:
    assert snap_compare(staff_app(make_demo(), lang), run_before=settle)


def test_member_lookup_empty(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    assert snap_compare(staff_app(make_demo()), run_before=logged_in())


@pytest.mark.parametrize(
    ("lang", "member_number"),
    [("ja", "10000003"), ("en", "10000003"), ("ja", "10000004"), ("ja", "10000005")],
    ids=["locked-ja", "locked-en", "suspended-ja", "card_lost-ja"],
)
def test_member_view(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo], lang: str, member_number: str
) -> None:
    assert snap_compare(staff_app(make_demo(), lang), run_before=logged_in(member_number))


def test_unlock_dialog(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await logged_in("10000003")(pilot)
        await act(pilot, "unlock")
        await settle(pilot)
        await pilot.press("down", "enter")
        await type_text(pilot, "ok")
        await settle(pilot)

    assert snap_compare(staff_app(make_demo()), run_before=run)


def test_suspend_dialog_asks_for_the_reason_code(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo]
) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await logged_in("10000001")(pilot)
        await act(pilot, "suspend", "reinstate")
        await settle(pilot)
        # Enter in the reason field before a reason code was chosen.
        pilot.app.screen.query_one("#action-reason").focus()
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(staff_app(make_demo()), run_before=run)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_pin_reset_dialog_asks_for_the_document(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo], lang: str
) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await logged_in("10000003")(pilot)
        await act(pilot, "pin_reset")
        await settle(pilot)
        # Enter in the reason field before the document was chosen: the longest this
        # dialog gets, and it still fits 80x24 with its buttons.
        pilot.app.screen.query_one("#action-reason").focus()
        await type_text(pilot, "forgot")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(staff_app(make_demo(), lang), run_before=run)


def test_unlocked_member_view(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await logged_in("10000003")(pilot)
        await act(pilot, "unlock")
        await pilot.press("enter")
        await type_text(pilot, "ok")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(staff_app(make_demo()), run_before=run)


def test_one_time_pin_dialog(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    # The server draws the PIN at random; the dialog is shown here with a fixed one.
    pin = OneTimePin.model_validate(
        {
            "member_number": "10000002",
            "one_time_pin": "0261",
            "expires_at": (FIXED_NOW + timedelta(hours=24)).isoformat(),
        }
    )

    async def run(pilot: Pilot[Any]) -> None:
        await logged_in("10000002")(pilot)
        await pilot.app.push_screen(OneTimePinDialog(pin, "佐藤 花子"))
        await settle(pilot)

    assert snap_compare(staff_app(make_demo()), run_before=run)


def test_audit_log(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await logged_in("10000003")(pilot)
        await act(pilot, "unlock")
        await pilot.press("down", "down", "enter")
        await type_text(pilot, "ok")
        await pilot.press("enter")
        await settle(pilot)
        await look_up(pilot, "10000004")
        await act(pilot, "suspend", "reinstate")
        await settle(pilot)
        await type_text(pilot, "paid")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        member_filter = pilot.app.screen.query_one("#audit-member", Input)
        member_filter.value = ""
        member_filter.focus()
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(staff_app(make_demo()), run_before=run)


def test_idle_warning(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()

    async def run(pilot: Pilot[Any]) -> None:
        await logged_in("10000003")(pilot)
        await demo.admin.advance_clock(9 * 60 + 15)
        app = pilot.app
        assert isinstance(app, StaffApp)
        await app.heartbeat()
        await settle(pilot)

    assert snap_compare(staff_app(demo), run_before=run)
