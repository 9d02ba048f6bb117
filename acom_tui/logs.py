"""The client's log: a rotating file of its owner's alone, never the terminal (Textual owns
it). Both apps and the staff commands set it up the same way."""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from acom_tui.paths import log_path

__all__ = ["LOG_BACKUPS", "LOG_LEVEL_ENV", "LOG_MAX_BYTES", "setup_logging"]

LOG_LEVEL_ENV = "ACOM_TUI_LOG_LEVEL"
LOG_MAX_BYTES = 2 * 1024 * 1024
LOG_BACKUPS = 3


def _private_rotating_handler(path: Path) -> logging.Handler:
    """A rotating file handler whose fresh file, after each rollover, is its owner's alone.

    ``logging.handlers`` is imported here, when the log is opened (in the worker that opens
    the backend), not with this module before the first paint: about a millisecond."""
    import logging.handlers

    class PrivateRotatingHandler(logging.handlers.RotatingFileHandler):
        def doRollover(self) -> None:
            super().doRollover()
            with contextlib.suppress(OSError):
                os.chmod(self.baseFilename, 0o600)

    return PrivateRotatingHandler(
        path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )


def setup_logging() -> Path | None:
    """Log to a file in the platform log dir; Textual owns the terminal, so never stderr."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
        old.close()
    name = os.environ.get(LOG_LEVEL_ENV, "INFO").strip().upper()
    level = logging.getLevelNamesMapping().get(name, logging.INFO)
    root.setLevel(level)
    # httpx writes a line per request at INFO; requests belong to DEBUG (our client logs
    # each one there, with its request id and time).
    for chatty in ("httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(
            logging.DEBUG if level <= logging.DEBUG else logging.WARNING
        )
    path = log_path()
    try:
        # The log names members and servers: its owner's alone (folder 0700, file 0600),
        # created so and tightened when an older version left it readable.
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.parent.chmod(0o700)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        path.chmod(0o600)
        handler = _private_rotating_handler(path)
    except OSError:
        # No writable log dir: lose the log rather than write over the screen.
        root.addHandler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    logging.captureWarnings(True)
    return path
