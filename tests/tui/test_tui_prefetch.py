"""Screens open with their data: the first fetch before the push, the slow-server fallback,
the delayed busy indicator, and every screen's stylesheet read once before login."""

from __future__ import annotations

import asyncio
import importlib
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Input, Label

from acom_contract.schemas import FaultSettings
from acom_tui.api.demo import Demo
from acom_tui.app import PREFETCH_WAIT_S
from acom_tui.formatting import format_rate
from acom_tui.screens.base import SCREEN_CSS_DIR
from acom_tui.screens.dashboard import HISTORY_POINTS, DashboardScreen, balance_history
from acom_tui.screens.documents import DocumentsScreen
from acom_tui.screens.notices import NoticesScreen
from acom_tui.screens.statements import StatementsScreen
from acom_tui.widgets.busy import BUSY_INDICATOR_AFTER_S, busy
from acom_tui.widgets.figures import Figures
from acom_tui.widgets.sparkline import BalanceHistory
from tests.tui.tui_support import PIN, recorded_backend, running, settle, until

# Long enough that the screen is surely shown (after 0.3 s) while the answer is still on its
# way, even on a loaded machine.
SLOW_MS = 2000


def shown(app: App[Any], screen_class: type[Any]) -> bool:
    """``screen_class`` is on top and mounted: its widgets can be queried (on the stack
    alone, a screen may not have composed yet on a loaded machine)."""
    return isinstance(app.screen, screen_class) and app.screen.is_mounted


def press_enter_in_pin(pilot: Pilot[Any], member_number: str) -> None:
    screen = pilot.app.screen
    screen.query_one("#member-number", Input).value = member_number
    pin = screen.query_one("#pin", Input)
    pin.value = PIN
    pin.focus()


# --- the first fetch --------------------------------------------------------------------------


