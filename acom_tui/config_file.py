"""The config file before pydantic: read it, and start at once from a text already accepted.

Validating the settings (``acom_tui.config``) imports pydantic and builds its models:
about 100 ms before the first screen (issue 16), on every start of a console with a
config file. The first screen needs only a few values (:class:`StartSettings`). When the
file's text is one that the full validation accepted before, those values are taken
straight from the parsed TOML and the pydantic model is built after the first paint. A
new or edited file is validated before anything is drawn, as always, so a mistake is
reported before the start.

Which texts were accepted is kept in the data folder (``config.accepted``, mode 0600): the
SHA-256 of the text, salted with the version and with the source of the rules
(``config.py``), so an upgrade or a change of a rule validates every file again, and
beside it the start values as JSON, so that such a start does not even parse the TOML.
Only the standard library is imported here, and ``hashlib`` (with ``tomllib`` for a text
not accepted before) only when there is a file.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from acom_tui import __version__

if TYPE_CHECKING:
    from acom_tui.config import Settings

__all__ = [
    "ACCEPTED_NAME",
    "ConfigError",
    "StartSettings",
    "accepted_start",
    "parse_text",
    "read_toml",
    "remember_accepted",
]

log = logging.getLogger("acom_tui.config_file")

ACCEPTED_NAME = "config.accepted"
# How many accepted texts are remembered (several profiles through ACOM_TUI_CONFIG).
_KEEP = 8
_RULES = Path(__file__).with_name("config.py")


class ConfigError(Exception):
    """The config file exists but cannot be used; the message names the file and the key."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(path, f"cannot read the file: {exc.strerror or exc}") from None


def parse_text(path: Path, raw: bytes) -> dict[str, Any]:
    # tomllib is imported only for a text to parse: about 2 ms of a start.
    import tomllib

    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(path, "the file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already ends with "(at line N, column M)".
        raise ConfigError(path, f"invalid TOML: {exc}") from None


def read_toml(path: Path) -> dict[str, Any] | None:
    """The parsed file, or None when there is no file."""
    raw = _read_bytes(path)
    return None if raw is None else parse_text(path, raw)


class StartSettings(NamedTuple):
    """What the start and the first screen take from the config (defaults: no file)."""

    language: str = "auto"
    theme: str = "textual-dark"
    keymap: Mapping[str, str] = MappingProxyType({})
    remember_member_number: bool = False
    idle_warning_seconds: int = 60
    # None: the file names no server (the command line must).
    server_url: str | None = None
    allow_insecure_http: bool = False

    @classmethod
    def of(cls, settings: Settings) -> StartSettings:
        """From validated settings."""
        return cls(
            language=settings.ui.language,
            theme=settings.ui.theme,
            keymap=dict(settings.keymap),
            remember_member_number=settings.remember_member_number,
            idle_warning_seconds=settings.ui.idle_warning_seconds,
            server_url=settings.server.url if "url" in settings.server.model_fields_set else None,
            allow_insecure_http=settings.server.allow_insecure_http,
        )

    @classmethod
    def from_accepted(cls, data: Mapping[str, Any]) -> StartSettings | None:
        """From the parsed text of a file the full validation accepted; None when a value
        does not have the type the rules give it (then the file is validated again)."""
        defaults = cls()
        server = data.get("server", {})
        ui = data.get("ui", {})
        keymap = data.get("keymap", {})
        if not (isinstance(server, dict) and isinstance(ui, dict) and isinstance(keymap, dict)):
            return None
        start = cls(
            language=ui.get("language", defaults.language),
            theme=ui.get("theme", defaults.theme),
            keymap=keymap,
            remember_member_number=data.get(
                "remember_member_number", defaults.remember_member_number
            ),
            idle_warning_seconds=ui.get("idle_warning_seconds", defaults.idle_warning_seconds),
            server_url=server.get("url"),
            allow_insecure_http=server.get("allow_insecure_http", defaults.allow_insecure_http),
        )
        return start if start.typed() else None

    @classmethod
    def from_noted(cls, values: object) -> StartSettings | None:
        """From the values noted beside an accepted text in ``config.accepted``; None when
        they are not exactly the fields, each of its type (then the TOML is read)."""
        if not isinstance(values, dict) or set(values) != set(cls._fields):
            return None
        start = cls(**values)
        return start if start.typed() else None

    def typed(self) -> bool:
        """Whether every value has the type the rules give it."""
        return (
            isinstance(self.language, str)
            and isinstance(self.theme, str)
            and isinstance(self.keymap, Mapping)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in self.keymap.items())
            and type(self.remember_member_number) is bool
            and type(self.idle_warning_seconds) is int
            and (self.server_url is None or isinstance(self.server_url, str))
            and type(self.allow_insecure_http) is bool
        )


def _key(raw: bytes) -> str:
    import hashlib

    digest = hashlib.sha256()
    for part in (__version__.encode(), _RULES.read_bytes(), raw):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _accepted(data_dir: Path) -> dict[str, str]:
    """The accepted texts' keys, oldest first, each with its start values noted as JSON
    (an empty string for a line without them)."""
    try:
        text = (data_dir / ACCEPTED_NAME).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return {}
    noted: dict[str, str] = {}
    for line in text.splitlines():
        key, _, values = line.partition(" ")
        if len(key) == 64:
            noted[key] = values
    return noted


def accepted_start(path: Path, data_dir: Path) -> tuple[StartSettings | None, bytes | None]:
    """(the start values, the text) when the file's text was accepted before; (None, the
    text) when it must be validated; (None, None) when there is no file. A file that cannot
    be read or parsed raises ``ConfigError``."""
    raw = _read_bytes(path)
    if raw is None:
        return None, None
    values = _accepted(data_dir).get(_key(raw))
    if values:
        import json

        # The values noted with the text: no TOML to parse before the first paint (tomllib
        # is about 2 ms to import; json is imported for the message catalogues anyway).
        with contextlib.suppress(ValueError):
            start = StartSettings.from_noted(json.loads(values))
            if start is not None:
                return start, raw
    data = parse_text(path, raw)
    if values is None:
        return None, raw
    return StartSettings.from_accepted(data), raw


def remember_accepted(raw: bytes, data_dir: Path, start: StartSettings | None = None) -> None:
    """Note that the full validation accepted this text, with ``start``, its start values
    (``StartSettings.of`` the validated settings): the next start needs no TOML parser.
    Without them only the text is noted, and that start reads the TOML. A failure only
    costs the next start its speed."""
    import json

    key = _key(raw)
    values = "" if start is None else json.dumps({**start._asdict(), "keymap": dict(start.keymap)})
    others = [f"{k} {v}" for k, v in _accepted(data_dir).items() if k != key]
    lines = [*others[-(_KEEP - 1) :], f"{key} {values}"]
    target = data_dir / ACCEPTED_NAME
    part = target.with_name(f".{ACCEPTED_NAME}.{os.getpid()}.tmp")
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write("\n".join(lines) + "\n")
        os.replace(part, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)
        log.debug("could not note the accepted config: %s", exc)
