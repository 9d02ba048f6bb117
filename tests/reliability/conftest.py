"""Fixtures of the reliability tests: real ``acom-mock-server`` processes on loopback ports."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.mock_process import MockServer


@pytest.fixture
def mock_server(tmp_path: Path) -> Iterator[Callable[..., MockServer]]:
    """Make servers on temp databases; every one still running is stopped at the end."""
    made: list[MockServer] = []

    def make(**options: Any) -> MockServer:
        name = f"server-{len(made)}"
        server = MockServer(
            db=tmp_path / f"{name}.sqlite3", log=tmp_path / f"{name}.log", **options
        )
        made.append(server)
        return server

    yield make
    for server in made:
        server.kill()