async def test_the_dashboard_uses_the_answers_fetched_before_it_opened(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, transport = recorded_backend(demo)
    async with running(backend, lang="ja", member="10000001") as pilot:
        app = pilot.app
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert screen.account is not None
        # Fetched once, before the push; the screen did not fetch again when it mounted.
        assert transport.paths("GET").count("/v1/me/account") == 1
        assert transport.paths("GET").count("/v1/me/statements") == 2  # loans, repayments
        assert screen.query_one(Figures).value("principal") == "120,000円"
    await demo.aclose()


async def test_the_statements_screen_uses_the_answers_fetched_before_it_opened(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, transport = recorded_backend(demo)
    async with running(backend, lang="ja", member="10000010") as pilot:
        app = pilot.app
        before = len(transport.paths("GET"))
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatementsScreen)
        assert screen.table.row_count == 100
        assert screen.has_credit_card  # the card tab came with the first answers
        assert screen.query("#kind-card")
        assert sorted(transport.paths("GET")[before:]) == [
            "/v1/me/account",
            "/v1/me/electronic-delivery",
            "/v1/me/statements",
        ]
    await demo.aclose()


async def test_a_slow_server_does_not_hold_the_dashboard_back(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    async with running(demo, lang="ja") as pilot:
        app = pilot.app
        press_enter_in_pin(pilot, "10000001")
        await demo.admin.set_faults(FaultSettings(latency_ms=SLOW_MS))
        await pilot.press("enter")
        # Login (slow), then the dashboard's first fetch (slow): after the short wait the
        # dashboard is shown without its figures, busy, and fills in when they come.
        await until(pilot, lambda: shown(app, DashboardScreen))
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert screen.account is None
        await until(pilot, lambda: screen.query_one("#dash-left").loading)
        await demo.admin.set_faults(FaultSettings())
        await until(pilot, lambda: screen.account is not None)
        await settle(pilot)
        assert not screen.query_one("#dash-left").loading
        assert screen.account is not None and screen.account.member_number == "10000001"
    await demo.aclose()


async def test_a_slow_server_does_not_hold_the_statements_back(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    async with running(demo, lang="ja", member="10000010") as pilot:
        app = pilot.app
        await demo.admin.set_faults(FaultSettings(latency_ms=SLOW_MS))
        await pilot.press("3")
        await until(pilot, lambda: shown(app, StatementsScreen))
        screen = app.screen
        assert isinstance(screen, StatementsScreen)
        assert screen.table.row_count == 0
        await until(pilot, lambda: screen.table.loading)
        await until(pilot, lambda: screen.table.row_count == 100)
        await demo.admin.set_faults(FaultSettings())
        await settle(pilot)
        assert not screen.table.loading
        assert screen.has_credit_card
    await demo.aclose()


async def test_a_second_enter_while_logging_in_does_not_log_in_twice(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, transport = recorded_backend(demo)
    async with running(backend, lang="ja") as pilot:
        app = pilot.app
        press_enter_in_pin(pilot, "10000001")
        await demo.admin.set_faults(FaultSettings(latency_ms=300))
        await pilot.press("enter")
        await pilot.pause(0.05)
        app.screen.query_one("#pin", Input).value = PIN
        await pilot.press("enter")
        await until(pilot, lambda: shown(app, DashboardScreen))
        await demo.admin.set_faults(FaultSettings())
        await settle(pilot)
        assert transport.paths("POST").count("/v1/sessions") == 1
    await demo.aclose()


def test_the_wait_for_a_first_fetch_is_short() -> None:
    # Long enough for a near server, short enough that a slow one still feels immediate.
    assert BUSY_INDICATOR_AFTER_S < PREFETCH_WAIT_S <= 0.5


# --- the busy indicator -------------------------------------------------------------------------


class BusyApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("waiting", id="target")


async def test_a_quick_wait_never_shows_the_busy_indicator() -> None:
    """A wait shorter than ``after`` shows nothing, and the indicator's timer ends with it.

    ``after`` is long here so that the wait stays shorter than it on a loaded machine
    (CI's 2 cores running the suite on both): with the default 0.15 s, five 10 ms sleeps
    once took longer, and the indicator rightly came.
    """
    after = 1.5
    seen: list[bool] = []
    app = BusyApp()
    async with app.run_test() as pilot:
        loop = asyncio.get_running_loop()
        target = app.query_one("#target")
        started = loop.time()
        with busy(target, after=after):
            for _ in range(5):
                await asyncio.sleep(0.01)
                seen.append(target.loading)
        assert loop.time() - started < after, "the quick wait was not quick"
        await pilot.pause(after + 0.5)  # past the moment the indicator would have come
        seen.append(target.loading)
    assert seen == [False] * 6


async def test_a_long_wait_shows_the_busy_indicator_until_it_ends() -> None:
    app = BusyApp()
    async with app.run_test() as pilot:
        target = app.query_one("#target")
        with busy(target):
            # A long wait: the indicator comes (its timer may run late on a loaded machine).
            await until(pilot, lambda: target.loading)
            during = target.loading
        after = target.loading
    assert during is True
    assert after is False


# --- stylesheets --------------------------------------------------------------------------------


async def test_every_screen_stylesheet_is_read_before_the_first_screen_is_opened(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    async with running(demo, lang="ja") as pilot:
        app = pilot.app
        files = sorted(SCREEN_CSS_DIR.glob("*.tcss"))
        assert len(files) > 5
        missing = [f.name for f in files if not app.stylesheet.has_source(str(f.resolve()), "")]
        assert missing == []
    await demo.aclose()


_SELECTOR = re.compile(r"^([^\s{}/][^{]*)\{", re.M)
_NAME = re.compile(r"[#.][\w-]+")
_STATE_CLASSES = {".-error", ".-note", ".-hidden", ".-empty", ".-chosen", ".-alert"}


def unscoped_names(text: str) -> set[str]:
    """Ids and classes that a rule matches anywhere in the app (not under a screen type)."""
    names: set[str] = set()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    for match in _SELECTOR.finditer(text):
        for selector in match.group(1).split(","):
            first = selector.strip().split()[0] if selector.strip() else ""
            if first[:1].isupper():
                continue  # scoped: "LoginScreen .field-message"
            names.update(n for n in _NAME.findall(selector) if n not in _STATE_CLASSES)
    return names


def test_no_two_screen_stylesheets_style_the_same_id_or_class_unscoped() -> None:
    # Every screen's stylesheet is in force on every screen (they are all read at start):
    # a name styled unscoped in two files would make one screen look like another's rules.
    owners: dict[str, list[str]] = defaultdict(list)
    for path in sorted(Path(SCREEN_CSS_DIR).glob("*.tcss")):
        for name in unscoped_names(path.read_text(encoding="utf-8")):
            owners[name].append(path.name)
    clashes = {name: files for name, files in owners.items() if len(files) > 1}
    assert clashes == {}


def test_the_clash_check_sees_an_unscoped_rule_and_ignores_a_scoped_one() -> None:
    assert unscoped_names(".field-message { color: red; }\n#a, #b { }") == {
        ".field-message",
        "#a",
        "#b",
    }
    assert unscoped_names("LoginScreen .field-message { }\n.x.-error { }") == {".x"}


async def test_the_balance_history_of_a_card_user_is_drawn_from_loans_and_repayments(
    make_demo: Callable[[], Demo],
) -> None:
    # 10000010's latest 80 statements are nearly all card use, which carries no balance:
    # the history asks for the loans and the repayments themselves.
    demo = make_demo()
    async with running(demo, lang="ja", member="10000010") as pilot:
        app = pilot.app
        shown = app.screen.query_one(BalanceHistory).values
    reader = demo.new_client()
    await reader.login("10000010", PIN)
    loans = await reader.statements(kind="loan", limit=HISTORY_POINTS)
    repayments = await reader.statements(kind="repayment", limit=HISTORY_POINTS)
    mixed = await reader.statements(limit=HISTORY_POINTS * 2)
    await reader.aclose()
    assert shown == balance_history([*loans.items, *repayments.items])
    assert len(shown) == HISTORY_POINTS
    assert len(balance_history(mixed.items)) < HISTORY_POINTS // 2  # what it was drawn from
    await demo.aclose()


async def test_notices_and_documents_open_with_their_lists(
    make_demo: Callable[[], Demo], monkeypatch: pytest.MonkeyPatch
) -> None:
    # What each screen holds when its mount ends, before its first layout.
    at_mount: dict[str, int] = {}
    notices_mount = NoticesScreen.on_mount
    documents_mount = DocumentsScreen.on_mount

    def notices_mounted(screen: NoticesScreen) -> None:
        notices_mount(screen)
        at_mount["notices"] = screen.table.row_count

    def documents_mounted(screen: DocumentsScreen) -> None:
        documents_mount(screen)
        at_mount["documents"] = len(screen.documents) if screen._loaded_at else -1

    monkeypatch.setattr(NoticesScreen, "on_mount", notices_mounted)
    monkeypatch.setattr(DocumentsScreen, "on_mount", documents_mounted)
    demo = make_demo()
    backend, transport = recorded_backend(demo)
    async with running(backend, lang="ja", member="10000001") as pilot:
        app = pilot.app
        notices_before = transport.paths("GET").count("/v1/me/notices")
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NoticesScreen)
        assert screen.table.row_count == len(screen.notices) > 0
        assert transport.paths("GET").count("/v1/me/notices") == notices_before + 1
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        documents = app.screen
        assert isinstance(documents, DocumentsScreen)
        assert transport.paths("GET").count("/v1/me/documents") == 1
        assert at_mount["notices"] == len(screen.notices)
        assert at_mount["documents"] == len(documents.documents)  # loaded, even if none
        # F5 fetches afresh.
        await pilot.press("f5")
        await settle(pilot)
        assert transport.paths("GET").count("/v1/me/documents") == 2
    await demo.aclose()


async def test_the_forms_open_filled_in(
    make_demo: Callable[[], Demo], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Registered details, the limit request and the e-mail settings, filled at mount."""
    from acom_tui.screens.limit_increase import LimitIncreaseScreen
    from acom_tui.screens.notification_settings import NotificationSettingsScreen
    from acom_tui.screens.profile import ProfileScreen

    filled: dict[str, bool] = {}

    def record(cls: Any, name: str, attribute: str) -> None:
        mount = cls.on_mount

        def mounted(screen: Any) -> None:
            mount(screen)
            filled[name] = getattr(screen, attribute) is not None

        monkeypatch.setattr(cls, "on_mount", mounted)

    record(ProfileScreen, "profile", "profile")
    record(LimitIncreaseScreen, "limit", "eligibility")
    record(NotificationSettingsScreen, "mail", "saved")
    demo = make_demo()
    async with running(demo, lang="ja", member="10000001") as pilot:
        for keys in (("5", "1"), ("escape", "3"), ("escape", "escape", "4", "f4")):
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
        assert isinstance(pilot.app.screen, NotificationSettingsScreen)
    assert filled == {"profile": True, "limit": True, "mail": True}
    await demo.aclose()


@pytest.mark.parametrize(
    ("keys", "screen_path", "body", "filled"),
    [
        (("5", "1"), "acom_tui.screens.profile:ProfileScreen", "#profile-body", "profile"),
        (("1",), "acom_tui.screens.borrow:BorrowScreen", "#borrow-body", "account"),
    ],
    ids=["registered-details", "borrowing"],
)
async def test_a_slow_form_refuses_typing_until_it_is_filled(
    make_demo: Callable[[], Demo], keys: tuple[str, ...], screen_path: str, body: str, filled: str
) -> None:
    module, name = screen_path.split(":")
    screen_class = getattr(importlib.import_module(module), name)
    demo = make_demo()
    async with running(demo, lang="ja", member="10000001") as pilot:
        app = pilot.app
        for key in keys[:-1]:
            await pilot.press(key)
            await settle(pilot)
        await demo.admin.set_faults(FaultSettings(latency_ms=SLOW_MS))
        await pilot.press(keys[-1])
        await until(pilot, lambda: shown(app, screen_class))
        screen = app.screen
        assert getattr(screen, filled) is None
        # Shown before its answer (after the short wait), and at once not taking input.
        assert screen.query_one(body).loading
        await demo.admin.set_faults(FaultSettings())
        await until(pilot, lambda: getattr(screen, filled) is not None)
        await settle(pilot)
        assert not screen.query_one(body).loading
        assert not any(form.disabled for form in screen.query("#borrow-form"))
    await demo.aclose()


async def test_the_money_forms_open_filled_in_from_one_fetch(
    make_demo: Callable[[], Demo], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Borrowing and repayment load as every screen does: fetched before the push, shown
    at mount (no second fetch), and F4's repayment screen, pushed without the wait, too."""
    from acom_tui.screens.borrow import BorrowScreen
    from acom_tui.screens.money_start import MoneyScreen
    from acom_tui.screens.repay import RepayScreen

    # Textual calls each class's own on_mount: the shared one is wrapped, once.
    at_mount: dict[str, bool] = {}
    mount = MoneyScreen.on_mount

    def mounted(screen: Any) -> None:
        mount(screen)
        at_mount[type(screen).__name__] = screen.account is not None

    monkeypatch.setattr(MoneyScreen, "on_mount", mounted)
    demo = make_demo()
    backend, transport = recorded_backend(demo)
    async with running(backend, lang="ja", member="10000001") as pilot:
        app = pilot.app
        before = len(transport.paths("GET"))
        await pilot.press("1")
        await settle(pilot)
        borrow = app.screen
        assert isinstance(borrow, BorrowScreen)
        assert sorted(transport.paths("GET")[before:]) == [
            "/v1/banks",
            "/v1/me/account",
            "/v1/me/profile",
        ]
        assert not borrow.query_one("#borrow-form").disabled
        assert borrow.bank is not None  # the registered account's bank, from the list
        await pilot.press("escape", "2")
        await settle(pilot)
        repay = app.screen
        assert isinstance(repay, RepayScreen)
        assert repay.banks and not repay.query_one("#repay-form").disabled
    assert at_mount == {"BorrowScreen": True, "RepayScreen": True}
    await demo.aclose()


async def test_the_simulator_starts_from_the_members_rate_fetched_before_it_opened(
    make_demo: Callable[[], Demo], monkeypatch: pytest.MonkeyPatch
) -> None:
    from acom_tui.screens.simulator import SimulatorScreen

    rate_at_mount: list[tuple[str, bool]] = []
    mount = SimulatorScreen.on_mount

    def mounted(screen: SimulatorScreen) -> None:
        mount(screen)
        rate_at_mount.append((screen.query_one("#sim-rate", Input).value, screen._member_rate))

    monkeypatch.setattr(SimulatorScreen, "on_mount", mounted)
    demo = make_demo()
    async with running(demo, lang="ja", member="10000001") as pilot:
        app = pilot.app
        await pilot.press("6")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SimulatorScreen)
        assert screen.acom.session is not None
        account = await screen.acom.session.backend.client.account()
    # In the field at mount, before the first layout, as the member's rate (the roster's
    # rates equal the guest's, so the flag tells them apart).
    assert rate_at_mount == [(format_rate(account.interest_rate, "ja").removesuffix("%"), True)]
    await demo.aclose()
