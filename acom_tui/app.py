"""The Textual app: screens, global keys, the session and its idle logout, the theme.

Start-up is a feature: this module imports Textual and our light modules only. The
backend (httpx, and for ``--demo`` FastAPI, SQLite and the roster) is opened in a thread
worker after the login screen has been painted; a login submitted before that simply
waits for it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.signal import Signal

from acom_tui.config_file import ConfigError, StartSettings
from acom_tui.i18n import set_language, t
from acom_tui.keys import key_display
from acom_tui.screens.base import AcomScreen, preload_screen_css
from acom_tui.screens.login import LoginScreen
from acom_tui.screens.too_small import SizeGuard
from acom_tui.session import (
    LOGOUT_TIMEOUT_S,
    Backend,
    ServerClock,
    Session,
    next_idle_change,
    system_now,
)
from acom_tui.shell import BackendSlot, demo_commands, key_commands, start_up_painted
from acom_tui.terminal import hangup_aware
from acom_tui.themes import DEFAULT_THEME, apply_theme
from acom_tui.widgets.cursor_rest import CursorRest
from acom_tui.widgets.heartbeat import Heartbeat, OnTheBeat

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.driver import Driver

    from acom_contract.schemas import MaintenanceWindow, Status
    from acom_tui.config import Settings
    from acom_tui.credentials import CredentialStore
    from acom_tui.signals import AccountChanged

__all__ = ["DEFAULT_THEME", "AcomApp", "BackendSource"]

log = logging.getLogger("acom_tui.app")

# How long a screen's first fetch may hold the screen back before it is shown anyway (and
# fills in when the answer comes): long enough for a near server, short enough to feel
# immediate.
PREFETCH_WAIT_S = 0.3

BackendSource = Backend | Callable[[], Backend]
"""A ready backend (tests), or a blocking function that opens one (run in a thread)."""


class AcomApp(App[int], inherit_bindings=False):
    """The member portal. ``backend`` is what it talks to; everything else has defaults.

    ``demo`` says, before a backend factory has run, that it opens the embedded demo (the
    login screen shows the demo banner from its first paint).
    """

    # The login screen's stylesheet is the app's: read with it in the first parse. As a
    # screen's CSS_PATH it would be read when the screen is first shown, each time parsing
    # the whole stylesheet again (twice before the first paint, about 15 ms).
    CSS_PATH: ClassVar[list[str | PurePath]] = ["app.tcss", "focus.tcss", "screens/login.tcss"]
    TITLE = "acom-tui"
    # The key bar shows this key for the palette; F2 works where tmux or an IDE eats Ctrl+P.
    COMMAND_PALETTE_BINDING = "f2"
    # Our provider: the screen's keys, found by description or key, in the UI's language.
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {key_commands}
    # One meaning per key in both apps: see keys.MEANINGS and the table in docs/tui.md.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "keys.help", id="app.help"),
        Binding(
            "f2,ctrl+p", "command_palette", "keys.palette", id="app.command_palette", priority=True
        ),
        Binding("f10,ctrl+q", "quit", "keys.quit", id="app.quit", priority=True),
        # The mock's controls: enabled only on the embedded demo (check_action).
        Binding("f12", "demo_menu", "demo.keys.menu", id="demo.menu", show=False),
        # Textual's own: Ctrl+C copies in an input, and elsewhere says how to quit.
        Binding("ctrl+c", "help_quit", show=False, system=True, id="app.help_quit"),
    ]

    def __init__(
        self,
        backend: BackendSource,
        *,
        demo: bool = False,
        settings: Settings | None = None,
        lang: str | None = None,
        theme: str | None = None,
        idle_warning_seconds: int | None = None,
        animations: bool = True,
        after_first_paint: Callable[[App[int]], None] | None = None,
        credentials: CredentialStore | None = None,
        start: StartSettings | None = None,
        settings_later: Callable[[], Settings | None] | None = None,
    ) -> None:
        if lang is not None:
            set_language(lang)
        super().__init__()
        self._demo = demo
        self._slot = BackendSlot(backend, Backend)
        given = self._slot.backend
        self.server_clock = ServerClock(given.now if given is not None else system_now)
        # The settings (None: no config file). With ``settings_later`` (a config text
        # accepted before, acom_tui.config_file) they are built after the first paint, and
        # the start uses ``start``, the few values the first screen needs.
        self.settings = settings
        self._settings_later = settings_later
        if start is None:
            start = StartSettings.of(settings) if settings is not None else StartSettings()
        self.start_settings = start
        self.session: Session | None = None
        self.next_maintenance: MaintenanceWindow | None = None
        self._ending = False
        self._after_first_paint_hook = after_first_paint
        self.size_guard = SizeGuard(self)
        self.cursor_rest = CursorRest(self)
        # The clock is read through the app: a backend opened later replaces it.
        self.beats = Heartbeat(self, self.heartbeat, lambda: self.server_clock.now(), self._moments)
        self._credentials = credentials
        self.remembered_member_number: str | None = None
        # Logged in with a one-time PIN from the support desk: the PIN change comes first.
        self.pin_change_required = False
        # Published by the screen that changed the account; the screens that show it
        # subscribe, so neither searches the screen stack for the other.
        self.account_changed: Signal[AccountChanged] = Signal(self, "account_changed")

        warning = idle_warning_seconds
        if warning is None:
            warning = start.idle_warning_seconds
        self.idle_warning = timedelta(seconds=warning)
        self.title = t("app.title")
        self.sub_title = t("app.demo_badge") if self.is_demo else ""
        if not animations:
            # Snapshots and slow SSH links: no cursor blink, no smooth scrolling.
            self.animation_level = "none"
        self._requested_theme = theme or start.theme
        self._keymap_setting: Mapping[str, str] = start.keymap
        if self.is_demo:
            # The mock's controls (clock, roster) exist only where there is a mock. COMMANDS
            # is a class variable: this instance alone gets the demo provider, so an app on
            # a real server, even in the same process (tests), never shows the demo
            # commands. F12 is bound in every app and enabled on a demo only (check_action).
            self.COMMANDS = {*type(self).COMMANDS, demo_commands}  # type: ignore[misc]

    # --- state ------------------------------------------------------------------------

    @property
    def is_demo(self) -> bool:
        backend = self._slot.backend
        return backend.demo if backend is not None else self._demo

    @property
    def backend(self) -> Backend | None:
        """The backend once opened (None while it is still starting)."""
        return self._slot.backend

    @property
    def login_screen(self) -> LoginScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, LoginScreen)
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

    def get_default_screen(self) -> Screen[Any]:
        return LoginScreen()

    def on_mount(self) -> None:
        self._apply_theme(self._requested_theme)
        if self._keymap_setting:
            self.set_keymap(dict(self._keymap_setting))
        self.size_guard.start()
        self.cursor_rest.start()
        self.beats.start()
        self.call_after_refresh(self._after_first_paint)

    def _apply_theme(self, name: str) -> None:
        apply_theme(self, name)

    def _after_first_paint(self) -> None:
        start_up_painted()
        if self._after_first_paint_hook is not None:
            self._after_first_paint_hook(self)
            return
        if self._settings_later is not None and self.settings is None:
            try:
                self.settings = self._settings_later()
            except ConfigError as exc:
                # The text was accepted by an earlier version of the rules only.
                self.exit(return_code=2, message=t("cli.config_error", error=exc))
                return
        if self._slot.backend is None:
            self._open_backend()
        self.call_after_refresh(preload_screen_css, self)
        if self.settings is not None and self.settings.remember_member_number:
            self._load_remembered()

    @work(thread=True, exclusive=True, group="backend", exit_on_error=False)
    def _open_backend(self) -> None:
        self._slot.build(self, self._backend_opened)

    def _backend_opened(self, backend: Backend) -> None:
        self.server_clock = ServerClock(backend.now)
        self.sub_title = t("app.demo_badge") if backend.demo else ""

    async def wait_backend(self) -> Backend:
        return await self._slot.wait()

    @property
    def credentials(self) -> CredentialStore:
        if self._credentials is None:
            from acom_tui.credentials import CredentialStore

            self._credentials = CredentialStore()
        return self._credentials

    @work(thread=True, group="keyring", exit_on_error=False)
    def _load_remembered(self) -> None:
        result = self.credentials.load()
        self.call_from_thread(self.login_screen.remembered, result)

    @work(thread=True, group="keyring", exit_on_error=False)
    def save_remember_choice(self, member_number: str, remember: bool) -> None:
        """Store or forget the member number, and the choice, off the UI thread."""
        was = self.settings.remember_member_number if self.settings else False
        if remember:
            result = self.credentials.remember(member_number)
        elif was:
            result = self.credentials.forget()
        else:
            result = None
        if result is not None and result.available and remember:
            self.remembered_member_number = member_number
        elif not remember:
            self.remembered_member_number = None
        if result is not None and result.report:
            self.call_from_thread(
                self.notify, t("login.remember.unavailable"), severity="warning", timeout=8
            )
        if remember != was:
            from acom_tui.config import ConfigError, Settings, save_preferences

            # Without a config file the app started on defaults; the choice creates one.
            base = self.settings if self.settings is not None else Settings()
            updated = base.model_copy(update={"remember_member_number": remember})
            try:
                save_preferences(updated)
            except (ConfigError, OSError) as exc:
                log.warning("could not save the remember choice: %s", exc)
            else:
                self.settings = updated

    # --- the session ------------------------------------------------------------------

    async def login(self, member_number: str, pin: str) -> Session:
        backend = await self.wait_backend()
        result = await backend.client.login(member_number, pin)
        self.session = Session(backend, self.server_clock, result)
        self.pin_change_required = result.pin_change_required
        self._ending = False
        log.info("logged in")
        return self.session

    def note_status(self, status: Status) -> None:
        """Learn the server's time and the next maintenance from ``GET /v1/status``."""
        self.server_clock.observe(status.server_time)
        self.next_maintenance = status.next_maintenance
        self.beats.plan()

    async def open_dashboard(self) -> None:
        """The dashboard, or first the forced PIN change after a one-time PIN."""
        if self.pin_change_required:
            from acom_tui.screens.pin_change import PinChangeScreen

            await self.push_screen(PinChangeScreen(forced=True))
            return
        from acom_tui.screens.dashboard import DashboardScreen

        await self.open_screen(DashboardScreen())

    async def open_screen(self, screen: Screen[Any]) -> None:
        """Push ``screen`` once what it shows first has arrived (or after a short wait).

        Keys pressed meanwhile wait in the queue and go to the new screen, as they would
        had it opened at once.
        """
        if isinstance(screen, AcomScreen):
            await screen.prefetch(PREFETCH_WAIT_S)
        await self.push_screen(screen)

    async def end_session(self, reason_key: str | None) -> None:
        """Log out (revoke the token), drop every screen above login, say why there."""
        if self._ending:
            return
        self._ending = True
        try:
            session, self.session = self.session, None
            if session is not None:
                await session.end()
            while len(self.screen_stack) > 1:
                await self.pop_screen()
            self.login_screen.reset(t(reason_key) if reason_key else None)
            log.info("session ended (%s)", reason_key or "no reason shown")
        finally:
            self._ending = False

    async def heartbeat(self) -> None:
        """Tick the visible countdowns, warn or log out when idle, leave for maintenance.

        Runs when the screen on top or :meth:`_moments` says something is due
        (``widgets/heartbeat.py``).

        Tests move the mock clock and call this directly instead of waiting.
        """
        if not self.screen_stack:
            return  # the app is closing: its screens are already gone
        screen = self.screen
        # A screen just pushed may be mounted before its widgets are: that tick is skipped,
        # the next one (a second later) finds them.
        if isinstance(screen, OnTheBeat) and screen.is_mounted:
            with contextlib.suppress(NoMatches):
                screen.heartbeat()
        await self._check_session()

    def _moments(self, now: datetime) -> list[datetime | None]:
        """When the session will need the heartbeat: its idle warning or end, maintenance."""
        session = self.session
        if session is None or self._ending:
            return []
        upcoming = self.next_maintenance
        return [
            next_idle_change(session.expires_at, now, self.idle_warning),
            upcoming.starts_at if upcoming else None,
        ]

    async def _check_session(self) -> None:
        session = self.session
        if session is None or self._ending:
            return
        upcoming = self.next_maintenance
        if upcoming is not None and upcoming.starts_at <= self.server_clock.now():
            # The server revokes every session at the start; leave before it says so.
            await self.end_session("login.reason.maintenance")
            self._show_maintenance(upcoming.ends_at)
            return
        phase, _remaining = session.phase(self.idle_warning)
        from acom_tui.dialogs.idle_warning import IdleWarningScreen

        warning_shown = any(isinstance(s, IdleWarningScreen) for s in self.screen_stack)
        if phase == "expired":
            await self.end_session("login.reason.idle")
        elif phase == "warning" and not warning_shown:
            await self.push_screen(IdleWarningScreen(session))
        elif phase == "active" and isinstance(self.screen, IdleWarningScreen):
            # Renewed by another request (the member kept using a screen).
            self.screen.dismiss()

    def _show_maintenance(self, ends_at: Any) -> None:
        from acom_tui.screens.maintenance import MaintenanceScreen

        self.push_screen(MaintenanceScreen(ends_at))

    # --- errors -----------------------------------------------------------------------

    def report_error(
        self, error: BaseException, *, inline: Callable[[str], None] | None = None
    ) -> None:
        """Show ``error`` the one way errors are shown (see ``errors_ui``)."""
        from acom_tui import error_screens, errors_ui

        message = errors_ui.message_for(error)
        logged_in = self.session is not None
        if logged_in and errors_ui.ends_session(error):
            self.run_worker(self._end_after(error), group="end-session")
            return
        if inline is not None:
            inline(message)
        if errors_ui.wants_screen(error, logged_in=logged_in):
            screen = error_screens.screen_for(
                error, now=self.server_clock.now, server_url=self._server_url()
            )
            if screen is not None:
                self.push_screen(screen)
                return
        if inline is None:
            self.notify(message, severity="error", timeout=10)

    async def _end_after(self, error: BaseException) -> None:
        from acom_tui.api import errors

        reason = "error.SESSION_EXPIRED"
        if isinstance(error, errors.SessionExpired):
            reason = {
                "idle_timeout": "login.reason.idle",
                "maintenance": "login.reason.maintenance",
            }.get(str(error.details.get("reason")), reason)
        elif isinstance(error, errors.Maintenance):
            reason = "login.reason.maintenance"
        elif not isinstance(error, errors.Unauthenticated):
            reason = "login.reason.account_changed"
        await self.end_session(reason)
        from acom_tui import error_screens

        screen = error_screens.screen_for(error, now=self.server_clock.now)
        if screen is not None:
            await self.push_screen(screen)

    def _server_url(self) -> str | None:
        backend = self._slot.backend
        if backend is None or backend.demo:
            return None
        return backend.client.base_url

    # --- actions ----------------------------------------------------------------------

    def action_help(self, topic: str | None = None) -> None:
        from acom_tui.keys import key_rows
        from acom_tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        # Help starts with the keys of the screen it was opened from.
        self.push_screen(HelpScreen(topic, keys=key_rows(self, self.screen)))

    def action_simulator(self) -> None:
        from acom_tui.screens.simulator import SimulatorScreen

        if not isinstance(self.screen, SimulatorScreen):
            self.push_screen(SimulatorScreen())

    def action_demo_menu(self) -> None:
        """F12 in the demo: the mock's controls (installed by ``demo_controls``)."""
        from acom_tui.demo_controls import open_demo_menu

        open_demo_menu(self)

    async def action_logout(self) -> None:
        await self.end_session("login.reason.logged_out")

    async def action_quit(self) -> None:
        """Quit; a logged-in member is logged out first, never waiting long for it."""
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

    async def on_unmount(self) -> None:
        await self._slot.close()

    # --- keys -------------------------------------------------------------------------

    def get_key_display(self, binding: Binding) -> str:
        return key_display(binding, super().get_key_display(binding))

    # --- command palette --------------------------------------------------------------

    def action_command_palette(self) -> None:
        from acom_tui.palette import open_palette

        open_palette(self)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "demo_menu":
            return self.is_demo
        return True
