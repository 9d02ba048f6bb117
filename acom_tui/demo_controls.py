"""Demo controls: move the mock clock and reset the roster, from the palette or with F12.

Offered only when the app runs on the embedded demo (``shell.demo_commands``), which
carries the mock's admin handle (``Backend.admin``). A presenter can jump to a member's due
date, to the day after it (overdue), to half an hour before the Monday maintenance (the
dashboard's warning), into it, forward 15 minutes (idle logout), an hour or a day, or put
the roster back. Each action's help, shown before it runs, says what it does to a session:
the server ends a session idle for 15 minutes, so every move of the clock logs out. After
each move the app asks the server for its status and runs its heartbeat at once, so the
screen follows the new time: the maintenance screen appears, an idle session ends,
countdowns jump.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import TYPE_CHECKING, Final, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from acom_contract.jst import JST, to_jst
from acom_tui.dialogs.demo_menu import DEMO_ACTIONS, ActionId, DemoMenuScreen
from acom_tui.formatting import format_datetime
from acom_tui.i18n import get_language, t

if TYPE_CHECKING:
    from acom_tui.api.client import AdminClient
    from acom_tui.app import AcomApp
    from acom_tui.session import Backend

__all__ = [
    "DEMO_MEMBER",
    "DEMO_MENU_KEY",
    "DemoCommands",
    "due_moment",
    "next_maintenance_moment",
    "open_demo_menu",
    "run_demo_action",
    "start_demo_action",
]

log = logging.getLogger("acom_tui.demo")

# F11 toggles full screen in many terminal emulators; F12 reaches the app in xterm,
# GNOME Terminal, Windows Terminal and tmux alike, and no member screen uses it.
DEMO_MENU_KEY: Final = "f12"
# Whose due date to use before anyone has logged in: the roster's everyday member.
DEMO_MEMBER: Final = "10000001"
# Mid-morning on a due date: the desk is open and no maintenance window is near.
DUE_TIME: Final = time(10, 0)
# Inside the weekly window (Monday 01:00-05:00 JST), with an hour of it behind.
MAINTENANCE_TIME: Final = time(2, 0)
# Half an hour before the window: inside the dashboard's 60-minute warning (SPEC 2.3).
MAINTENANCE_SOON_TIME: Final = time(0, 30)
MONDAY: Final = 0

_STEPS: Final[dict[str, timedelta]] = {
    "plus_15m": timedelta(minutes=15),
    "plus_1h": timedelta(hours=1),
    "plus_1d": timedelta(days=1),
}


# --- where the clock goes (pure) --------------------------------------------------------------


def due_moment(due: date) -> datetime:
    """The moment a move "to the due date" lands on: that day at 10:00 JST."""
    return datetime.combine(due, DUE_TIME, tzinfo=JST)


def next_maintenance_moment(now: datetime, at: time = MAINTENANCE_TIME) -> datetime:
    """The first Monday ``at`` (02:00) JST after ``now``: today's on a Monday before then."""
    local = to_jst(now)
    monday = local.date() + timedelta(days=(MONDAY - local.weekday()) % 7)
    moment = datetime.combine(monday, at, tzinfo=JST)
    return moment if moment > local else moment + timedelta(days=7)


# --- running an action --------------------------------------------------------------------


