"""A config text accepted once starts the next time without pydantic (issue 16, goal 4).

``acom_tui.config_file`` remembers the texts the full validation accepted; the start then
takes what the first screen needs straight from the TOML and the settings model is built
after the first paint. These tests hold the two readings equal, and check that a new, an
edited or a no-longer-valid text is still validated (and refused) before the start. The
real program on a pseudo-terminal is in ``test_tui_terminal.py``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from tui_support import make_app, settle

from acom_tui import cli, config_file
from acom_tui.config import Settings, save_preferences, settings_from_text
from acom_tui.config_file import (
    ACCEPTED_NAME,
    ConfigError,
    StartSettings,
    accepted_start,
    remember_accepted,
)
from acom_tui.themes import DEFAULT_THEME

VALID = [
    "",
    '[server]\nurl = "https://portal.example.jp"\n',
    '[server]\nurl = "http://10.0.0.5:8080"\nallow_insecure_http = true\n'
    'ca_bundle = "/etc/ca.pem"\n',
    '[ui]\nlanguage = "en"\ntheme = "nord"\nidle_warning_seconds = 120\n',
    'remember_member_number = true\n\n[keymap]\n"app.help" = "f9"\n',
    '[ui]\nlanguage = "ja"\n\n[server]\nallow_insecure_http = false\n',
]


@pytest.mark.parametrize("text", VALID)
def test_the_start_values_of_an_accepted_text_are_the_validated_ones(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "config.toml"
    validated = settings_from_text(path, text.encode())
    assert StartSettings.from_accepted(tomllib.loads(text)) == StartSettings.of(validated)
    # And as noted beside the text in the mark: the same values, without the TOML.
    path.write_text(text, encoding="utf-8")
    remember_accepted(path.read_bytes(), tmp_path / "data", StartSettings.of(validated))
    assert accepted_start(path, tmp_path / "data") == (StartSettings.of(validated), text.encode())


@pytest.mark.parametrize(
    "values",
    [
        "not json",
        '{"language": "en"}',
        '{"language": 5, "theme": "nord", "keymap": {}, "remember_member_number": false,'
        ' "idle_warning_seconds": 60, "server_url": null, "allow_insecure_http": false}',
        '["en"]',
    ],
)
def test_noted_values_that_are_not_right_send_the_start_to_the_toml(
    tmp_path: Path, values: str
) -> None:
    path, folder = tmp_path / "config.toml", tmp_path / "data"
    path.write_text('[ui]\nlanguage = "en"\n', encoding="utf-8")
    remember_accepted(path.read_bytes(), folder)
    mark = folder / ACCEPTED_NAME
    key = mark.read_text(encoding="ascii").split()[0]
    mark.write_text(f"{key} {values}\n", encoding="ascii")
    assert accepted_start(path, folder)[0] == StartSettings(language="en")


def test_the_defaults_agree() -> None:
    assert StartSettings() == StartSettings.of(Settings())
    assert StartSettings().theme == DEFAULT_THEME


@pytest.mark.parametrize(
    "text",
    [
        "[ui]\nlanguage = 5\n",
        "remember_member_number = 1\n",
        '[ui]\nidle_warning_seconds = "60"\n',
        "ui = 3\n",
        '[keymap]\n"app.help" = 1\n',
    ],
)
def test_a_value_of_another_type_is_not_taken_on_trust(text: str) -> None:
    # Accepted by an older version of the rules only: the start validates it again.
    assert StartSettings.from_accepted(tomllib.loads(text)) is None


def test_a_text_is_accepted_only_once_validated(tmp_path: Path) -> None:
    path, folder = tmp_path / "config.toml", tmp_path / "data"
    assert accepted_start(path, folder) == (None, None)
    path.write_text('[ui]\nlanguage = "en"\n', encoding="utf-8")
    start, raw = accepted_start(path, folder)
    assert start is None and raw == path.read_bytes()
    remember_accepted(raw, folder)
    start, _ = accepted_start(path, folder)
    assert start == StartSettings(language="en")
    assert (folder / ACCEPTED_NAME).stat().st_mode & 0o777 == 0o600
    path.write_text('[ui]\nlanguage = "ja"\n', encoding="utf-8")
    assert accepted_start(path, folder)[0] is None


def test_an_upgrade_validates_every_text_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, folder = tmp_path / "config.toml", tmp_path / "data"
    path.write_text('[ui]\nlanguage = "en"\n', encoding="utf-8")
    remember_accepted(path.read_bytes(), folder)
    assert accepted_start(path, folder)[0] is not None
    monkeypatch.setattr(config_file, "__version__", "999.0")
    assert accepted_start(path, folder)[0] is None


def test_only_the_last_few_texts_are_remembered(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    for number in range(12):
        remember_accepted(f"# {number}\n".encode(), folder)
    lines = (folder / ACCEPTED_NAME).read_text(encoding="ascii").splitlines()
    assert len(lines) == 8


def test_a_data_folder_that_cannot_be_written_only_costs_speed(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    remember_accepted(b"[ui]\n", blocker)  # no exception
    assert blocker.read_text(encoding="utf-8") == "a file where the folder should be"


def test_a_text_the_preferences_saved_starts_the_quick_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, folder = tmp_path / "config.toml", tmp_path / "data"
    monkeypatch.setenv("ACOM_TUI_DATA_DIR", str(folder))
    path.write_text('# mine\n[keymap]\n"app.help" = "f9"\n', encoding="utf-8")
    saved = Settings.model_validate(
        {"ui": {"language": "en", "theme": "nord"}, "keymap": {"app.help": "f9"}}
    )
    save_preferences(saved, path)
    start, raw = accepted_start(path, folder)
    assert raw == path.read_bytes() and b"# mine" in raw
    assert start == StartSettings.of(saved)
    # A keymap edited by hand while the app ran is not taken on trust: the next start
    # checks it and names the unknown id.
    path.write_text('[keymap]\n"app.no_such_key" = "f9"\n', encoding="utf-8")
    save_preferences(Settings.model_validate({"keymap": {"app.no_such_key": "f9"}}), path)
    assert accepted_start(path, folder)[0] is None


def _main(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    monkeypatch.setenv("ACOM_TUI_CONFIG", str(config))
    monkeypatch.setenv("ACOM_TUI_DATA_DIR", str(tmp_path / "data"))
    return config


def test_an_edited_text_is_refused_before_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _main(tmp_path, monkeypatch, "[ui]\nidle_warning_seconds = 60\n")
    remember_accepted(config.read_bytes(), tmp_path / "data")
    config.write_text("[ui]\nidle_warning_seconds = 5\n", encoding="utf-8")
    # No server anywhere: a valid text would stop at that, after the config.
    assert cli.main(["--lang", "en"]) == 2
    error = capsys.readouterr().err
    assert "ui.idle_warning_seconds" in error and "no server" not in error


def test_a_no_longer_valid_accepted_text_is_refused_before_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _main(tmp_path, monkeypatch, "remember_member_number = 1\n")
    remember_accepted(config.read_bytes(), tmp_path / "data")  # as an older version did
    assert cli.main(["--lang", "en"]) == 2
    assert "remember_member_number" in capsys.readouterr().err


def test_an_accepted_text_gives_its_server_without_validating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _main(tmp_path, monkeypatch, '[server]\nurl = "ftp://nowhere"\n')
    # The URL's shape is the CLI's check, after the config's: the run stops there.
    assert cli.main(["--lang", "en"]) == 2
    assert "ftp://nowhere" in capsys.readouterr().err
    assert (tmp_path / "data" / ACCEPTED_NAME).exists()
    start, _ = accepted_start(config, tmp_path / "data")
    assert start is not None and start.server_url == "ftp://nowhere"
    assert cli.main(["--lang", "en"]) == 2
    assert "ftp://nowhere" in capsys.readouterr().err


async def test_the_member_app_builds_its_settings_after_the_first_paint(make_demo: Any) -> None:
    demo = make_demo()
    built = Settings.model_validate({"remember_member_number": False, "ui": {"theme": "nord"}})
    calls: list[int] = []

    def later() -> Settings:
        calls.append(1)
        return built

    app = make_app(demo, start=StartSettings.of(built), settings_later=later)
    assert app.settings is None
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.settings is built
        assert calls == [1]
        assert app.theme == "nord"
    await demo.aclose()


async def test_settings_refused_after_the_first_paint_end_the_app(make_demo: Any) -> None:
    demo = make_demo()

    def later() -> Settings:
        raise ConfigError(Path("config.toml"), "ui.language: Input should be 'auto', 'ja' or 'en'")

    app = make_app(demo, lang="en", start=StartSettings(), settings_later=later)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    assert app.return_code == 2
    await demo.aclose()
