"""User settings: one TOML file, read into one pydantic model (paths: ``acom_tui.paths``).

The file lives at ``platformdirs.user_config_path("acom-tui") / "config.toml"``; the
environment variable ``ACOM_TUI_CONFIG`` points somewhere else (tests, several profiles).
Nothing secret is ever part of the settings: the PIN and the session token are not config,
and the remembered member number lives in the OS keyring (see ``credentials.py``).
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from pydantic import ValidationError as PydanticValidationError

from acom_tui.config_file import (
    ConfigError,
    StartSettings,
    parse_text,
    read_toml,
    remember_accepted,
)
from acom_tui.paths import config_path, data_dir

DEFAULT_SERVER_URL = "http://127.0.0.1:8080"

__all__ = [
    "DEFAULT_SERVER_URL",
    "ConfigError",
    "ServerSettings",
    "Settings",
    "UiSettings",
    "load_settings",
    "save_preferences",
    "settings_from_text",
]


class _Section(BaseModel):
    # A misspelt key is reported rather than silently ignored: the user meant something.
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerSettings(_Section):
    url: StrictStr = DEFAULT_SERVER_URL
    ca_bundle: Path | None = None
    allow_insecure_http: StrictBool = False


class UiSettings(_Section):
    language: Literal["auto", "ja", "en"] = "auto"
    theme: StrictStr = "textual-dark"
    # The server's idle timeout is 15 minutes; a warning must come before it, with time to react.
    idle_warning_seconds: Annotated[StrictInt, Field(ge=10, le=600)] = 60


class Settings(_Section):
    server: ServerSettings = ServerSettings()
    ui: UiSettings = UiSettings()
    keymap: dict[StrictStr, StrictStr] = Field(default_factory=dict)
    remember_member_number: StrictBool = False


# --- loading -------------------------------------------------------------------------------


def _describe(exc: PydanticValidationError) -> str:
    lines = []
    for error in exc.errors(include_url=False, include_input=False):
        key = ".".join(str(part) for part in error["loc"]) or "(top level)"
        lines.append(f"{key}: {error['msg']}")
    return "; ".join(lines)


def _validate(path: Path, data: Mapping[str, Any]) -> Settings:
    try:
        return Settings.model_validate(data)
    except PydanticValidationError as exc:
        raise ConfigError(path, _describe(exc)) from None


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings; a missing file gives the defaults, a bad one a ``ConfigError``."""
    path = path or config_path()
    data = read_toml(path)
    return Settings() if data is None else _validate(path, data)


def settings_from_text(path: Path, raw: bytes) -> Settings:
    """The settings in ``raw``, the text read from ``path`` (named in errors)."""
    return _validate(path, parse_text(path, raw))


# --- saving --------------------------------------------------------------------------------


def save_preferences(settings: Settings, path: Path | None = None) -> Path:
    """Store the preferences the UI can change (language, theme, remember flag).

    The file is edited, not rewritten: tomlkit keeps the user's comments, order, quoting
    and blank lines, and only the three values change. The write is atomic, so a crash
    never leaves half a config behind.
    """
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    path = path or config_path()
    # Refuse to rewrite a file we could not load: the user must see and fix their error.
    _validate(path, read_toml(path) or {})
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    try:
        document = tomlkit.parse(text)
    except TOMLKitError as exc:  # tomllib read it, so this is a tomlkit limitation
        raise ConfigError(path, f"cannot edit the file: {exc}") from None
    if "ui" not in document:
        document["ui"] = tomlkit.table()
    ui: Any = document["ui"]
    _set(ui, "language", settings.ui.language)
    _set(ui, "theme", settings.ui.theme)
    _set(document, "remember_member_number", settings.remember_member_number)
    edited = tomlkit.dumps(document)
    saved = _validate(path, tomllib.loads(edited))
    if edited != text:
        _write_atomically(path, edited)
    _remember_as_accepted(path, edited, saved)
    return path


def _remember_as_accepted(path: Path, text: str, settings: Settings) -> None:
    """The next start takes the saved text's quick way (``config_file``): it has passed
    what a start checks, its keymap included, so the start need not check it again."""
    from acom_tui.keymap import check_keymap

    try:
        check_keymap(settings.keymap, path)
    except ConfigError:
        # Edited by hand since the start: the next start reports it, as it would have.
        return
    remember_accepted(text.encode("utf-8"), data_dir(), StartSettings.of(settings))


def _set(table: Any, key: str, value: object) -> None:
    # An unchanged value keeps its exact spelling (quotes, inline comment) in the file.
    if key not in table or table[key] != value:
        table[key] = value


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = None
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
