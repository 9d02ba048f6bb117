"""Fixtures of the TUI tests: a demo backend on a fixed, frozen clock and roster data.

Seeding the roster hashes every member's PIN, so it is done once per test process into a
template database; each test gets its own copy, so tests never see each other's state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tui_support import FIXED_NOW

from acom_tui import i18n
from acom_tui.api.demo import Demo, open_demo
from mock_server.store import copy_database


@pytest.fixture(autouse=True)
def _strict_catalogue_and_no_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A missing catalogue key fails the test; nothing ever reaches a real keyring."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    before = i18n.get_language(), i18n.STRICT
    i18n.STRICT = True
    yield
    i18n.set_language(before[0])
    i18n.STRICT = before[1]


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.sqlite3"
    demo = open_demo(path, now=FIXED_NOW, frozen=True)
    asyncio.run(demo.aclose())
    return path


@pytest.fixture
def make_demo(tmp_path: Path, template_database: Path) -> Callable[[], Demo]:
    """A new demo on a copy of the roster database, its clock frozen at FIXED_NOW."""

    def make() -> Demo:
        target = tmp_path / f"demo-{len(list(tmp_path.glob('demo-*')))}"
        target.mkdir()
        database = target / "demo.sqlite3"
        copy_database(template_database, database)
        return open_demo(database, now=FIXED_NOW, frozen=True)

    return make
