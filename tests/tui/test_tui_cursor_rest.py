"""The focused input's cursor stops blinking after a rest without keys, in both apps.

A blinking cursor repaints twice a second for ever; 50 idle support consoles paid most of
their CPU for it (docs/performance.md). The apps rest the blink after a few seconds without
a key, the cursor shown standing still, and blink again at the next key. The apps run here
with animations on (the snapshots run with them off, where nothing blinks at all), and the
rest period is shortened so the real timer can be waited for.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from staff_support import staff_backend
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input
from tui_support import settle, until

from acom_tui.api.demo import Demo
from acom_tui.app import AcomApp
from acom_tui.session import demo_backend
from acom_tui.staff.app import StaffApp

# The real timer is waited for in one test only; the others rest the cursor as the timer's
# end does (``CursorRest.rest``) under a rest period no test outlives, so that a loaded
# machine (CI runs the suite on 2 cores) cannot end a rest period between two steps.
NEVER_S = 600.0
REAL_REST_S = 0.3


def member_app(demo: Demo, animations: bool) -> AcomApp:
    return AcomApp(demo_backend(demo), lang="en", animations=animations)


def staff_app(demo: Demo, animations: bool) -> StaffApp:
    backend, _transport = staff_backend(demo)
    return StaffApp(backend, lang="en", animations=animations)


APPS = {"member": member_app, "staff": staff_app}


@asynccontextmanager
async def started(
    make_demo: Callable[[], Demo], which: str, *, animations: bool = True, after: float = NEVER_S
) -> AsyncIterator[tuple[Any, Pilot[Any]]]:
    """``which`` app at 80x24, settled on its first screen, resting after ``after`` s."""
    app = APPS[which](make_demo(), animations)
    app.cursor_rest.after = after
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        yield app, pilot


async def rest(pilot: Any) -> None:
    """What the end of a rest period does."""
    pilot.app.cursor_rest.rest()
    await pilot.pause()


def focused_input(app: App[Any]) -> Input:
    focused = app.focused
    assert isinstance(focused, Input), f"the focus is on {focused!r}"
    return focused


def two_fields(app: App[Any]) -> tuple[Input, Input]:
    """The focused input and another of the screen (the staff login has two)."""
    first = focused_input(app)
    return first, next(f for f in app.screen.query(Input) if f is not first)


@pytest.mark.parametrize("which", sorted(APPS))
async def test_the_apps_own_timer_rests_the_cursor_after_a_pause(
    make_demo: Callable[[], Demo], which: str
) -> None:
    async with started(make_demo, which, after=REAL_REST_S) as (app, pilot):
        field = focused_input(app)
        await until(pilot, lambda: not field.cursor_blink)
        await pilot.press("1")
        # Awake again (if the machine is slow, perhaps already rested again): rests again.
        await until(pilot, lambda: not field.cursor_blink and app.cursor_rest.resting)


@pytest.mark.parametrize("which", sorted(APPS))
async def test_the_cursor_rests_without_keys_and_blinks_again_at_the_next(
    make_demo: Callable[[], Demo], which: str
) -> None:
    async with started(make_demo, which) as (app, pilot):
        field = focused_input(app)
        assert field.cursor_blink

        await rest(pilot)
        assert not field.cursor_blink, "still blinking after a rest without keys"
        assert app.cursor_rest.resting

        await pilot.press("1")
        assert field.cursor_blink, "a key did not wake the cursor"
        assert field.value.endswith("1")

        await rest(pilot)
        assert not field.cursor_blink


@pytest.mark.parametrize("which", sorted(APPS))
async def test_keys_keep_the_cursor_blinking(make_demo: Callable[[], Demo], which: str) -> None:
    async with started(make_demo, which) as (app, pilot):
        field = focused_input(app)
        await rest(pilot)
        for _ in range(4):
            await pilot.press("1")
            assert field.cursor_blink
            assert not app.cursor_rest.resting


async def test_a_rested_input_blinks_again_when_it_next_gets_the_focus(
    make_demo: Callable[[], Demo],
) -> None:
    async with started(make_demo, "staff") as (app, pilot):
        first, other = two_fields(app)
        await rest(pilot)
        assert not first.cursor_blink

        # The focus moves without a key (a screen did it): the rested input is left alone,
        # its blink paused by Textual, until it has the focus again.
        other.focus()
        await pilot.pause()
        assert not first.cursor_blink
        first.focus()
        await pilot.pause()

        assert first.cursor_blink


@pytest.mark.parametrize("which", sorted(APPS))
async def test_a_cursor_that_never_blinks_is_left_alone(
    make_demo: Callable[[], Demo], which: str
) -> None:
    # Animations off (slow links, snapshots): the screens turned the blink off for good.
    async with started(make_demo, which, animations=False) as (app, pilot):
        field = focused_input(app)
        assert not field.cursor_blink
        await rest(pilot)
        await pilot.press("1")

        assert not field.cursor_blink
        assert not app.cursor_rest.resting


async def test_an_input_the_app_focuses_without_a_key_rests_too(
    make_demo: Callable[[], Demo],
) -> None:
    # After a login the next screen focuses its input; after a timed-out login the form
    # focuses a field again: no key follows, and that cursor must not blink for ever. The
    # app's own timer: only a focus that starts a new rest period rests the second field.
    async with started(make_demo, "staff", after=REAL_REST_S) as (app, pilot):
        first, other = two_fields(app)
        await until(pilot, lambda: not first.cursor_blink)

        other.focus()
        await until(pilot, lambda: not other.cursor_blink)


async def test_an_input_covered_by_another_screen_rests_at_once_and_blinks_when_back(
    make_demo: Callable[[], Demo],
) -> None:
    """The login's focused field kept blinking under the dashboard (Textual pauses a blink
    on a blur only): an idle member app woke twice a second for a field nobody saw.

    Covered here by the help screen: after a login, the field may have lost the focus
    already (a login slower than the busy indicator's 150 ms covers the form, and Textual
    takes the focus from what is covered), which left this test to the machine's speed."""
    async with started(make_demo, "member") as (app, pilot):
        login = app.screen
        field = focused_input(app)
        assert field.cursor_blink
        await pilot.press("f1")  # help: another screen over the login
        await settle(pilot)
        assert app.screen is not login
        assert login.focused is field
        assert not field.cursor_blink
        await pilot.press("escape")  # the login screen is on top again
        await settle(pilot)
        assert app.screen is login
        assert focused_input(app) is field
        assert field.cursor_blink


@pytest.mark.parametrize("which", sorted(APPS))
async def test_a_key_or_rest_after_the_app_closed_does_nothing(
    make_demo: Callable[[], Demo], which: str
) -> None:
    """A focus event came while the app shut down, its screens already gone, and asking
    for the focused widget raised ``ScreenStackError`` (seen in a test's teardown)."""
    async with started(make_demo, which) as (app, _pilot):
        pass
    assert not app.screen_stack
    app.cursor_rest.seen(events.Key("a", "a"))
    app.cursor_rest.rest()
    assert not app.cursor_rest.resting
