"""The preferences screen saves into a hand-edited config.toml without losing a comment."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from textual.widgets import OptionList
from tui_support import make_app, settle

from acom_tui.api.demo import Demo
from acom_tui.config import load_settings
from acom_tui.screens.preferences import PreferencesScreen

HAND_EDITED = """\
# Mine. Please keep this comment.
[server]
url = "https://member.example.jp"  # the office

[ui]
theme = "textual-dark"  # was nord until 2026
language = "ja"

# Moved quit for my left hand.
[keymap]
"app.quit" = "f10"
"""


async def test_choosing_a_theme_edits_only_the_theme_line(
    make_demo: Callable[[], Demo],
) -> None:
    path = Path(os.environ["ACOM_TUI_CONFIG"])
    path.write_text(HAND_EDITED, encoding="utf-8")
    app = make_app(make_demo(), lang="ja", settings=load_settings(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(PreferencesScreen())
        await settle(pilot)
        menu = app.screen.query_one("#prefs-theme", OptionList)
        menu.focus()
        menu.highlighted = menu.get_option_index("ansi-dark")
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "ansi-dark"
    expected = HAND_EDITED.replace(
        'theme = "textual-dark"  # was nord', 'theme = "ansi-dark"  # was nord'
    ).replace("comment.\n[server]", "comment.\nremember_member_number = false\n\n[server]")
    assert path.read_text(encoding="utf-8") == expected


async def test_every_key_a_running_app_has_can_be_named_in_a_keymap(
    make_demo: Callable[[], Demo],
) -> None:
    # The ids are collected from classes; a binding added per instance (the demo's F12)
    # must be known too, or a keymap naming it would be refused.
    from acom_tui.keymap import binding_ids

    known = binding_ids()
    app = make_app(make_demo(), lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        ids = {active.binding.id for active in app.active_bindings.values()}
    assert "demo.menu" in ids
    assert sorted(i for i in ids if i is not None and i not in known) == []
