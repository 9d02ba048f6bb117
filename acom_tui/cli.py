"""``acom-tui``: argument parsing, settings, logging, then the app.

Start-up is measured (``benchmarks/startup.py``), so this module keeps the first screen
cheap: the backend is opened after the first paint (in the app's worker), the server URL
is only checked for shape here (stdlib, no httpx), and the settings model (pydantic) is
loaded before the first paint only when a config file exists, because only then can it
change what the first screen shows. Logging to the file starts in the same worker.
"""

from __future__ import annotations

import argparse
import gc
import ipaddress
import logging
import os
import sys
import time
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from acom_tui import __version__

if TYPE_CHECKING:
    from acom_tui.app import AcomApp
    from acom_tui.config import Settings
    from acom_tui.session import Backend

__all__ = [
    "build_parser",
    "check_url_shape",
    "choose_language",
    "config_file",
    "main",
    "setup_logging",
]

EXIT_USAGE = 2
LOG_LEVEL_ENV = "ACOM_TUI_LOG_LEVEL"
# The same name and variable as acom_tui.config (a test holds them equal); repeated here
# so that finding the file does not import pydantic.
_APP_NAME = "acom-tui"
_CONFIG_ENV = "ACOM_TUI_CONFIG"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="acom-tui", description="Card-loan member portal in a terminal."
    )
    parser.add_argument("--server", metavar="URL", help="member-site API base URL")
    parser.add_argument("--demo", action="store_true", help="run on the embedded mock (no network)")
    parser.add_argument("--lang", choices=["ja", "en"], help="language (default: from the locale)")
    parser.add_argument("--theme", metavar="NAME", help="colour theme (e.g. textual-ansi)")
    parser.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow plain http to a host other than this machine (never for real use)",
    )
    parser.add_argument(
        "--staff", action="store_true", help="the support staff console (staff ID and password)"
    )
    parser.add_argument("--version", action="version", version=f"acom-tui {__version__}")
    # benchmarks/startup.py: write the wall-clock time of the first paint to FILE and exit.
    parser.add_argument("--benchmark-first-paint", metavar="FILE", help=argparse.SUPPRESS)
    return parser


def config_file(environ: Mapping[str, str]) -> Path:
    """Where ``acom_tui.config.config_path()`` looks, found without importing it."""
    value = environ.get(_CONFIG_ENV, "").strip()
    if value:
        return Path(value).expanduser()
    import platformdirs

    return platformdirs.user_config_path(_APP_NAME) / "config.toml"


def choose_language(flag: str | None, configured: str, environ: Mapping[str, str]) -> str:
    """``--lang``, else the config's ``ui.language`` unless "auto", else the locale."""
    from acom_tui.i18n import detect_language

    if flag:
        return flag
    if configured != "auto":
        return configured
    return detect_language(environ)


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url_shape(url: str, *, allow_insecure_http: bool) -> str | None:
    """A reason the URL cannot be used, or None (the client checks it again in full)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        return str(exc)
    if parts.scheme not in ("http", "https") or not host:
        return f"expected http(s)://host[:port], got {url!r}"
    if parts.scheme == "http" and not (allow_insecure_http or _is_loopback(host)):
        return f"plain http to {host} would send your PIN unencrypted; use https"
    return None


def setup_logging() -> Path | None:
    """Log to a file in the platform log dir; Textual owns the terminal, so never stderr."""
    from acom_tui.config import log_path

    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    level = os.environ.get(LOG_LEVEL_ENV, "INFO").upper()
    root.setLevel(level if level in logging.getLevelNamesMapping() else logging.INFO)
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        # No writable log dir: lose the log rather than write over the screen.
        root.addHandler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    logging.captureWarnings(True)
    return path


def _open_demo() -> Backend:
    from acom_tui.session import open_demo_backend

    setup_logging()
    return open_demo_backend()


def _open_server(url: str, allow_insecure_http: bool, settings: Settings | None) -> Backend:
    from acom_tui.config import ServerSettings
    from acom_tui.session import open_server_backend

    setup_logging()
    base = settings.server if settings is not None else ServerSettings()
    server = base.model_copy(update={"url": url, "allow_insecure_http": allow_insecure_http})
    return open_server_backend(server)


def _record_first_paint(path: Path, app: AcomApp) -> None:
    path.write_text(f"{time.time():.6f}\n", encoding="utf-8")
    app.exit(0)


def main(argv: Sequence[str] | None = None) -> int:
    # Start-up allocates many objects that live as long as the app, and the cyclic garbage
    # collector would walk them again and again before the first paint (about 25 ms). The
    # member app switches it back on after its first paint (and freezes the start-up
    # objects out of its way); every other path gets it back here.
    gc.disable()
    try:
        return _main(sys.argv[1:] if argv is None else argv)
    finally:
        gc.enable()


def _main(argv: Sequence[str]) -> int:
    arguments = list(argv)
    if arguments[:1] == ["staff"]:
        # The scripting commands of the staff console: their own parser, loaded only here.
        from acom_tui.staff.cli import main as staff_main

        gc.enable()
        return staff_main(arguments[1:])
    args = build_parser().parse_args(arguments)
    from acom_tui.i18n import detect_language, set_language, t

    # Until the log file is set up (after the first paint), nothing may reach stderr.
    logging.getLogger().addHandler(logging.NullHandler())
    path = config_file(os.environ)
    settings: Settings | None = None
    if path.exists():
        from acom_tui.config import ConfigError, load_settings

        try:
            settings = load_settings(path)
        except ConfigError as exc:
            set_language(args.lang or detect_language(os.environ))
            print(t("cli.config_error", error=exc), file=sys.stderr)
            return EXIT_USAGE
    configured_language = settings.ui.language if settings is not None else "auto"
    set_language(choose_language(args.lang, configured_language, os.environ))

    source: partial[Backend]
    url: str | None = None
    allow_insecure = args.allow_insecure_http
    if args.demo:
        source = partial(_open_demo)
    else:
        url = args.server
        if settings is not None:
            allow_insecure = allow_insecure or settings.server.allow_insecure_http
            if url is None and "url" in settings.server.model_fields_set:
                url = settings.server.url
        if url is None:
            print(t("cli.no_server", path=path), file=sys.stderr)
            return EXIT_USAGE
        problem = check_url_shape(url, allow_insecure_http=allow_insecure)
        if problem is not None:
            print(t("cli.bad_server", error=problem), file=sys.stderr)
            return EXIT_USAGE
        source = partial(_open_server, url, allow_insecure, settings)

    if args.staff:
        from acom_tui.staff.app import run_console

        gc.enable()
        return run_console(
            demo=args.demo,
            url=url,
            allow_insecure_http=allow_insecure,
            settings=settings,
            theme=args.theme,
        )

    from acom_tui.app import AcomApp

    hook = (
        partial(_record_first_paint, Path(args.benchmark_first_paint))
        if args.benchmark_first_paint
        else None
    )
    app = AcomApp(
        source, demo=args.demo, settings=settings, theme=args.theme, after_first_paint=hook
    )
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    raise SystemExit(main())
