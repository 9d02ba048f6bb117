"""``acom-tui --staff``: the support staff console, a small App of its own.

Staff log in (ID and password, never remembered), look a member up, act on the account
with a confirmation dialog and a reason, and read the audit log. The staff session has the
server's idle timeout (10 minutes): the console warns before it, like the member app, and
returns to the login screen saying why when it ends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType

from acom_tui.i18n import set_language, t
from acom_tui.keys import key_display, key_rows
from acom_tui.screens.too_small import SizeGuard
from acom_tui.session import LOGOUT_TIMEOUT_S, ServerClock, next_idle_change, system_now
from acom_tui.shell import BackendSlot, key_commands, start_up_painted
from acom_tui.staff import errors as staff_errors
from acom_tui.staff.screens.login import StaffLoginScreen
from acom_tui.staff.session import StaffBackend, StaffSession
from acom_tui.terminal import hangup_aware
from acom_tui.themes import DEFAULT_THEME, apply_theme
from acom_tui.widgets.cursor_rest import CursorRest
from acom_tui.widgets.heartbeat import Heartbeat, OnTheBeat

if TYPE_CHECKING:
    from pydantic import SecretStr
    from textual.command import Provider
    from textual.driver import Driver

    from acom_tui.config_file import StartSettings

__all__ = ["StaffApp", "StaffBackendSource", "run_console"]

log = logging.getLogger("acom_tui.staff.app")

StaffBackendSource = StaffBackend | Callable[[], StaffBackend]
"""A ready backend (tests), or a blocking function that opens one (run in a thread)."""


class StaffApp(App[int], inherit_bindings=False):
    """The staff console. ``backend`` is what it talks to; everything else has defaults."""

    # The login screen is the default screen, whose own CSS_PATH Textual does not read:
    # its rules are part of the app's stylesheet, as the member app does with its login.
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        "staff.tcss",
        # The NO_COLOR focus cues of the member app (a focused field, row or choice).
        "../focus.tcss",
        "screens/login.tcss",
    ]
    TITLE = "acom-tui staff"
    # The member app's palette: the screen's keys by what they do or by key name.
    COMMAND_PALETTE_BINDING = "f2"
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {key_commands}
    # The same key means the same in both apps: see keys.MEANINGS and docs/tui.md.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "keys.help", id="staff.help"),
        Binding(
            "f2,ctrl+p",
            "command_palette",
            "keys.palette",
            id="staff.command_palette",
            priority=True,
        ),
        Binding("f10,ctrl+q", "quit", "keys.quit", id="staff.quit", priority=True),
        Binding("ctrl+c", "help_quit", show=False, system=True, id="staff.help_quit"),
    ]

    def __init__(
        self,
        backend: StaffBackendSource,
        *,
        demo: bool = False,
        lang: str | None = None,
        theme: str | None = None,
        idle_warning_seconds: int = 60,
        keymap: Mapping[str, str] | None = None,
        animations: bool = True,
        after_first_paint: Callable[[App[int]], None] | None = None,
    ) -> None:
        if lang is not None:
            set_language(lang)
        super().__init__()
        self._demo = demo
        self._slot = BackendSlot(backend, StaffBackend)
        given = self._slot.backend
        self.server_clock = ServerClock(given.now if given is not None else system_now)
        self.session: StaffSession | None = None
        self.size_guard = SizeGuard(self)
        self.cursor_rest = CursorRest(self)
        # The clock is read through the app: a backend opened later replaces it.
        self.beats = Heartbeat(self, self.heartbeat, lambda: self.server_clock.now(), self._moments)
        self.idle_warning = timedelta(seconds=idle_warning_seconds)
        self._ending = False
        self._requested_theme = theme or DEFAULT_THEME
        self._keymap_setting = dict(keymap or {})
        self._after_first_paint_hook = after_first_paint
        self.title = t("staff.app.title")
        if not animations:
            self.animation_level = "none"

    # --- state ------------------------------------------------------------------------

    @property
    def is_demo(self) -> bool:
        backend = self._slot.backend
        return backend.demo if backend is not None else self._demo

    @property
    def login_screen(self) -> StaffLoginScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, StaffLoginScreen)
        return screen

    # --- start-up ---------------------------------------------------------------------

    def get_driver_class(self) -> type[Driver]:
        return hangup_aware(super().get_driver_class())

    async def on_event(self, event: events.Event) -> None:
        self.cursor_rest.seen(event)
        # Below the size the screens need, no key may act on what cannot be seen.
        if self.size_guard.admits(event):
            await super().on_event(event)

    def on_resize(self, event: events.Resize) -> None:
        self.size_guard.resized(event.size)

    def get_default_screen(self) -> StaffLoginScreen:
        # The login screen is the default screen, not a MODES entry: Textual puts a mode's
        # screen on its stack only after registering it, and with the eager task factory it
        # uses on Python 3.12+ the screen's inputs mount in between, with no screen on the
        # stack (ScreenStackError). The default screen goes on the stack first.
        return StaffLoginScreen()

    def on_mount(self) -> None:
        self._apply_theme(self._requested_theme)
        if self._keymap_setting:
            self.set_keymap(self._keymap_setting)
        self.size_guard.start()
        self.cursor_rest.start()
        self.beats.start()
        self.call_after_refresh(self._after_first_paint)

    def _after_first_paint(self) -> None:
        start_up_painted()
        if self._after_first_paint_hook is not None:
            self._after_first_paint_hook(self)
            return
        if self._slot.backend is None:
            self._open_backend()

    def _apply_theme(self, name: str) -> None:
        apply_theme(self, name)

    @work(thread=True, exclusive=True, group="backend", exit_on_error=False)
    def _open_backend(self) -> None:
        self._slot.build(self, self._backend_opened)

    def _backend_opened(self, backend: StaffBackend) -> None:
        self.server_clock = ServerClock(backend.now)

    async def wait_backend(self) -> StaffBackend:
        return await self._slot.wait()

    # --- the session ------------------------------------------------------------------

    async def login(self, staff_id: str, password: SecretStr) -> StaffSession:
        backend = await self.wait_backend()
        result = await backend.client.login(staff_id, password)
        self.session = StaffSession(backend, self.server_clock, result)
        self._ending = False
        log.info("staff %s logged in", result.staff_id)
        return self.session

    async def open_console(self) -> None:
        from acom_tui.staff.screens.member import MemberScreen

        await self.push_screen(MemberScreen())

    async def end_session(self, reason: str | None) -> None:
        """Log out, drop every screen above login (a one-time PIN dialog too), say why."""
        if self._ending:
            return
        self._ending = True
        try:
            session, self.session = self.session, None
            if session is not None:
                await session.end()
            while len(self.screen_stack) > 1:
                await self.pop_screen()
            self.login_screen.reset(reason)
            log.info("staff session ended")
        finally:
            self._ending = False

    async def heartbeat(self) -> None:
        """Tick countdowns, warn or log out when idle (tests call it); when due, as planned
        by the screen on top and :meth:`_moments` (``widgets/heartbeat.py``)."""
        if not self.screen_stack:
            return  # the app is closing: its screens are already gone
        screen = self.screen
        if isinstance(screen, OnTheBeat) and screen.is_mounted:
            screen.heartbeat()
        await self._check_session()

    def _moments(self, now: datetime) -> list[datetime | None]:
        """When the session will need the heartbeat: its idle warning or end."""
        session = self.session
        if session is None or self._ending:
            return []
        return [next_idle_change(session.expires_at, now, self.idle_warning)]

    async def _check_session(self) -> None:
        session = self.session
        if session is None or self._ending:
            return
        from acom_tui.staff.screens.idle import StaffIdleScreen

        phase, _remaining = session.phase(self.idle_warning)
        warning_shown = any(isinstance(s, StaffIdleScreen) for s in self.screen_stack)
        if phase == "expired":
            await self.end_session(t("staff.login.reason.idle"))
        elif phase == "warning" and not warning_shown:
            await self.push_screen(StaffIdleScreen(session))
        elif phase == "active" and isinstance(self.screen, StaffIdleScreen):
            self.screen.dismiss()

    # --- errors -----------------------------------------------------------------------

    def report_error(
        self,
        error: BaseException,
        *,
        inline: Callable[[str], None] | None = None,
        action: str | None = None,
    ) -> None:
        """Show ``error`` where the request was made, or end the session it killed."""
        if self.session is not None and staff_errors.ends_session(error):
            reason = staff_errors.session_end_reason(error)
            self.run_worker(self.end_session(reason), group="end-session")
            return
        message = staff_errors.message_for(error, action=action)
        if inline is not None:
            inline(message)
        else:
            self.notify(message, severity="error", timeout=10)

    # --- actions ----------------------------------------------------------------------

    async def action_logout(self) -> None:
        await self.end_session(t("staff.login.reason.logged_out"))

    async def action_quit(self) -> None:
        """Quit; a logged-in agent is logged out first, never waiting long for it."""
        await self.leave(0, wait=LOGOUT_TIMEOUT_S)

    async def leave(self, return_code: int, *, wait: float) -> None:
        """Log out, waiting at most ``wait`` seconds for the server, and exit (also when
        the terminal goes away: see ``acom_tui.terminal``)."""
        session, self.session = self.session, None
        if session is not None:
            await session.end(wait=wait)
        # Closed here, not only at unmount: a lost terminal exits without Textual's
        # teardown, and closing the client abandons a login still on its way.
        await self._slot.close()
        self.exit(return_code=return_code)

    def action_help(self) -> None:
        from acom_tui.staff.screens.help import StaffHelpScreen

        if not isinstance(self.screen, StaffHelpScreen):
            self.push_screen(StaffHelpScreen(key_rows(self, self.screen)))

    def action_command_palette(self) -> None:
        from acom_tui.palette import open_palette

        open_palette(self)

    def action_help_quit(self) -> None:
        # Textual's own hint is English and names Ctrl+Q only.
        self.notify(t("staff.quit_hint"))

    async def on_unmount(self) -> None:
        await self._slot.close()

    # --- keys -------------------------------------------------------------------------

    def get_key_display(self, binding: Binding) -> str:
        return key_display(binding, super().get_key_display(binding))


def _open_demo() -> StaffBackend:
    from acom_tui.logs import setup_logging
    from acom_tui.staff.session import open_staff_demo

    setup_logging()
    return open_staff_demo()


def _open_server(url: str, allow_insecure_http: bool) -> StaffBackend:
    from acom_tui.logs import setup_logging
    from acom_tui.staff.session import open_staff_server

    setup_logging()
    return open_staff_server(url, allow_insecure_http=allow_insecure_http)


def run_console(
    *,
    demo: bool,
    url: str | None,
    allow_insecure_http: bool,
    start: StartSettings,
    theme: str | None,
    after_first_paint: Callable[[App[int]], None] | None = None,
) -> int:
    """Run the console until the agent quits (``acom-tui --staff``); the exit status."""
    source: Callable[[], StaffBackend]
    if demo:
        source = _open_demo
    elif url is not None:
        server_url = url

        def source() -> StaffBackend:
            return _open_server(server_url, allow_insecure_http)

    else:
        raise ValueError("the staff console needs a server URL or the demo")

    app = StaffApp(
        source,
        demo=demo,
        theme=theme or start.theme,
        idle_warning_seconds=start.idle_warning_seconds,
        keymap=start.keymap,
        after_first_paint=after_first_paint,
    )
    app.run()
    return app.return_code or 0
