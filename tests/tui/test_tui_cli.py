"""The command line: what happens before the first screen, and the import hygiene."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from acom_tui import cli, paths
from acom_tui.api.urls import url_problem


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == "acom-tui 0.1.0\n"


def test_without_server_or_demo_explains_and_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert "接続先のサーバーが指定されていません。" in err
    assert "acom-tui --demo" in err
    assert str(paths.config_path()) in err


def test_plain_http_to_another_host_is_refused_before_the_ui(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["--lang", "en", "--server", "http://example.com"]) == 2
    assert capsys.readouterr().err == (
        "The server address cannot be used: plain http to example.com would send your PIN "
        "unencrypted; use https\n"
    )


def test_a_broken_config_file_is_reported(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = paths.config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[ui]\nlanguage = 'fr'\n", encoding="utf-8")
    assert cli.main(["--lang", "en", "--demo"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("The config file cannot be used: ")
    assert "ui.language" in err


@pytest.mark.parametrize(
    ("url", "insecure", "problem"),
    [
        ("https://portal.example.jp", False, None),
        ("http://127.0.0.1:8080", False, None),
        ("http://localhost:8080", False, None),
        ("http://[::1]:8080", False, None),
        ("http://10.0.0.5:8080", True, None),
        ("http://10.0.0.5:8080", False, "plain http to 10.0.0.5 would send your PIN"),
        ("ftp://example.jp", False, "expected http(s)://host[:port]"),
        ("example.jp", False, "expected http(s)://host[:port]"),
    ],
)
def test_url_shape(url: str, insecure: bool, problem: str | None) -> None:
    result = url_problem(url, allow_insecure_http=insecure)
    if problem is None:
        assert result is None
    else:
        assert result is not None and result.startswith(problem)


def test_config_file_is_found_where_config_looks(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    assert paths.config_path(os.environ) == paths.config_path()
    monkeypatch.delenv("ACOM_TUI_CONFIG")
    assert paths.config_path(os.environ) == paths.config_path()
    assert paths.config_path(os.environ).name == "config.toml"


@pytest.mark.parametrize(
    ("flag", "configured", "lang_env", "expected"),
    [
        ("en", "ja", "ja_JP.UTF-8", "en"),
        (None, "en", "ja_JP.UTF-8", "en"),
        (None, "auto", "ja_JP.UTF-8", "ja"),
        (None, "auto", "C.UTF-8", "en"),
    ],
)
def test_language_precedence(
    flag: str | None, configured: str, lang_env: str, expected: str
) -> None:
    assert cli.choose_language(flag, configured, {"LANG": lang_env}) == expected


def _in_a_fresh_interpreter(code: str) -> str:
    """What ``code`` prints, run by a new Python process (its own ``sys.modules``)."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    return result.stdout


def test_the_first_screen_needs_no_heavy_module() -> None:
    """Importing the app (and the CLI) loads no HTTP, keyring, server, database or pydantic."""
    code = (
        "import sys\n"
        "import acom_tui.cli, acom_tui.app\n"
        "heavy = {'httpx', 'fastapi', 'starlette', 'keyring', 'sqlite3', 'mock_server',\n"
        "         'pydantic', 'uvicorn'}\n"
        # A None entry is a module kept out on purpose (httpx's CLI), not an import.
        "loaded = {m.split('.')[0] for m, module in sys.modules.items() if module is not None}\n"
        "print(sorted(loaded & heavy))\n"
        # Lighter, but not needed before the first paint either: the log file's handler,
        # the countdown widget (with the formatting of money and dates).
        "later = {'logging.handlers', 'acom_tui.widgets.countdown', 'acom_tui.formatting'}\n"
        "print(sorted(later & set(sys.modules)))\n"
    )
    assert _in_a_fresh_interpreter(code).split() == ["[]", "[]"]


def test_a_demo_app_loads_its_controls_when_the_palette_opens() -> None:
    """The demo's palette provider and F12 menu are not imported to draw the login."""
    code = (
        "import sys\n"
        "from acom_tui.app import AcomApp\n"
        "app = AcomApp(lambda: None, demo=True)\n"
        "assert app.is_demo\n"
        "print(sorted(m for m in sys.modules if m.startswith(('acom_tui.demo_controls',"
        " 'acom_tui.dialogs'))))\n"
    )
    assert _in_a_fresh_interpreter(code).strip() == "[]"


def test_every_path_out_of_main_leaves_the_garbage_collector_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import gc

    assert gc.isenabled()
    assert cli.main(["--lang", "en", "--server", "http://example.com"]) == 2
    assert gc.isenabled()
    with pytest.raises(SystemExit):
        cli.main(["--no-such-option"])
    assert gc.isenabled()
    capsys.readouterr()


@pytest.mark.parametrize("console", ["member", "staff"])
async def test_the_app_turns_the_collector_back_on_after_its_first_paint(
    make_demo: Any, console: str
) -> None:
    """``acom-tui`` starts with the collector off (cli.main); either app's first paint ends
    that (the staff console kept it on through its start-up until issue 16)."""
    import gc

    from tests.tui.staff_support import make_staff_app, staff_backend
    from tests.tui.tui_support import make_app, settle

    demo = make_demo()
    gc.disable()
    try:
        if console == "member":
            app: Any = make_app(demo, lang="en")
        else:
            app = make_staff_app(staff_backend(demo)[0], lang="en")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
        await demo.aclose()
