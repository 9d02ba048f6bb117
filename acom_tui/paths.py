"""Where acom-tui keeps its files: the config file, the log and kept data.

One place for the folders and the environment variables that move them. Only the standard
library and platformdirs (imported when a path is asked for), so that ``--help`` and the
start-up find the files without importing pydantic.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

__all__ = [
    "APP_NAME",
    "CONFIG_ENV",
    "DATA_DIR_ENV",
    "LOG_DIR_ENV",
    "config_path",
    "data_dir",
    "log_dir",
    "log_path",
]

APP_NAME = "acom-tui"
CONFIG_ENV = "ACOM_TUI_CONFIG"
LOG_DIR_ENV = "ACOM_TUI_LOG_DIR"
DATA_DIR_ENV = "ACOM_TUI_DATA_DIR"


def _env_path(environ: Mapping[str, str] | None, name: str) -> Path | None:
    value = (os.environ if environ is None else environ).get(name, "").strip()
    return Path(value).expanduser() if value else None


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the config file is read from and saved to."""
    given = _env_path(environ, CONFIG_ENV)
    if given is not None:
        return given
    import platformdirs

    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def log_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Directory for log files (Textual owns stderr, so logs never go there)."""
    given = _env_path(environ, LOG_DIR_ENV)
    if given is not None:
        return given
    import platformdirs

    return platformdirs.user_log_path(APP_NAME)


def log_path(environ: Mapping[str, str] | None = None) -> Path:
    """The application log file; the caller creates the directory when it starts logging."""
    return log_dir(environ) / f"{APP_NAME}.log"


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Directory for data the app keeps between runs (the demo database)."""
    given = _env_path(environ, DATA_DIR_ENV)
    if given is not None:
        return given
    import platformdirs

    return platformdirs.user_data_path(APP_NAME)
