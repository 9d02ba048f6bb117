"""The app shell: help, services, the command palette, keymaps, failures of the network."""

from __future__ import annotations

import importlib
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from tui_support import exhaust_login_rate_limit, fill_login, make_app, settle, tick

from acom_tui.api.client import NO_RETRY, Client
from acom_tui.api.demo import Demo
from acom_tui.config import Settings
from acom_tui.i18n import set_language, t
from acom_tui.palette import palette_entries
from acom_tui.screens.dashboard import DashboardScreen
from acom_tui.screens.help import HelpScreen
from acom_tui.screens.login import LoginScreen
from acom_tui.screens.rate_limited import RateLimitedScreen
from acom_tui.screens.services import SERVICES
from acom_tui.screens.simulator import SimulatorScreen
from acom_tui.screens.unreachable import UnreachableScreen
from acom_tui.session import Backend
from acom_tui.widgets.countdown import Countdown
from acom_tui.widgets.prose import Prose


async def test_help_and_simulator_are_reachable_before_login(
    make_demo: Callable[[], Demo],
) -> None:
    app = make_app(make_demo(), lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        # Help starts with the keys of the login screen, then the topics.
        assert app.screen.topic == "keys"
        await pilot.press("down", "down")  # cannot log in, forgot PIN
        await settle(pilot)
        assert app.screen.topic == "forgot_pin"
        body = app.screen.query_one("#help-body", Prose).text
        assert "電話ではお伝えできません" in body
        assert (
            "ただいま受付中です（本日18:00まで）。"
            in app.screen.query_one("#help-desk", Prose).text
        )
        await pilot.press("down")  # next topic: locked
        await settle(pilot)
        assert app.screen.topic == "locked"
        await pilot.press("escape")
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, SimulatorScreen)
        assert app.screen.query_one("#sim-amount").has_focus


async def test_every_service_key_opens_its_screen(make_demo: Callable[[], Demo]) -> None:
    app = make_app(make_demo(), lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_login(pilot, "10000001")
        for item in SERVICES:
            module_name, _, class_name = item.screen.partition(":")
            expected = getattr(importlib.import_module(module_name), class_name)
            await pilot.press(item.key)
            await settle(pilot)
            assert isinstance(app.screen, expected), item.id
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, DashboardScreen), item.id


async def test_every_binding_is_in_the_command_palette(make_demo: Callable[[], Demo]) -> None:
    app = make_app(make_demo(), lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_login(pilot, "10000001")
        titles = {entry.title: entry.help for entry in palette_entries(app, app.screen)}
        for title in ("Borrow", "Repay", "Notices", "Log out", "Help", "Quit", "Refresh"):
            assert title in titles, title
        assert titles["Log out"] == "Key: F9"
        assert titles["Borrow"] == "Key: 1"
        assert "Change theme" in titles


async def test_user_keymap_rebinds_by_id(make_demo: Callable[[], Demo]) -> None:
    settings = Settings.model_validate({"keymap": {"app.help": "f12"}})
    app = make_app(make_demo(), lang="en", settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_rate_limit_shows_the_wait_and_ends_by_itself(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    await exhaust_login_rate_limit(demo)
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_login(pilot, "10000001")
        assert isinstance(app.screen, RateLimitedScreen)
        countdown = app.screen.query_one(Countdown)
        assert countdown.remaining_seconds == 3601
        assert "1時間1分ほどお待ちいただき" in app.screen.query_one("#notice-lead", Prose).text
        await demo.admin.advance_clock(3601)
        await tick(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.status_text == t("rate_limited.over")


async def test_unreachable_server_says_what_to_check() -> None:
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    client = Client("http://127.0.0.1:9", retry=NO_RETRY)
    app = make_app(Backend(client=client), lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_login(pilot, "10000001")
        assert isinstance(app.screen, UnreachableScreen)
        assert app.screen.problem == "CONNECTION"
        assert app.screen.query_one("#notice-body", Prose).text == "Server: http://127.0.0.1:9"
        await pilot.press("enter")  # retry: still nothing there
        await settle(pilot)
        assert isinstance(app.screen, UnreachableScreen)
        assert app.screen.query_one("#notice-lead", Prose).text == t("error.CONNECTION")


def test_starts_and_logs_in_without_a_keyring(tmp_path: Path) -> None:
    """With the fail backend (as over SSH) remembering degrades and says so once."""
    script = textwrap.dedent(
        """
        import asyncio, sys
        sys.path.insert(0, "tests/tui")
        from tui_support import FIXED_NOW, fill_login, make_app, settle
        from acom_tui.api.demo import open_demo
        from acom_tui.config import Settings
        from acom_tui.screens.dashboard import DashboardScreen

        async def main():
            demo = open_demo(None, now=FIXED_NOW, frozen=True)
            settings = Settings(remember_member_number=True)
            app = make_app(demo, lang="en", settings=settings)
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(pilot)
                note = app.screen.query_one("#remember-note")
                print("NOTE", note.text)
                print("BOX", app.screen.query_one("#remember").value)
                await fill_login(pilot, "10000001")
                await settle(pilot)
                print("SCREEN", type(app.screen).__name__)
                print("NOTIFY", [n.message for n in app._notifications])

        asyncio.run(main())
        """
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "ACOM_TUI_CONFIG": str(tmp_path / "config.toml"),
        "ACOM_TUI_DATA_DIR": str(tmp_path / "data"),
        "ACOM_TUI_LOG_DIR": str(tmp_path / "log"),
        "HOME": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    set_language("en")
    unavailable = t("login.remember.unavailable")
    lines = result.stdout.splitlines()
    assert lines == [
        f"NOTE {unavailable}",
        # The box is unticked: the number cannot be remembered here.
        "BOX False",
        "SCREEN DashboardScreen",
        # Said once, on the login screen; not again after the login.
        "NOTIFY []",
    ]
