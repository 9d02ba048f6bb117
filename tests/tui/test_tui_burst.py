"""Keys typed ahead land where a person expects (issue 13).

A burst is every key posted to the app before any is processed, as Textual's driver posts
the keys of one read from the terminal (auto-type, a paste into tmux). The real program in
a pseudo-terminal, with the burst in one ``os.write``, is in test_tui_terminal.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from staff_support import STAFF_ID, STAFF_PASSWORD, make_staff_app, staff_backend
from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input
from tui_support import PIN, make_app, recorded_backend, settle

from acom_tui.api.demo import Demo
from acom_tui.screens.borrow import BorrowScreen
from acom_tui.screens.dashboard import DashboardScreen
from acom_tui.screens.login import LoginScreen
from acom_tui.staff.screens.login import StaffLoginScreen
from acom_tui.staff.screens.member import MemberScreen
from acom_tui.widgets.form_input import FormInput

_KEY_NAMES = {"-": "minus", " ": "space", "\t": "tab", "\r": "enter"}


def burst_of(text: str) -> list[events.Key]:
    """The key events Textual makes of ``text`` read from a terminal in one go."""
    keys = []
    for char in text:
        name = _KEY_NAMES.get(char, char)
        keys.append(events.Key(name, char if char.isprintable() else None))
    return keys


async def burst(pilot: Pilot[Any], text: str, watch: Iterable[Input] = ()) -> list[str]:
    """Post every key before any is handled; every value the ``watch`` fields showed."""
    seen: list[str] = []

    def record(value: str) -> None:
        seen.append(value)

    for field in watch:
        pilot.app.watch(field, "value", record)
    for key in burst_of(text):
        pilot.app.post_message(key)
    # Each field works through its keys; then the login's worker runs and a screen opens.
    for _ in range(3):
        await settle(pilot)
    return seen


async def test_a_burst_with_tab_logs_in_and_the_pin_never_shows(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    app = make_app(demo, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        login = app.screen
        assert isinstance(login, LoginScreen)
        number = login.query_one("#member-number", Input)
        shown = await burst(pilot, f"10000001\t{PIN}\r", watch=[number])
        assert number.value == "10000001"
        assert all(PIN not in value for value in shown)
        assert isinstance(app.screen, DashboardScreen)
        assert app.session is not None
        assert app.session.member_number == "10000001"
    await demo.aclose()


async def test_a_burst_with_enter_between_the_fields_logs_in_too(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        number = app.screen.query_one("#member-number", Input)
        await burst(pilot, f"10000001\r{PIN}\r")
        assert number.value == "10000001"
        assert isinstance(app.screen, DashboardScreen)
    await demo.aclose()


async def test_shift_tab_in_a_burst_does_what_it_does_typed_slowly(
    make_demo: Callable[[], Demo],
) -> None:
    keys = [*"1000", "tab", "shift+tab", *"0001"]
    results = []
    for fast in (False, True):
        demo = make_demo()
        app = make_app(demo, lang="en")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            if fast:
                for key in keys:
                    app.post_message(events.Key(key, key if len(key) == 1 else None))
                for _ in range(3):
                    await settle(pilot)
            else:
                await pilot.press(*keys)
                await settle(pilot)
            screen = app.screen
            number = screen.query_one("#member-number", Input)
            pin = screen.query_one("#pin", Input)
            results.append((number.value, pin.value, screen.focused is number))
        await demo.aclose()
    assert results[0] == results[1]
    assert results[1][1] == ""  # nothing went to the PIN


async def test_a_staff_burst_logs_in_and_the_password_never_shows_in_clear(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, _transport = staff_backend(demo)
    app = make_staff_app(backend, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        login = app.screen
        assert isinstance(login, StaffLoginScreen)
        staff_id = login.query_one("#staff-id", Input)
        shown = await burst(pilot, f"{STAFF_ID}\t{STAFF_PASSWORD}\r", watch=[staff_id])
        assert staff_id.value == STAFF_ID
        assert all("pass" not in value for value in shown)
        assert isinstance(app.screen, MemberScreen)
        assert app.session is not None
    await demo.aclose()


async def test_keys_typed_after_the_login_enter_are_not_added_to_the_pin(
    make_demo: Callable[[], Demo],
) -> None:
    """``4829<Enter>150000`` in one read: the login goes with 4829; the rest, typed for the
    screen after it, is dropped (it made the PIN 48291..., refused as not 4 digits)."""
    demo = make_demo()
    backend, transport = recorded_backend(demo)
    app = make_app(backend, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await burst(pilot, f"10000001\t{PIN}\r150000\r")
        assert isinstance(app.screen, DashboardScreen)
        assert transport.paths("POST") == ["/v1/sessions"]
        # Typed after the answer, the keys act as ever.
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, BorrowScreen)
    await demo.aclose()


class _OneField(App[None]):
    """A form of one field that records what it submitted."""

    def __init__(self) -> None:
        super().__init__()
        self.submitted: list[str] = []

    def compose(self) -> ComposeResult:
        yield FormInput(id="field")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submitted.append(event.value)


async def test_keys_after_a_submitting_enter_are_dropped_and_one_submit_is_made() -> None:
    app = _OneField()
    async with app.run_test() as pilot:
        app.query_one(FormInput).focus()
        await burst(pilot, "ab\r\rcd")
        assert app.submitted == ["ab"]
        assert app.query_one(FormInput).value == "ab"
        # Afterwards the field takes keys and submits as ever.
        await burst(pilot, "e\r")
        assert app.submitted == ["ab", "abe"]
