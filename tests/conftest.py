"""Shared fixtures: a real mock app on a temp SQLite file with a fixed, frozen clock."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import httpx
import hypothesis
import pytest
from fastapi import FastAPI

from acom_contract.schemas import JST
from mock_server.app import create_app
from mock_server.clock import Clock
from mock_server.hashing import ScryptParams
from mock_server.settings import ServerSettings
from mock_server.store import Store

# Hypothesis's per-example deadline (200 ms) and its "too slow" check are timings: on a
# loaded machine (pytest -n 8 on two cores) they fail a property whose every answer is
# right, typically at the first example of a new year, when the calendar of that year is
# built. Speed is measured by benchmarks/, never by tests (docs/performance.md).
hypothesis.settings.register_profile(
    "acom", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.load_profile("acom")

# Wednesday 2 December 2026, 10:00 Japan time: a weekday, away from maintenance.
FIXED_NOW = datetime(2026, 12, 2, 10, 0, tzinfo=JST)
ADMIN_TOKEN = "test-admin-token"
# Real scrypt, cheaper parameters: the suite hashes the roster many times.
TEST_SCRYPT = ScryptParams(n=2**10, r=8, p=1)


@pytest.fixture(autouse=True)
def _chatty_loggers_restored() -> Iterator[None]:
    """The app's ``setup_logging`` sets httpx's and httpcore's levels (DEBUG with
    ``ACOM_TUI_LOG_LEVEL=debug``); a later test on the same worker then caught httpx's
    request lines in ``caplog``. Each test leaves them as it found them."""
    levels = {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never read or write the real user's config, data or logs."""
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("ACOM_TUI_CONFIG", str(base / "config.toml"))
    monkeypatch.setenv("ACOM_TUI_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("ACOM_TUI_LOG_DIR", str(base / "log"))
    # Files saved "here" (an export with no ~/Downloads) land in the test's own folder,
    # never in the repository.
    work = base / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)


@pytest.fixture
def clock() -> Clock:
    return Clock(FIXED_NOW, frozen=True)


@pytest.fixture
def settings(tmp_path: Path) -> ServerSettings:
    return ServerSettings(admin_token=ADMIN_TOKEN, scrypt=TEST_SCRYPT, data_dir=tmp_path / "files")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "mock.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    store = Store.open(db_path)
    yield store
    store.close()


@pytest.fixture
def app(store: Store, clock: Clock, settings: ServerSettings) -> FastAPI:
    return create_app(store, clock, settings)


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def admin_headers() -> dict[str, str]:
    return {"X-Admin-Token": ADMIN_TOKEN}
