"""``acom-tui``: argument parsing only."""

from __future__ import annotations

import argparse
import sys

from acom_tui import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="acom-tui", description="Card-loan member portal in a terminal."
    )
    parser.add_argument("--server", metavar="URL", help="member-site API base URL")
    parser.add_argument("--demo", action="store_true", help="run on the embedded mock (no network)")
    parser.add_argument("--lang", choices=["ja", "en"], help="language (default: from the locale)")
    parser.add_argument("--theme", metavar="NAME", help="colour theme")
    parser.add_argument("--version", action="version", version=f"acom-tui {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    build_parser().parse_args(argv)
    print(
        "acom-tui: the terminal UI is not built yet; the mock server is: acom-mock-server",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
