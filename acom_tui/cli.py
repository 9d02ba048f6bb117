"""``acom-tui``: argument parsing, settings, logging, then the app.

Start-up is measured (``benchmarks/startup.py``), so this module keeps the first screen
cheap: the backend is opened after the first paint (in the app's worker), the server URL
is only checked for shape here (stdlib, no httpx), and the settings model (pydantic) is
built before the first paint only for a config file whose text has not been accepted
before (``acom_tui.config_file``): it is then validated, and a mistake reported, before
anything is drawn. Logging to the file starts in the same worker.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acom_tui import __version__
from acom_tui.api.urls import url_problem
from acom_tui.config_file import ConfigError, StartSettings, accepted_start, remember_accepted
from acom_tui.logs import LOG_BACKUPS, LOG_LEVEL_ENV, LOG_MAX_BYTES, setup_logging
from acom_tui.paths import CONFIG_ENV, DATA_DIR_ENV, LOG_DIR_ENV, config_path, data_dir, log_path

if TYPE_CHECKING:
    from textual.app import App

    from acom_tui.config import Settings
    from acom_tui.session import Backend

__all__ = ["build_parser", "choose_language", "main"]

EXIT_USAGE = 2
# The validated settings, built when first asked for (None: no config file).
SettingsOf = Callable[[], "Settings | None"]
COMPLETION_SHELLS = ("bash", "zsh")

# Every variable the program reads, for the --help epilog (a test greps the code for more).
ENVIRONMENT: tuple[tuple[str, str], ...] = (
    (CONFIG_ENV, "the config file to read and save instead of the one above"),
    (LOG_DIR_ENV, "the folder of the log file"),
    (DATA_DIR_ENV, "the folder of kept data (a demo that survives restarts)"),
    (LOG_LEVEL_ENV, "DEBUG, INFO (default), WARNING or ERROR; DEBUG logs each request"),
    ("ACOM_STAFF_ID", "acom-tui staff: the staff ID when --staff-id is not given"),
    ("ACOM_STAFF_PASSWORD", "acom-tui staff: the password (else asked on a terminal)"),
    ("LC_ALL, LC_MESSAGES, LANG", "the language when neither --lang nor ui.language sets it"),
    ("NO_COLOR", "any value: no colours (states are still written out)"),
    ("XDG_CONFIG_HOME, XDG_STATE_HOME, XDG_DATA_HOME", "move the default folders above"),
)


def _epilog(environ: Mapping[str, str]) -> str:
    data = data_dir(environ)
    lines = [
        "files (for this user):",
        f"  config  {config_path(environ)}",
        f"  log     {log_path(environ)}",
        f"          (rotated at {LOG_MAX_BYTES // 1024 // 1024} MiB, {LOG_BACKUPS} old files kept)",
        f"  data    {data}",
        "",
        "environment:",
    ]
    for names, text in ENVIRONMENT:
        # A long name list gets a line of its own, so that the texts stay in one column.
        lines.extend(
            [f"  {names}", f"{'':23}{text}"] if len(names) > 20 else [f"  {names:<21}{text}"]
        )
    lines += [
        "",
        "shell completion (bash, zsh):",
        "  acom-tui --print-completion bash > ~/.local/share/bash-completion/completions/acom-tui",
        '  acom-tui --print-completion zsh > "${fpath[1]}/_acom-tui"',
    ]
    return "\n".join(lines)


class _PrintCompletion(argparse.Action):
    """``--print-completion SHELL``: the script on stdout, made by shtab from the full parser.

    shtab (and the staff commands' parser) are imported only here: start-up stays as cheap
    as it was for everyone who does not ask.
    """

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        import shtab

        print(shtab.complete(build_parser(with_staff_commands=True), shell=str(values)))
        parser.exit(0)


def build_parser(
    environ: Mapping[str, str] | None = None, *, with_staff_commands: bool = False
) -> argparse.ArgumentParser:
    """The member app's parser; ``staff`` is listed, its commands parsed by ``staff.cli``.

    ``with_staff_commands`` attaches the real staff parser (for shell completion); the
    normal start does not import it.
    """
    parser = argparse.ArgumentParser(
        prog="acom-tui",
        description="Card-loan member portal in a terminal.",
        epilog=_epilog(os.environ if environ is None else environ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    parser.add_argument(
        "--print-completion",
        choices=COMPLETION_SHELLS,
        action=_PrintCompletion,
        help="print the shell completion script for SHELL and exit",
        metavar="SHELL",
    )
    # benchmarks/startup.py: write the wall-clock time of the first paint to FILE and exit.
    parser.add_argument("--benchmark-first-paint", metavar="FILE", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    staff_help = "support staff actions for scripts (acom-tui staff --help)"
    if with_staff_commands:
        from acom_tui.staff.cli import build_parser as staff_parser

        commands.add_parser("staff", parents=[staff_parser()], add_help=False, help=staff_help)
    else:
        # Only listed here: ``main`` hands everything after ``staff`` to staff.cli.
        staff = commands.add_parser("staff", add_help=False, help=staff_help)
        staff.add_argument("staff_args", nargs=argparse.REMAINDER)
    return parser


def choose_language(flag: str | None, configured: str, environ: Mapping[str, str]) -> str:
    """``--lang``, else the config's ``ui.language`` unless "auto", else the locale."""
    from acom_tui.i18n import detect_language

    if flag:
        return flag
    if configured != "auto":
        return configured
    return detect_language(environ)


def _open_demo() -> Backend:
    from acom_tui.session import open_demo_backend

    setup_logging()
    return open_demo_backend()


def _read_config(path: Path) -> tuple[StartSettings, Settings | None, SettingsOf]:
    """(what the start needs, the settings if validated now, how to get them later).

    No file: the defaults. A text accepted before: its start values at once, and the
    settings built from that same text when first asked for (after the first paint). A new
    or edited text: validated now (its keymap too), and remembered as accepted.
    """
    folder = data_dir(os.environ)
    start, raw = accepted_start(path, folder)
    if raw is None:
        return StartSettings(), None, lambda: None
    if start is not None:
        return start, None, cache(partial(_settings_from_text, path, raw))
    settings = _settings_from_text(path, raw)
    if settings.keymap:
        from acom_tui.keymap import check_keymap

        check_keymap(settings.keymap, path)
    start = StartSettings.of(settings)
    remember_accepted(raw, folder, start)
    return start, settings, lambda: settings


def _settings_from_text(path: Path, raw: bytes) -> Settings:
    from acom_tui.config import settings_from_text

    return settings_from_text(path, raw)


def _open_server(url: str, allow_insecure_http: bool, settings_of: SettingsOf) -> Backend:
    from acom_tui.config import ServerSettings
    from acom_tui.session import open_server_backend

    setup_logging()
    settings = settings_of()
    base = settings.server if settings is not None else ServerSettings()
    server = base.model_copy(update={"url": url, "allow_insecure_http": allow_insecure_http})
    return open_server_backend(server)


def _record_first_paint(path: Path, app: App[Any]) -> None:
    path.write_text(f"{time.time():.6f}\n", encoding="utf-8")
    app.exit(0)


def main(argv: Sequence[str] | None = None) -> int:
    # Start-up allocates many objects that live as long as the app, and the cyclic garbage
    # collector would walk them again and again before the first paint (about 25 ms). Both
    # apps switch it back on after their first paint (shell.start_up_painted, which also
    # freezes the start-up objects out of its way); every other path gets it back here.
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
    parser = build_parser()
    args = parser.parse_args(arguments)
    if args.command == "staff":
        # The member app's options do not apply to the staff commands, which take theirs
        # after the word (``acom-tui staff --demo lookup 10000001``).
        parser.error("give the options of the staff commands after 'staff'")
    from acom_tui.i18n import detect_language, set_language, t

    # Until the log file is set up (after the first paint), nothing may reach stderr.
    logging.getLogger().addHandler(logging.NullHandler())
    path = config_path(os.environ)
    try:
        start, settings, settings_of = _read_config(path)
    except ConfigError as exc:
        set_language(args.lang or detect_language(os.environ))
        print(t("cli.config_error", error=exc), file=sys.stderr)
        return EXIT_USAGE
    set_language(choose_language(args.lang, start.language, os.environ))

    source: partial[Backend]
    url: str | None = None
    allow_insecure = args.allow_insecure_http
    if args.demo:
        source = partial(_open_demo)
    else:
        url = args.server if args.server is not None else start.server_url
        allow_insecure = allow_insecure or start.allow_insecure_http
        if url is None:
            print(t("cli.no_server", path=path), file=sys.stderr)
            return EXIT_USAGE
        problem = url_problem(url, allow_insecure_http=allow_insecure)
        if problem is not None:
            print(t("cli.bad_server", error=problem), file=sys.stderr)
            return EXIT_USAGE
        source = partial(_open_server, url, allow_insecure, settings_of)

    hook = (
        partial(_record_first_paint, Path(args.benchmark_first_paint))
        if args.benchmark_first_paint
        else None
    )
    if args.staff:
        from acom_tui.staff.app import run_console

        return run_console(
            demo=args.demo,
            url=url,
            allow_insecure_http=allow_insecure,
            start=start,
            theme=args.theme,
            after_first_paint=hook,
        )

    from acom_tui.app import AcomApp

    app = AcomApp(
        source,
        demo=args.demo,
        settings=settings,
        start=start,
        settings_later=None if settings is not None else settings_of,
        theme=args.theme,
        after_first_paint=hook,
    )
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    raise SystemExit(main())
