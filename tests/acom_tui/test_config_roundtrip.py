"""A hand-edited config.toml survives saving the preferences: comments, order, spelling."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from acom_tui.config import ConfigError, Settings, load_settings, save_preferences

HAND_EDITED = """\
# My acom-tui settings. Written by hand; keep these comments.

[server]
# The office proxy in front of the member site.
url = "https://member.example.jp"   # production
allow_insecure_http = false

[ui]
# Dark at night.
theme = 'nord'  # single quotes, on purpose
language = "ja"
idle_warning_seconds = 90

# Keys my fingers know.
[keymap]
"app.quit" = "f10"
"""


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(HAND_EDITED, encoding="utf-8")
    return path


def test_changing_the_theme_changes_one_value_and_nothing_else(cfg: Path) -> None:
    settings = load_settings(cfg)
    changed = settings.model_copy(
        update={"ui": settings.ui.model_copy(update={"theme": "textual-light"})}
    )
    save_preferences(changed, cfg)
    expected = HAND_EDITED.replace(
        "theme = 'nord'  # single quotes, on purpose",
        # The value's own quoting is kept too (tomlkit is pinned: this detail changed in 0.15.3).
        "theme = 'textual-light'  # single quotes, on purpose",
    )
    # remember_member_number was not in the file: it is added at the top, before the tables.
    expected = expected.replace(
        "comments.\n\n[server]", "comments.\nremember_member_number = false\n\n[server]"
    )
    assert cfg.read_text(encoding="utf-8") == expected
    assert load_settings(cfg).ui.theme == "textual-light"


def test_saving_unchanged_preferences_leaves_the_file_byte_for_byte(cfg: Path) -> None:
    text = "remember_member_number = false\n" + HAND_EDITED
    cfg.write_text(text, encoding="utf-8")
    before = cfg.stat().st_mtime_ns
    save_preferences(load_settings(cfg), cfg)
    assert cfg.read_text(encoding="utf-8") == text
    assert cfg.stat().st_mtime_ns == before  # not even rewritten


def test_every_preference_is_saved_where_the_file_has_it(cfg: Path) -> None:
    settings = load_settings(cfg)
    changed = settings.model_copy(
        update={
            "ui": settings.ui.model_copy(update={"language": "en", "theme": "gruvbox"}),
            "remember_member_number": True,
        }
    )
    save_preferences(changed, cfg)
    text = cfg.read_text(encoding="utf-8")
    for comment in (
        "# My acom-tui settings. Written by hand; keep these comments.",
        "# The office proxy in front of the member site.",
        '"https://member.example.jp"   # production',
        "# Dark at night.",
        "# Keys my fingers know.",
    ):
        assert comment in text
    assert text.index("[server]") < text.index("[ui]") < text.index("[keymap]")
    assert text.index("theme =") < text.index("language =") < text.index("idle_warning")
    raw = tomllib.loads(text)
    assert raw["ui"] == {"theme": "gruvbox", "language": "en", "idle_warning_seconds": 90}
    assert raw["remember_member_number"] is True
    assert raw["keymap"] == {"app.quit": "f10"}


def test_a_ui_section_written_as_dotted_keys_stays_so(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('ui.theme = "nord"  # mine\n', encoding="utf-8")
    settings = Settings.model_validate({"ui": {"theme": "nord", "language": "en"}})
    save_preferences(settings, path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith('ui.theme = "nord"  # mine\n')
    assert tomllib.loads(text)["ui"] == {"theme": "nord", "language": "en"}


def test_a_file_that_does_not_load_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# mine\n[ui]\nlangauge = 'ja'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"ui\.langauge"):
        save_preferences(Settings(), path)
    assert path.read_text(encoding="utf-8") == "# mine\n[ui]\nlangauge = 'ja'\n"
