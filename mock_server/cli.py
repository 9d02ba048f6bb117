"""``acom-mock-server``: serve the mock backend with uvicorn."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from mock_server.settings import ServerSettings


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
    parser.add_argument(
        "--forwarded-allow-ips",
        default=None,
        metavar="IPS",
        help="trust X-Forwarded-For/-Proto only from these proxy addresses (comma-separated, "
        "as uvicorn's option); by default they are ignored and the TCP peer is the client, "
        "so a caller cannot pick the address its failed logins are counted against",
    )
    parser.add_argument(
        "--frozen-at",
        default=None,
        help="freeze the clock at this ISO time (the clock is kept in the database: "
        "without this option a restart keeps it where it was; --reset runs it in real time)",
    )
    return parser


def default_db() -> Path:
    return platformdirs.user_data_path("acom-tui") / "mock.sqlite3"


# Environment of the uvicorn factory. The CLI sets the first two; the others are optional
# hooks for the reliability tests and benchmarks (docs/reliability.md).
ENV_DB = "ACOM_MOCK_DB"
ENV_ADMIN_TOKEN = "ACOM_MOCK_ADMIN_TOKEN"  # noqa: S105 - the name of a variable
ENV_FREQUENT_BORROWING = "ACOM_MOCK_FREQUENT_BORROWING_COUNT"
ENV_WORKER_HEADER = "ACOM_MOCK_WORKER_HEADER"
ENV_PEPPER = "ACOM_MOCK_PEPPER"  # the hashing pepper; by default the file <db>.pepper
ENV_LOOPBACK_ONLY = "ACOM_MOCK_LOOPBACK_ONLY"  # set by the CLI when --host is loopback
WORKER_HEADER = b"x-mock-worker"


def _settings_from_env() -> ServerSettings:
    from mock_server.settings import ServerSettings

    scrypt = replace(ServerSettings().scrypt, pepper=pepper(Path(os.environ[ENV_DB])))
    settings = ServerSettings(
        admin_token=os.environ[ENV_ADMIN_TOKEN],
        scrypt=scrypt,
        loopback_only=os.environ.get(ENV_LOOPBACK_ONLY) == "1",
    )
    frequent = os.environ.get(ENV_FREQUENT_BORROWING)
    if frequent:
        settings = replace(settings, frequent_borrowing_count=int(frequent))
    return settings


def pepper(db: Path) -> bytes:
    """The pepper of PIN and password hashes: ``ACOM_MOCK_PEPPER``, else ``<db>.pepper``."""
    from mock_server.hashing import pepper_for

    given = os.environ.get(ENV_PEPPER)
    return given.encode("utf-8") if given else pepper_for(db)


def is_loopback(host: str) -> bool:
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _with_worker_header(app: ASGIApp) -> ASGIApp:
    """Name the worker process in every response, so a test can tell workers apart."""
    pid = str(os.getpid()).encode("ascii")

    async def tagged(scope: Scope, receive: Receive, send: Send) -> None:
        async def send_tagged(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (WORKER_HEADER, pid)]
            await send(message)

        await app(scope, receive, send_tagged if scope["type"] == "http" else send)

    return tagged


class QuietDrops(logging.Filter):
    """One line, not a traceback, for a response dropped on purpose (fault injection).

    Raising is the only way an ASGI app can make uvicorn close a connection after the
    response started; uvicorn logs that as "Exception in ASGI application" with the whole
    stack, which buried real errors in a fault-injection run.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        from mock_server.faults import DroppedResponse

        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, DroppedResponse):
            record.msg, record.args = "%s", (error,)
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = record.exc_text = None
        return True


def build_app_from_env() -> ASGIApp:
    """uvicorn factory, one call per worker process (configuration via environment).

    The clock is the database's (``SharedClock``): moving it through any worker moves it
    for all of them.
    """
    from mock_server.app import create_app, warm_up
    from mock_server.clock import SharedClock
    from mock_server.store import Store

    logging.getLogger("uvicorn.error").addFilter(QuietDrops())
    store = Store.open(Path(os.environ[ENV_DB]))
    fastapi_app = create_app(store, SharedClock(store), _settings_from_env())
    warm_up(fastapi_app)
    app: ASGIApp = fastapi_app
    if os.environ.get(ENV_WORKER_HEADER) == "1":
        app = _with_worker_header(app)
    return app


def _frozen_at(text: str) -> datetime | None:
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    import secrets

    import uvicorn

    from mock_server.clock import SharedClock
    from mock_server.roster import seed
    from mock_server.settings import ServerSettings
    from mock_server.store import Store

    frozen_at = None
    if args.frozen_at:
        frozen_at = _frozen_at(args.frozen_at)
        if frozen_at is None:
            print(
                "--frozen-at needs an ISO time with a timezone, e.g. 2026-12-01T10:00:00+09:00",
                file=sys.stderr,
            )
            return 2
    # Everything the server writes (database, WAL, pepper, uploads) is its owner's alone.
    os.umask(0o077)
    db: Path = args.db or default_db()
    db.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if args.db is None:
        db.parent.chmod(0o700)  # our own folder: tighten one made by an older version
    token = os.environ.get(ENV_ADMIN_TOKEN) or secrets.token_urlsafe(24)
    store = Store.open(db)
    # The clock lives in the database: a restart keeps where it stood, unless told otherwise.
    clock = SharedClock(store)
    if frozen_at is not None:
        clock.set(frozen_at, frozen=True)
    elif args.reset:
        clock.run_in_real_time()
    if store.fresh or args.reset:
        # Seed here, once, before any worker starts: workers must not race to seed.
        with store.write() as conn:
            seed(conn, clock.now(), replace(ServerSettings().scrypt, pepper=pepper(db)))
    state = "frozen" if clock.frozen else "running"
    print(f"acom-mock-server: database {db}", flush=True)
    print(f"acom-mock-server: clock {clock.now().isoformat()} ({state})", flush=True)
    store.close()
    os.environ[ENV_DB] = str(db)
    os.environ[ENV_ADMIN_TOKEN] = token
    os.environ[ENV_LOOPBACK_ONLY] = "1" if is_loopback(args.host) else "0"
    print(f"acom-mock-server: admin token {token} (header X-Admin-Token)", flush=True)
    logging.basicConfig(level=logging.INFO)
    uvicorn.run(
        "mock_server.cli:build_app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
        # uvicorn trusts X-Forwarded-For from 127.0.0.1 unless told otherwise.
        proxy_headers=args.forwarded_allow_ips is not None,
        forwarded_allow_ips=args.forwarded_allow_ips,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
