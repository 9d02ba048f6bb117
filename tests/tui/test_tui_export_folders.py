"""The CSV export dialog and folders: the default, a typed folder, and failures named.

Each test has a home of its own, an app data folder that cannot be created (a path under a
file: that stops root too, as a read-only home would stop a user), and runs in a working
folder of its own, which is where a file goes when there is no ``~/Downloads``.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from tui_support import fill_login, make_app, settle

from acom_tui.api.demo import Demo
from acom_tui.dialogs.export import ExportDialog
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.prose import Prose

MEMBER = "10000010"  # 200 loan statements at the test clock (2 December 2026)
LOANS = f"acom-loan-{MEMBER}-all_2026-12-02.csv"


@pytest.fixture
def place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    blocker = tmp_path / "afile"
    blocker.write_text("not a folder", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    monkeypatch.setenv("ACOM_TUI_DATA_DIR", str(blocker / "data"))
    monkeypatch.chdir(work)
    return tmp_path


async def open_export(pilot: Pilot[Any]) -> ExportDialog:
    await settle(pilot)
    await fill_login(pilot, MEMBER)
    await pilot.press("3")
    await settle(pilot)
    await pilot.press("f8")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportDialog)
    return dialog


async def save(pilot: Pilot[Any], dialog: ExportDialog, typed: str | None = None) -> None:
    if typed is not None:
        dialog.query_one("#export-path", Input).value = typed
    await pilot.press("enter")
    await settle(pilot)


def rows_of(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


async def test_without_downloads_the_file_goes_to_the_current_folder(
    make_demo: Callable[[], Demo], place: Path
) -> None:
    app = make_app(make_demo(), lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_export(pilot)
        saved = place / "work" / LOANS
        assert dialog.query_one("#export-path", Input).value == str(saved)
        await save(pilot, dialog)
        assert dialog.state == "done"
        assert len(rows_of(saved)) == 201
        # The whole path, not "~/...": what a file manager or a shell is given.
        assert dialog.query_one("#export-outcome", Prose).text == (
            f"Saved 200 rows.\nSaved to: {saved}"
        )
    assert not (place / "afile.d").exists()


async def test_a_typed_folder_is_used_although_the_data_folder_is_unusable(
    make_demo: Callable[[], Demo], place: Path
) -> None:
    out = place / "out"
    out.mkdir()
    app = make_app(make_demo(), lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_export(pilot)
        await save(pilot, dialog, str(out))
        assert dialog.state == "done"
        assert [p.name for p in out.iterdir()] == [LOANS]
        assert dialog.query_one("#export-outcome", Prose).text == (
            f"200件を保存しました。\n保存先: {out / LOANS}"
        )


async def test_downloads_is_the_default_when_it_exists(
    make_demo: Callable[[], Demo], place: Path
) -> None:
    downloads = place / "home" / "Downloads"
    downloads.mkdir()
    app = make_app(make_demo(), lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_export(pilot)
        assert dialog.query_one("#export-path", Input).value == f"~/Downloads/{LOANS}"
        await save(pilot, dialog)
        assert dialog.state == "done"
        assert (downloads / LOANS).is_file()
        assert f"Saved to: {downloads / LOANS}" in dialog.query_one("#export-outcome", Prose).text
    assert list((place / "work").iterdir()) == []


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", 'The folder "{folder}" does not exist.'),
        ("ja", "フォルダ「{folder}」が見つかりません。"),
    ],
)
async def test_a_folder_under_a_file_is_named_as_missing(
    make_demo: Callable[[], Demo], place: Path, lang: str, expected: str
) -> None:
    folder = place / "afile" / "data"
    app = make_app(make_demo(), lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_export(pilot)
        await save(pilot, dialog, str(folder / "x.csv"))
        assert dialog.state == "choose"
        banner = dialog.query_one("#export-error", Banner).text
        assert banner == expected.format(folder=folder)
        # Nothing was "removed": no file was begun.
        assert "removed" not in banner and "削除" not in banner


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            'You cannot save in the folder "/sys/kernel": no permission to write there, '
            "or it is read-only. Type another folder.",
        ),
        (
            "ja",
            "フォルダ「/sys/kernel」には保存できません。書き込む権限がないか、読み取り専用です。"
            "別のフォルダを入れてください。",
        ),
    ],
)
async def test_a_folder_that_refuses_files_is_named_as_not_writable(
    make_demo: Callable[[], Demo], place: Path, lang: str, expected: str
) -> None:
    # sysfs refuses a new file to everyone, root included. As root, os.access says yes,
    # so the refusal comes from the export itself; otherwise from the check before it.
    if not Path("/sys/kernel").is_dir():
        pytest.skip("no sysfs here")
    app = make_app(make_demo(), lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_export(pilot)
        await save(pilot, dialog, "/sys/kernel/")
        if os.geteuid() == 0:
            assert dialog.state == "failed"
            text = dialog.query_one("#export-outcome", Prose).text
        else:
            assert dialog.state == "choose"
            text = dialog.query_one("#export-error", Banner).text
        assert text == expected
