"""Where an export may go: real folders, real failures, and what each failure is called."""

from __future__ import annotations

import errno
import os
from datetime import datetime
from pathlib import Path

import pytest

from acom_contract.schemas import JST, Statement
from acom_tui.export import CsvExport, check_folder, folder_problem

CARD = Statement(
    id="card_1",
    kind="card",
    occurred_at=datetime(2026, 11, 9, 21, 52, tzinfo=JST),
    amount=1200,
    merchant="コンビニ デモマート",
)


def _error_of(action: object) -> OSError:
    assert callable(action)
    with pytest.raises(OSError) as caught:
        action()
    return caught.value


def test_a_folder_under_a_file_is_missing(tmp_path: Path) -> None:
    # How the tests make an unwritable data folder even as root: a path under a file.
    blocker = tmp_path / "afile"
    blocker.write_text("x", encoding="utf-8")
    error = _error_of(lambda: check_folder(blocker / "data"))
    assert isinstance(error, FileNotFoundError)
    assert error.filename == str(blocker / "data")
    assert folder_problem(error) == "missing"
    # The system's own error for the same path means the same.
    real = _error_of(lambda: (blocker / "data").mkdir())
    assert real.errno == errno.ENOTDIR
    assert folder_problem(real) == "missing"


def test_an_existing_writable_folder_passes(tmp_path: Path) -> None:
    check_folder(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a 0500 folder")
def test_a_folder_without_write_permission_is_not_writable(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        error = _error_of(lambda: check_folder(locked))
        assert isinstance(error, PermissionError)
        assert folder_problem(error) == "not_writable"
    finally:
        locked.chmod(0o700)


def test_a_refused_create_is_not_writable_even_as_root(tmp_path: Path) -> None:
    # sysfs refuses new files to everyone, root included, although os.access says yes:
    # the export itself must then name the cause.
    if not Path("/sys/kernel").is_dir():
        pytest.skip("no sysfs here")
    error = _error_of(lambda: CsvExport(Path("/sys/kernel/x.csv"), "card", "en").open())
    assert folder_problem(error) == "not_writable"


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        (errno.ENOSPC, "disk_full"),
        (errno.EDQUOT, "disk_full"),
        (errno.EROFS, "not_writable"),
        (errno.EACCES, "not_writable"),
        (errno.ENOENT, "missing"),
        (errno.EIO, "other"),
    ],
)
def test_error_numbers_map_to_what_the_person_is_told(code: int, problem: str) -> None:
    assert folder_problem(OSError(code, os.strerror(code), "/x")) == problem


def test_a_full_disk_is_reported_as_such(tmp_path: Path) -> None:
    # /dev/full answers every write with ENOSPC: the real error of a full disk.
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w", encoding="utf-8") as full:
        error = _error_of(lambda: (full.write("x" * 8192), full.flush()))
    assert error.errno == errno.ENOSPC
    assert folder_problem(error) == "disk_full"


def test_export_into_a_typed_folder_works_when_the_data_folder_cannot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("ACOM_TUI_DATA_DIR", str(blocker / "data"))
    out = tmp_path / "out"
    out.mkdir()
    check_folder(out)
    with CsvExport(out / "x.csv", "card", "ja") as export:
        export.write([CARD])
        result = export.finish()
    assert result.path == out / "x.csv"
    assert result.rows == 1
    assert not (blocker.parent / "data").exists()
