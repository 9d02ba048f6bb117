"""Settings file: defaults, errors that name the key, atomic preference saving."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest

from acom_tui import config, paths
from acom_tui.config import ConfigError, Settings, load_settings, save_preferences


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "conf" / "config.toml"
    monkeypatch.setenv("ACOM_TUI_CONFIG", str(path))
    return path


def test_missing_file_gives_the_defaults(cfg: Path) -> None:
    settings = load_settings()
    assert settings == Settings()
    assert settings.server.url == "http://127.0.0.1:8080"
    assert settings.server.allow_insecure_http is False
    assert settings.server.ca_bundle is None
    assert settings.ui.language == "auto"
    assert settings.ui.idle_warning_seconds == 60
    assert settings.keymap == {}
    assert settings.remember_member_number is False


def test_the_environment_variable_moves_the_file(cfg: Path) -> None:
    assert paths.config_path() == cfg


def test_without_the_variable_the_platform_config_dir_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ACOM_TUI_CONFIG")
    assert paths.config_path().name == "config.toml"
    assert paths.config_path().parent.name == "acom-tui"


def test_a_full_file_is_read(cfg: Path) -> None:
    cfg.parent.mkdir(parents=True)
    cfg.write_text(
        """
remember_member_number = true

[server]
url = "https://member.example.jp"
ca_bundle = "/etc/ssl/corp.pem"
allow_insecure_http = false

[ui]
language = "ja"
theme = "nord"
idle_warning_seconds = 90

[keymap]
"app.quit" = "f10"
borrow = "b"
""",
        encoding="utf-8",
    )
    settings = load_settings()
    assert settings.server.url == "https://member.example.jp"
    assert settings.server.ca_bundle == Path("/etc/ssl/corp.pem")
    assert settings.ui.language == "ja"
    assert settings.ui.theme == "nord"
    assert settings.ui.idle_warning_seconds == 90
    assert settings.keymap == {"app.quit": "f10", "borrow": "b"}
    assert settings.remember_member_number is True


IDLE = "ui.idle_warning_seconds"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[ui]\nidle_warning_seconds = "soon"\n', f"{IDLE}: Input should be a valid integer"),
        ('[ui]\nidle_warning_seconds = "60"\n', f"{IDLE}: Input should be a valid integer"),
        (
            "[ui]\nidle_warning_seconds = 5\n",
            f"{IDLE}: Input should be greater than or equal to 10",
        ),
        ('[ui]\nlanguage = "fr"\n', "ui.language: Input should be 'auto', 'ja' or 'en'"),
        ('[ui]\nlangauge = "ja"\n', "ui.langauge: Extra inputs are not permitted"),
        ("remember_member_number = 1\n", "remember_member_number: Input should be a valid boolean"),
        ("[keymap]\nquit = 3\n", "keymap.quit: Input should be a valid string"),
        (
            'server = "x"\n',
            "server: Input should be a valid dictionary or instance of ServerSettings",
        ),
    ],
)
def test_an_invalid_file_names_the_file_and_the_key(cfg: Path, text: str, problem: str) -> None:
    cfg.parent.mkdir(parents=True)
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.path == cfg
    assert caught.value.problem == problem
    assert str(caught.value) == f"{cfg}: {problem}"


def test_a_toml_syntax_error_gives_the_line(cfg: Path) -> None:
    cfg.parent.mkdir(parents=True)
    cfg.write_text('[ui]\nlanguage = "ja"\ntheme = nord\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value).startswith(f"{cfg}: invalid TOML: ")
    assert "line 3" in str(caught.value)


def test_a_file_that_is_not_utf8_is_reported(cfg: Path) -> None:
    cfg.parent.mkdir(parents=True)
    cfg.write_bytes('theme = "テーマ"\n'.encode("shift_jis"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_settings()


def test_saving_preferences_keeps_the_other_keys(cfg: Path) -> None:
    cfg.parent.mkdir(parents=True)
    cfg.write_text(
        '[server]\nurl = "https://member.example.jp"\n\n[keymap]\n"app.quit" = "f10"\n',
        encoding="utf-8",
    )
    settings = load_settings()
    changed = settings.model_copy(
        update={
            "ui": settings.ui.model_copy(update={"language": "en", "theme": 'テーマ "β"'}),
            "remember_member_number": True,
        }
    )
    assert save_preferences(changed) == cfg

    raw = tomllib.loads(cfg.read_text(encoding="utf-8"))
    assert raw == {
        "remember_member_number": True,
        "server": {"url": "https://member.example.jp"},
        "keymap": {"app.quit": "f10"},
        "ui": {"language": "en", "theme": 'テーマ "β"'},
    }
    # The keys stay in the file's order; new ones come after them.
    assert list(raw) == ["remember_member_number", "server", "keymap", "ui"]
    again = load_settings()
    assert again.ui.language == "en"
    assert again.ui.theme == 'テーマ "β"'
    assert again.remember_member_number is True
    assert again.server.url == "https://member.example.jp"


def test_saving_only_writes_preferences_never_anything_else(cfg: Path) -> None:
    # Even a setting changed in memory (here the server URL) is not a preference to save.
    settings = Settings().model_copy(
        update={"server": config.ServerSettings(url="https://other.example.jp")}
    )
    save_preferences(settings)
    raw = tomllib.loads(cfg.read_text(encoding="utf-8"))
    assert raw == {
        "remember_member_number": False,
        "ui": {"language": "auto", "theme": "textual-dark"},
    }


def test_saving_is_atomic_and_keeps_the_file_mode(cfg: Path) -> None:
    cfg.parent.mkdir(parents=True)
    cfg.write_text('[ui]\ntheme = "nord"\n', encoding="utf-8")
    os.chmod(cfg, 0o640)
    save_preferences(Settings())
    assert stat.S_IMODE(cfg.stat().st_mode) == 0o640
    # No temp file is left behind.
    assert [p.name for p in cfg.parent.iterdir()] == ["config.toml"]


def test_saving_refuses_to_overwrite_a_broken_file(cfg: Path) -> None:
    cfg.parent.mkdir(parents=True)
    cfg.write_text("[ui\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        save_preferences(Settings())
    assert cfg.read_text(encoding="utf-8") == "[ui\n"


def test_a_failed_write_leaves_the_old_file(cfg: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg.parent.mkdir(parents=True)
    cfg.write_text('[ui]\ntheme = "nord"\n', encoding="utf-8")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(config.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        save_preferences(Settings())
    assert cfg.read_text(encoding="utf-8") == '[ui]\ntheme = "nord"\n'
    assert [p.name for p in cfg.parent.iterdir()] == ["config.toml"]


def test_directories_follow_their_environment_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACOM_TUI_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("ACOM_TUI_DATA_DIR", str(tmp_path / "data"))
    assert paths.log_dir() == tmp_path / "logs"
    assert paths.log_path() == tmp_path / "logs" / "acom-tui.log"
    assert paths.data_dir() == tmp_path / "data"


def test_directories_default_to_the_platform_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACOM_TUI_LOG_DIR", raising=False)
    monkeypatch.delenv("ACOM_TUI_DATA_DIR", raising=False)
    assert "acom-tui" in paths.log_dir().parts
    assert "acom-tui" in paths.data_dir().parts
