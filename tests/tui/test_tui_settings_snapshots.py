"""Snapshots of the settings screens at 80x24, on the roster, the mock clock frozen.

Regenerate after an intended change with
``pytest tests/tui/test_tui_settings_snapshots.py --snapshot-update -p no:xdist`` and look
at the SVGs in ``__snapshots__``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from settings_support import open_settings, png_bytes, set_input, type_keys
from textual.pilot import Pilot
from tui_support import laid_out, make_app, settle, until

from acom_tui.api.demo import Demo
from acom_tui.dialogs.file_picker import DocumentTree
from acom_tui.i18n import t
from acom_tui.screens.documents import DocumentUploadScreen, UploadProgress
from acom_tui.widgets.banner import Banner

SnapCompare = Callable[..., bool]
Step = Callable[[Pilot[Any]], Awaitable[None]]


def opened(member_number: str, entry_key: str | None = None) -> Step:
    async def run(pilot: Pilot[Any]) -> None:
        await open_settings(pilot, member_number, entry_key)
        await laid_out(pilot)  # the keyring's answer may change a text's height

    return run


def test_settings_menu(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    assert snap_compare(make_app(make_demo(), lang="ja"), run_before=opened("10000001"))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_profile_field_error(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo], lang: str
) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await open_settings(pilot, "10000001", "1")
        await set_input(pilot, "#pf-address-postal_code", "16000")
        await pilot.press("f8")
        await settle(pilot)

    assert snap_compare(make_app(make_demo(), lang=lang), run_before=run)


def test_step_up_prompt(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await open_settings(pilot, "10000001", "1")
        await set_input(pilot, "#pf-mobile_phone", "080-1234-5678")
        await pilot.press("f8")
        await settle(pilot)
        await type_keys(pilot, "1111")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(make_demo(), lang="ja"), run_before=run)


def test_documents_list(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    assert snap_compare(make_app(make_demo(), lang="ja"), run_before=opened("10000001", "2"))


def test_file_picker(
    snap_compare: SnapCompare,
    make_demo: Callable[[], Demo],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home = tmp_path / "home"
    (home / "書類").mkdir(parents=True)
    (home / ".ssh").mkdir()
    (home / "書類" / "源泉徴収票2025.pdf").write_bytes(b"%PDF-1.7\n")
    (home / "書類" / "給与明細.png").write_bytes(png_bytes())
    (home / "memo.txt").write_text("not shown", encoding="utf-8")
    (home / "scan.JPG").write_bytes(b"\xff\xd8\xff\xe0")
    monkeypatch.setenv("HOME", str(home))

    async def run(pilot: Pilot[Any]) -> None:
        await open_settings(pilot, "10000007", "2")
        await pilot.press("f4")
        await settle(pilot)
        # The tree reads folders in a worker that never ends: wait for what it shows.
        await pilot.press("f3")
        tree = pilot.app.screen.query_one(DocumentTree)
        await until(pilot, lambda: tree.last_line >= 2)
        await pilot.press("down", "enter")
        await until(pilot, lambda: tree.last_line >= 4)

    assert snap_compare(make_app(make_demo(), lang="ja"), run_before=run)


def test_upload_progress(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await open_settings(pilot, "10000007", "2")
        await pilot.press("f4")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, DocumentUploadScreen)
        await set_input(pilot, "#upload-path", "~/書類/gensen.png")
        # The state halfway through an upload, fed the way the upload worker feeds it.
        progress = screen.query_one(UploadProgress)
        progress.start()
        progress.post_message(UploadProgress.Advanced(3 * 1024 * 1024, 6 * 1024 * 1024))
        screen.query_one("#upload-status", Banner).show(t("settings.upload.sending"), "info")
        await settle(pilot)

    assert snap_compare(make_app(make_demo(), lang="ja"), run_before=run)


def test_limit_increase_before(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await open_settings(pilot, "10000007", "3")
        await type_keys(pilot, "50万")
        await pilot.press("tab")
        await settle(pilot)

    assert snap_compare(make_app(make_demo(), lang="ja"), run_before=run)


def test_limit_increase_documents_required(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo]
) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await open_settings(pilot, "10000007", "3")
        await type_keys(pilot, "500000")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await laid_out(pilot)
        # The requested-limit field is 16 cells wide once the screen has laid it out again.
        await until(pilot, lambda: pilot.app.screen.query_one("#limit-requested").size.width == 16)

    assert snap_compare(make_app(make_demo(), lang="ja"), run_before=run)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_pin_change_weak_pin(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo], lang: str
) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await open_settings(pilot, "10000001", "4")
        await set_input(pilot, "#pin-current", "4829")
        await set_input(pilot, "#pin-new", "1234")
        await set_input(pilot, "#pin-again", "1234")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(make_demo(), lang=lang), run_before=run)


def test_preferences(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    assert snap_compare(make_app(make_demo(), lang="ja"), run_before=opened("10000001", "5"))
