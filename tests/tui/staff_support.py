"""Helpers of the staff console tests (the demo fixtures are in conftest.py)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input
from tui_support import RecordingTransport, settle

from acom_contract.schemas import AuditEntry
from acom_tui.api.client import StaffClient
from acom_tui.api.demo import DEMO_BASE_URL, Demo
from acom_tui.staff.app import StaffApp
from acom_tui.staff.screens.login import PasswordInput
from acom_tui.staff.session import StaffBackend

STAFF_ID = "S0001"
STAFF_PASSWORD = "staff-demo-pass"


async def _keep_open() -> None:
    """The test closes the demo itself, after checking the server's state."""


def staff_backend(demo: Demo) -> tuple[StaffBackend, RecordingTransport]:
    """A staff backend on the demo whose requests are recorded; the demo stays open."""
    transport = RecordingTransport(demo.transport)
    client = StaffClient(DEMO_BASE_URL, transport=transport)
    assert demo.now is not None
    return StaffBackend(client=client, now=demo.now, demo=True, closer=_keep_open), transport


def make_staff_app(backend: StaffBackend, lang: str = "ja", **kwargs: Any) -> StaffApp:
    return StaffApp(backend, lang=lang, animations=False, **kwargs)


async def staff_login(
    pilot: Pilot[Any], staff_id: str = STAFF_ID, password: str = STAFF_PASSWORD
) -> None:
    """Fill the staff login form and press Enter in the password field."""
    screen = pilot.app.screen
    screen.query_one("#staff-id", Input).value = staff_id
    field = screen.query_one("#staff-password", PasswordInput)
    field.value = password
    field.focus()
    await pilot.press("enter")
    await settle(pilot)


async def look_up(pilot: Pilot[Any], member_number: str) -> None:
    field = pilot.app.screen.query_one("#lookup-number", Input)
    field.value = member_number
    field.focus()
    await pilot.press("enter")
    await settle(pilot)


async def type_text(pilot: Pilot[Any], text: str) -> None:
    """Type as a person would, one key at a time (spaces included)."""
    await pilot.press(*("space" if c == " " else c for c in text))


async def audit_of(demo: Demo, member_number: str | None = None) -> list[AuditEntry]:
    """The audit log as the server holds it, read by a second staff client (newest first).

    Its own login is an audit row without a member number; filter by member to ignore it.
    """
    async with StaffClient(DEMO_BASE_URL, transport=demo.transport) as other:
        await other.login(STAFF_ID, STAFF_PASSWORD)
        page = await other.audit_log(member_number=member_number, limit=500)
        await other.logout()
    return page.items


async def act(pilot: Pilot[Any], *kinds: str) -> None:
    """Choose an action from the member screen's menu as an agent does: F3 to the menu,
    the arrows to the first of ``kinds`` listed there, Enter."""
    from textual.widgets import OptionList

    await pilot.press("f3")
    await settle(pilot)
    menu = pilot.app.screen.query_one("#member-actions", OptionList)
    ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
    target = next(ids.index(kind) for kind in kinds if kind in ids)
    if menu.highlighted is None:
        await pilot.press("down")
    current = menu.highlighted or 0
    await pilot.press(*(["down"] * (target - current) or ["up"] * (current - target)))
    await pilot.press("enter")
    await settle(pilot)
