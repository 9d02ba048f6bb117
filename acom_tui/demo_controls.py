"""Demo controls: move the mock clock and reset the roster, from the palette or with F12.

Installed only when the app runs on the embedded demo (``install_demo_controls``), which
carries the mock's admin handle (``Backend.admin``). A presenter can jump to a member's due
date, to the day after it (overdue), into the Monday maintenance, forward 15 minutes (idle
logout), an hour or a day, or put the roster back. After each move the app asks the server
for its status and runs its heartbeat at once, so the screen follows the new time: the
maintenance screen appears, an idle session ends, countdowns jump.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import TYPE_CHECKING, ClassVar, Final, Literal, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from acom_contract.jst import JST, to_jst
from acom_tui.dialogs.base import AcomModal
from acom_tui.formatting import format_datetime
from acom_tui.i18n import get_language, t
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from acom_tui.api.client import AdminClient
    from acom_tui.app import AcomApp
    from acom_tui.session import Backend

__all__ = [
    "DEMO_ACTIONS",
    "DEMO_MEMBER",
    "DEMO_MENU_KEY",
    "ActionId",
    "DemoAction",
    "DemoCommands",
    "DemoMenuScreen",
    "due_moment",
    "install_demo_controls",
    "next_maintenance_moment",
    "open_demo_menu",
    "run_demo_action",
    "start_demo_action",
]

log = logging.getLogger("acom_tui.demo")

ActionId = Literal["next_due", "overdue", "maintenance", "plus_15m", "plus_1h", "plus_1d", "reset"]

# F11 toggles full screen in many terminal emulators; F12 reaches the app in xterm,
# GNOME Terminal, Windows Terminal and tmux alike, and no member screen uses it.
DEMO_MENU_KEY: Final = "f12"
# Whose due date to use before anyone has logged in: the roster's everyday member.
DEMO_MEMBER: Final = "10000001"
# Mid-morning on a due date: the desk is open and no maintenance window is near.
DUE_TIME: Final = time(10, 0)
# Inside the weekly window (Monday 01:00-05:00 JST), with an hour of it behind.
MAINTENANCE_TIME: Final = time(2, 0)
MONDAY: Final = 0

_STEPS: Final[dict[str, timedelta]] = {
    "plus_15m": timedelta(minutes=15),
    "plus_1h": timedelta(hours=1),
    "plus_1d": timedelta(days=1),
}


@dataclass(frozen=True, slots=True)
class DemoAction:
    id: ActionId

    @property
    def label(self) -> str:
        return t(f"demo.action.{self.id}")

    @property
    def help(self) -> str:
        return t(f"demo.help.{self.id}")


DEMO_ACTIONS: Final[tuple[DemoAction, ...]] = tuple(
    DemoAction(action_id)
    for action_id in (
        "next_due",
        "overdue",
        "maintenance",
        "plus_15m",
        "plus_1h",
        "plus_1d",
        "reset",
    )
)


# --- where the clock goes (pure) --------------------------------------------------------------


def due_moment(due: date) -> datetime:
    """The moment a move "to the due date" lands on: that day at 10:00 JST."""
    return datetime.combine(due, DUE_TIME, tzinfo=JST)


def next_maintenance_moment(now: datetime) -> datetime:
    """The first Monday 02:00 JST after ``now``: today's on a Monday morning before 02:00."""
    local = to_jst(now)
    monday = local.date() + timedelta(days=(MONDAY - local.weekday()) % 7)
    moment = datetime.combine(monday, MAINTENANCE_TIME, tzinfo=JST)
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
    await app.heartbeat()


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


class DemoMenuScreen(AcomModal[ActionId | None]):
    """A small list of the demo actions; Enter runs one, Esc closes."""

    DEFAULT_CSS = """
    DemoMenuScreen { align: center middle; }
    DemoMenuScreen > #demo-dialog {
        width: 64;
        height: auto;
        padding: 0 1;
        background: $panel;
        border: ascii $accent;
    }
    DemoMenuScreen #demo-title { text-style: bold; }
    DemoMenuScreen #demo-clock { color: $text-muted; margin-bottom: 1; }
    DemoMenuScreen #demo-actions { height: auto; border: none; background: $panel; }
    DemoMenuScreen #demo-help { color: $text-muted; height: auto; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "common.close", id="demo.close"),
    ]

    def compose(self) -> ComposeResult:
        lang = get_language()
        with Vertical(id="demo-dialog"):
            yield Label(t("demo.menu.title"), id="demo-title", markup=False)
            now = format_datetime(self.acom.server_clock.now(), lang)
            yield Label(t("demo.menu.clock", time=now), id="demo-clock", markup=False)
            yield OptionList(
                *(Option(action.label, id=action.id) for action in DEMO_ACTIONS),
                id="demo-actions",
                compact=True,
            )
            yield Prose(DEMO_ACTIONS[0].help, id="demo-help")

    def on_mount(self) -> None:
        self.query_one("#demo-actions").focus()

    @on(OptionList.OptionHighlighted, "#demo-actions")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        action = _action(event.option.id)
        if action is not None:
            self.query_one("#demo-help", Prose).update(action.help)

    @on(OptionList.OptionSelected, "#demo-actions")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        action = _action(event.option.id)
        self.dismiss(action.id if action is not None else None)

    def action_close(self) -> None:
        self.dismiss(None)


def _action(action_id: str | None) -> DemoAction | None:
    return next((action for action in DEMO_ACTIONS if action.id == action_id), None)


def open_demo_menu(app: AcomApp) -> None:
    """F12: the menu, unless it is already open; the chosen action runs after it closes."""
    if isinstance(app.screen, DemoMenuScreen):
        return

    def chosen(action_id: ActionId | None) -> None:
        if action_id is not None:
            start_demo_action(app, action_id)

    app.push_screen(DemoMenuScreen(), chosen)


def install_demo_controls(app: AcomApp) -> None:
    """Add the demo provider to this app's palette and F12 to its keys (demo only)."""
    # COMMANDS is a class variable: this instance alone gets the provider, so an app on a
    # real server, even in the same process (tests), never shows the demo commands.
    app.COMMANDS = {*type(app).COMMANDS, DemoCommands}  # type: ignore[misc]
    binding = Binding(DEMO_MENU_KEY, "demo_menu", t("demo.keys.menu"), id="demo.menu", show=False)
    # The app's bindings were built from its class; the per-instance copy takes one more
    # (the same copy ``screens.base.localize_bindings`` rewrites).
    app._bindings.key_to_bindings.setdefault(DEMO_MENU_KEY, []).append(binding)