class _NotMoved(Exception):
    """The action has nothing to do; ``key`` says why (a notification, not an error)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def start_demo_action(app: AcomApp, action_id: ActionId) -> None:
    """Run an action in an app worker: it must survive the screens it pops."""
    app.run_worker(
        run_demo_action(app, action_id),
        name=f"demo-{action_id}",
        group="demo-control",
        exclusive=True,
        exit_on_error=False,
    )


async def run_demo_action(app: AcomApp, action_id: ActionId) -> None:
    """Do ``action_id`` on the mock, make the screen follow, and say the new mock time."""
    from acom_tui import errors_ui
    from acom_tui.api.errors import ApiError

    backend = await app.wait_backend()
    admin = backend.admin
    if admin is None:
        app.notify(t("demo.unavailable"), severity="error")
        return
    try:
        if action_id == "reset":
            await admin.reset()
            await _after_reset(app)
            done = t("demo.done.reset")
            now = (await admin.clock()).now
        elif action_id in _STEPS:
            now = (await admin.advance_clock(_STEPS[action_id])).now
            done = t(f"demo.done.{action_id}")
        else:
            target, done = await _target(app, admin, action_id)
            now = (await admin.set_clock(target)).now
        log.info("demo: %s, mock clock now %s", action_id, now.isoformat())
        await _follow_clock(app, backend)
    except _NotMoved as reason:
        app.notify(t(reason.key, **reason.params), severity="warning", timeout=8)
        return
    except ApiError as error:
        app.notify(errors_ui.message_for(error), severity="error", timeout=10)
        return
    app.notify(
        t("demo.done", what=done, time=format_datetime(now, get_language())),
        title=t("demo.title"),
        timeout=8,
    )


async def _target(app: AcomApp, admin: AdminClient, action_id: ActionId) -> tuple[datetime, str]:
    """Where the clock goes for the due-date and maintenance moves, and what to say."""
    now = app.server_clock.now()
    if action_id == "maintenance":
        return next_maintenance_moment(now), t("demo.done.maintenance")
    if action_id == "maintenance_soon":
        moment = next_maintenance_moment(now, MAINTENANCE_SOON_TIME)
        return moment, t("demo.done.maintenance_soon")
    member, due = await _due_date(app, admin)
    if due is None:
        raise _NotMoved("demo.no_due_date", member=member)
    day = due if action_id == "next_due" else due + timedelta(days=1)
    target = due_moment(day)
    if target <= now:
        # The mock clock may go back, but ledgers and notices already written for later
        # days would then lie in the future: a demo only ever moves forward.
        key = "demo.already_due" if action_id == "next_due" else "demo.already_overdue"
        raise _NotMoved(key, member=member, day=format_datetime(target, get_language()))
    return target, t(f"demo.done.{action_id}", member=member)


async def _due_date(app: AcomApp, admin: AdminClient) -> tuple[str, date | None]:
    """The next due date of the member logged in, else of the roster's 10000001."""
    session = app.session
    if session is not None:
        account = await session.backend.client.account()
        member = session.member_number
    else:
        # Before login: the roster member's account through the admin API (a login would
        # need the PIN, which the presenter may have changed, and a wrong one counts).
        account = await admin.member_account(DEMO_MEMBER)
        member = DEMO_MEMBER
    if account.payoff_amount <= 0:
        return member, None
    return member, account.next_due_date


async def _after_reset(app: AcomApp) -> None:
    """The reset revoked every session and cleared every lock: back to a fresh login."""
    if app.session is not None:
        await app.end_session("demo.reason.reset")
        return
    # Screens about the old state (locked, rate limited...) no longer hold.
    while len(app.screen_stack) > 1:
        await app.pop_screen()
    app.login_screen.reset(t("demo.reason.reset"))


async def _follow_clock(app: AcomApp, backend: Backend) -> None:
    """Make the screen reflect the mock's new time now, not at the next heartbeat."""
    from acom_tui.screens.maintenance import MaintenanceScreen

    status = await backend.client.status()
    app.note_status(status)
    if status.maintenance_now:
        current = status.current_maintenance
        if app.session is not None:
            await app.end_session("login.reason.maintenance")
        if not any(isinstance(screen, MaintenanceScreen) for screen in app.screen_stack):
            await app.push_screen(MaintenanceScreen(current.ends_at if current else None))
    await app.beats.beat()


# --- the palette and the F12 menu ----------------------------------------------------------


class DemoCommands(Provider):
    """The demo actions in the command palette, each named "Demo: ..."."""

    def _commands(self) -> list[tuple[str, str, Callable[[], None]]]:
        app = cast("AcomApp", self.app)
        return [
            (
                t("demo.palette", label=action.label),
                action.help,
                partial(start_demo_action, app, action.id),
            )
            for action in DEMO_ACTIONS
        ]

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


def open_demo_menu(app: AcomApp) -> None:
    """F12: the menu, unless it is already open; the chosen action runs after it closes."""
    if isinstance(app.screen, DemoMenuScreen):
        return

    def chosen(action_id: ActionId | None) -> None:
        if action_id is not None:
            start_demo_action(app, action_id)

    app.push_screen(DemoMenuScreen(), chosen)
