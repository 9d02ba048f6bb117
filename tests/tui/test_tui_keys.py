"""One meaning per key in both apps, and every key discoverable (issue 13).

The bindings are collected from the classes of the package (the member app and the staff
console alike), as ``acom_tui.keymap`` collects their ids; the meaning of each comes from
``acom_tui.keys.MEANINGS``, the key table of docs/tui.md in code.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from staff_support import make_staff_app, staff_backend, staff_login
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.widgets import Input
from tui_support import running, settle, until

from acom_tui.api.demo import Demo
from acom_tui.i18n import set_language
from acom_tui.keymap import _modules
from acom_tui.keys import MEANINGS, SHARED_KEYS, meaning_of
from acom_tui.screens.help import KEYS_TOPIC, HelpScreen
from acom_tui.screens.simulator import SimulatorScreen
from acom_tui.staff.screens.help import StaffHelpScreen
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.prose import Prose

DOCS = Path(__file__).resolve().parents[2] / "docs" / "tui.md"


def all_bindings() -> list[tuple[str, Binding]]:
    """(class name, binding) for every Binding of every class of acom_tui."""
    import inspect

    from textual.dom import DOMNode

    found = []
    seen: set[type] = set()
    for module in _modules():
        for value in vars(module).values():
            if not (inspect.isclass(value) and issubclass(value, DOMNode)) or value in seen:
                continue
            if not value.__module__.startswith("acom_tui"):
                continue  # Textual's own classes, imported by our modules
            seen.add(value)
            for binding in value.__dict__.get("BINDINGS", ()):
                if isinstance(binding, Binding):
                    found.append((value.__qualname__, binding))
    return found


def meanings_by_key() -> dict[str, set[str]]:
    by_key: dict[str, set[str]] = defaultdict(set)
    for _owner, binding in all_bindings():
        assert binding.id, binding
        meaning = meaning_of(binding.id)
        assert meaning is not None
        for key in binding.key.split(","):
            by_key[key.strip()].add(meaning)
    return by_key


def test_every_binding_has_an_id_and_a_meaning_in_the_key_table() -> None:
    unclassified = [
        f"{owner}: {binding.key} -> {binding.action} (id {binding.id!r})"
        for owner, binding in all_bindings()
        if not binding.id or meaning_of(binding.id) is None
    ]
    assert unclassified == [], "give each an id and a meaning in acom_tui.keys.MEANINGS"


def test_no_key_has_two_meanings() -> None:
    # Enter and Space do what the focused widget offers: the only keys allowed two meanings.
    twice = {
        key: sorted(meanings)
        for key, meanings in meanings_by_key().items()
        if len(meanings) > 1 and key not in SHARED_KEYS
    }
    assert twice == {}


def test_the_table_finds_a_key_bound_twice() -> None:
    # The check above can fail: F5 as "50,000 yen" on Borrow is a second meaning of F5.
    by_key = meanings_by_key()
    by_key["f5"].add(meaning_of("borrow.quick_50000") or "borrow.quick_50000")
    assert len(by_key["f5"]) == 2


def test_the_function_keys_mean_what_the_issue_asked() -> None:
    by_key = meanings_by_key()
    assert by_key["f1"] == {"help"}
    assert by_key["f2"] == {"palette"}
    assert by_key["f5"] == {"refresh"}
    assert by_key["f10"] == {"quit"}
    assert by_key["escape"] == {"back"}


def test_docs_table_names_every_key_and_meaning() -> None:
    text = DOCS.read_text(encoding="utf-8")
    rows = {
        (match.group(1), match.group(2))
        for match in re.finditer(r"^\| `([^`]+)` \| `([a-z_]+)` \|", text, re.MULTILINE)
    }
    missing = sorted(
        (key, meaning)
        for key, meanings in meanings_by_key().items()
        for meaning in meanings
        if key not in SHARED_KEYS and (key, meaning) not in rows
    )
    assert missing == []
    assert {meaning for _key, meaning in rows} <= set(MEANINGS)


# --- discoverable ------------------------------------------------------------------------


def key_bar_text(app: object) -> str:
    screen = app.screen  # type: ignore[attr-defined]
    return str(screen.query_one(KeyBar).render())


async def test_f1_help_starts_with_the_keys_of_the_screen_it_came_from(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    async with running(demo, lang="ja", member="10000001") as pilot:
        await pilot.press("f1")
        await settle(pilot)
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        assert help_screen.topic == KEYS_TOPIC
        body = help_screen.query_one("#help-body", Prose).text
        # The dashboard's keys, translated, with their names as on the keyboard.
        lines = [" ".join(line.split()) for line in body.splitlines()]
        assert "F5 最新の情報に更新" in lines
        assert "F9 ログアウト" in lines
        assert "1 お借入れ" in lines
        assert "keys." not in body
    await demo.aclose()


async def test_the_key_bar_shows_the_palette_key_and_follows_the_language(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    async with running(demo, lang="ja") as pilot:
        assert "F2 コマンド" in key_bar_text(pilot.app)
        set_language("en")
        pilot.app.screen.query_one(KeyBar).refresh()
        assert "F2 Commands" in key_bar_text(pilot.app)
    set_language("ja")
    await demo.aclose()


async def test_the_palette_finds_a_command_by_its_key(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    async with running(demo, lang="ja") as pilot:
        await pilot.press("f2")
        await settle(pilot)
        assert CommandPalette.is_open(pilot.app)
        await pilot.press("f", "4")
        results = pilot.app.screen.query_one(CommandList)
        await until(pilot, lambda: results.highlighted is not None)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SimulatorScreen)
    await demo.aclose()


async def test_the_staff_console_has_f1_help_and_the_palette(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, _transport = staff_backend(demo)
    app = make_staff_app(backend, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await staff_login(pilot)
        assert "F2 コマンド" in key_bar_text(app)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, StaffHelpScreen)
        text = app.screen.query_one("#staff-help-keys", Prose).text
        keys = [" ".join(line.split()) for line in text.splitlines()]
        assert "F4 監査ログ" in keys
        assert "F1 ヘルプ" in keys
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert CommandPalette.is_open(app)
        assert isinstance(app.screen.query_one(Input), Input)
    await demo.aclose()
