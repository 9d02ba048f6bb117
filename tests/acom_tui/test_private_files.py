"""The client's log and exported statements are readable by their owner only (issue 12, 8)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from acom_tui.export import CsvExport
from acom_tui.logs import setup_logging
from acom_tui.paths import log_path


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that lets everyone read, as many desktops set it: the modes must not rely on it."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


@pytest.mark.usefixtures("open_umask", "restore_logging")
def test_the_log_is_created_0600_in_a_0700_folder() -> None:
    path = setup_logging()
    assert path is not None and path == log_path()
    logging.getLogger("acom_tui.test").info("member 10000001 logged in")
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700


@pytest.mark.usefixtures("open_umask", "restore_logging")
def test_an_old_readable_log_is_tightened() -> None:
    path = log_path()
    path.parent.mkdir(parents=True, mode=0o755)
    path.write_text("old line\n", encoding="utf-8")
    path.chmod(0o644)
    setup_logging()
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    assert path.read_text(encoding="utf-8").startswith("old line\n")  # appended, not replaced


@pytest.mark.usefixtures("open_umask")
def test_an_export_is_0600_while_written_and_after(tmp_path: Path) -> None:
    target = tmp_path / "loan.csv"
    with CsvExport(target, "loan", "ja") as export:
        assert export.part_path is not None
        assert _mode(export.part_path) == 0o600
        result = export.finish()
    assert _mode(result.path) == 0o600
