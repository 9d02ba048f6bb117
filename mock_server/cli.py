"""``acom-mock-server``: serve the mock backend with uvicorn."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import datetime
from pathlib import Path

import platformdirs


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="acom-mock-server", description="Mock member-site backend (FastAPI + SQLite)."
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="SQLite database file (default: mock.sqlite3 in the user data dir)",
    )
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument(
        "--reset", action="store_true", help="reset the database to the demo roster"
    )
    parser.add_argument("--frozen-at", default=None, help="start the clock frozen at this ISO time")
    return parser


def default_db() -> Path:
    return platformdirs.user_data_path("acom-tui") / "mock.sqlite3"


def build_app_from_env() -> object:
    """uvicorn factory used for multi-worker runs (configuration via environment)."""

    from mock_server.app import create_app
    from mock_server.clock import Clock
    from mock_server.settings import ServerSettings
    from mock_server.store import Store

    db = Path(os.environ["ACOM_MOCK_DB"])
    frozen = os.environ.get("ACOM_MOCK_FROZEN_AT")
    clock = Clock(datetime.fromisoformat(frozen), frozen=True) if frozen else Clock()
    settings = ServerSettings(admin_token=os.environ["ACOM_MOCK_ADMIN_TOKEN"])
    return create_app(Store.open(db), clock, settings)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    import secrets

    import uvicorn

    from mock_server.clock import Clock
    from mock_server.roster import seed
    from mock_server.settings import ServerSettings
    from mock_server.store import Store

    db: Path = args.db or default_db()
    db.parent.mkdir(parents=True, exist_ok=True)
    token = os.environ.get("ACOM_MOCK_ADMIN_TOKEN") or secrets.token_urlsafe(24)
    clock = Clock()
    if args.frozen_at:
        try:
            at = datetime.fromisoformat(args.frozen_at)
        except ValueError:
            at = None
        if at is None or at.tzinfo is None:
            print(
                "--frozen-at needs an ISO time with a timezone, e.g. 2026-12-01T10:00:00+09:00",
                file=sys.stderr,
            )
            return 2
        os.environ["ACOM_MOCK_FROZEN_AT"] = args.frozen_at
        clock = Clock(at, frozen=True)
    store = Store.open(db)
    if store.fresh or args.reset:
        # Seed here, once, before any worker starts: workers must not race to seed.
        with store.write() as conn:
            seed(conn, clock.now(), ServerSettings().scrypt)
    store.close()
    os.environ["ACOM_MOCK_DB"] = str(db)
    os.environ["ACOM_MOCK_ADMIN_TOKEN"] = token
    print(f"acom-mock-server: database {db}", flush=True)
    print(f"acom-mock-server: admin token {token} (header X-Admin-Token)", flush=True)
    logging.basicConfig(level=logging.INFO)
    uvicorn.run(
        "mock_server.cli:build_app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
