"""``acom-tui`` as a Unix tool: --help, shell completion, the log, and the keymap check."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from acom_tui import cli, logs
from acom_tui.config import ConfigError
from acom_tui.keymap import binding_ids, check_keymap, unknown_keymap_ids

ROOT = Path(__file__).resolve().parents[2]
ACOM_TUI = Path(sys.executable).with_name("acom-tui")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [str(ACOM_TUI)] if ACOM_TUI.exists() else [sys.executable, "-m", "acom_tui"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )


# --- --help --------------------------------------------------------------------------------


def test_help_lists_the_staff_command_paths_and_variables(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "ACOM_TUI_CONFIG": str(tmp_path / "conf" / "mine.toml"),
        "ACOM_TUI_LOG_DIR": str(tmp_path / "logs"),
        "ACOM_TUI_DATA_DIR": str(tmp_path / "data"),
    }
    result = run("--help", env=env)
    assert result.returncode == 0
    text = result.stdout
    assert re.search(r"^    staff +support staff actions", text, re.MULTILINE)
    # The paths are this user's, as resolved now.
    assert f"config  {tmp_path / 'conf' / 'mine.toml'}" in text
    assert f"log     {tmp_path / 'logs' / 'acom-tui.log'}" in text
    assert f"data    {tmp_path / 'data'}" in text
    assert "rotated at 2 MiB, 3 old files kept" in text
    for name in (
        "ACOM_TUI_CONFIG",
        "ACOM_TUI_LOG_DIR",
        "ACOM_TUI_DATA_DIR",
        "ACOM_TUI_LOG_LEVEL",
        "ACOM_STAFF_ID",
        "ACOM_STAFF_PASSWORD",
        "NO_COLOR",
        "LANG",
    ):
        assert re.search(rf"^  .*\b{name}\b", text, re.MULTILINE), name
    assert "--print-completion bash" in text
    assert "--print-completion zsh" in text


def test_without_overrides_the_help_shows_the_platform_paths(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACOM_TUI_")}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME="", XDG_STATE_HOME="", XDG_DATA_HOME="")
    text = run("--help", env=env).stdout
    assert f"config  {tmp_path}/.config/acom-tui/config.toml" in text
    assert f"log     {tmp_path}/.local/state/acom-tui/log/acom-tui.log" in text


def _variables_read_by_the_code() -> set[str]:
    names: set[str] = set()
    pattern = re.compile(r'(?:_ENV|environ\.get\(|getenv\()\s*=?\s*\(?"([A-Z][A-Z0-9_]+)"')
    for path in (ROOT / "acom_tui").rglob("*.py"):
        names.update(pattern.findall(path.read_text(encoding="utf-8")))
    return names


def test_every_variable_the_code_reads_is_in_the_help() -> None:
    found = _variables_read_by_the_code()
    assert {"ACOM_TUI_CONFIG", "ACOM_STAFF_PASSWORD", "ACOM_TUI_LOG_LEVEL"} <= found
    listed = " ".join(names for names, _ in cli.ENVIRONMENT)
    assert sorted(name for name in found if name not in listed) == []


def test_staff_still_runs_its_own_commands() -> None:
    result = run("staff", "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: acom-tui staff")
    assert "pin-reset" in result.stdout


def test_options_before_staff_are_refused_with_a_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(["--demo", "staff", "lookup", "10000001"])
    assert stopped.value.code == 2
    assert "after 'staff'" in capsys.readouterr().err


# --- completion ----------------------------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_completion_scripts_parse_and_cover_the_staff_commands(shell: str, tmp_path: Path) -> None:
    result = run("--print-completion", shell)
    assert result.returncode == 0, result.stderr
    script = tmp_path / f"acom-tui.{shell}"
    script.write_text(result.stdout, encoding="utf-8")
    for word in ("--server", "--print-completion", "staff", "lookup", "pin-reset", "--reason"):
        assert word in result.stdout, word
    # The identity documents and suspension codes are offered as choices.
    assert "my_number_card" in result.stdout
    assert "DELINQUENCY" in result.stdout
    checker = shutil.which(shell)
    if checker is None:
        pytest.skip(f"{shell} is not installed: the script was made but not parsed")
    check = subprocess.run([checker, "-n", str(script)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_bash_completion_completes_the_staff_commands(tmp_path: Path) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    script = tmp_path / "acom-tui.bash"
    script.write_text(run("--print-completion", "bash").stdout, encoding="utf-8")
    probe = (
        f"source {script}\n"
        "COMP_WORDS=(acom-tui staff pin); COMP_CWORD=2; COMP_LINE='acom-tui staff pin'\n"
        "COMP_POINT=${#COMP_LINE}\n"
        "_shtab_acom_tui acom-tui pin staff\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    result = subprocess.run([bash, "-c", probe], capture_output=True, text=True, timeout=30)
    assert result.stdout.split() == ["pin-reset"], result.stderr


def test_an_unknown_shell_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.main(["--print-completion", "fish"])
    assert stopped.value.code == 2
    assert "invalid choice: 'fish'" in capsys.readouterr().err


def test_shtab_is_imported_only_when_asked() -> None:
    code = "import sys, acom_tui.cli\nacom_tui.cli.build_parser()\nprint('shtab' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "False"


# --- the log -------------------------------------------------------------------------------


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "logs"
    monkeypatch.setenv("ACOM_TUI_LOG_DIR", str(folder))
    monkeypatch.delenv("ACOM_TUI_LOG_LEVEL", raising=False)
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    yield folder
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])


def test_the_log_rotates_and_stays_private(log_dir: Path) -> None:
    path = logs.setup_logging()
    assert path == log_dir / "acom-tui.log"
    line = "x" * 1000
    for _ in range(logs.LOG_MAX_BYTES // 1000 * (logs.LOG_BACKUPS + 2)):
        logging.getLogger("acom_tui.test").info(line)
    names = sorted(p.name for p in log_dir.iterdir())
    assert names == ["acom-tui.log", "acom-tui.log.1", "acom-tui.log.2", "acom-tui.log.3"]
    for file in log_dir.iterdir():
        assert file.stat().st_size <= logs.LOG_MAX_BYTES
        assert file.stat().st_mode & 0o777 == 0o600, file.name


def test_http_requests_are_logged_only_at_debug(
    log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import httpx

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={})

    def one_request() -> str:
        with httpx.Client(transport=httpx.MockTransport(answer)) as client:
            client.get("https://member.example.jp/v1/status")
        for handler in logging.getLogger().handlers:
            handler.flush()
        return (log_dir / "acom-tui.log").read_text(encoding="utf-8")

    logs.setup_logging()
    logging.getLogger("acom_tui.test").info("started")
    text = one_request()
    assert "started" in text
    assert "/v1/status" not in text

    monkeypatch.setenv("ACOM_TUI_LOG_LEVEL", "debug")
    logs.setup_logging()
    assert "/v1/status" in one_request()


# --- the keymap ----------------------------------------------------------------------------


def test_binding_ids_come_from_both_apps() -> None:
    ids = binding_ids()
    from acom_tui.app import AcomApp
    from acom_tui.screens.statements import StatementsScreen
    from acom_tui.staff.app import StaffApp

    for cls in (AcomApp, StatementsScreen, StaffApp):
        for binding in cls.BINDINGS:
            assert getattr(binding, "id", None) in ids


def test_an_unknown_keymap_id_is_named_with_the_nearest_real_one(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    keymap = {"app.quit": "f10", "app.qiut": "q", "nonsense": "x"}
    assert unknown_keymap_ids(keymap, binding_ids()) == ["app.qiut", "nonsense"]
    with pytest.raises(ConfigError) as caught:
        check_keymap(keymap, path)
    message = str(caught.value)
    assert message.startswith(f"{path}: keymap.app.qiut: no key has the id 'app.qiut'")
    assert "(did you mean 'app.quit'?)" in message
    assert "keymap.nonsense: no key has the id 'nonsense'" in message
    check_keymap({"app.quit": "f10", "staff.member.audit": "a"}, path)


def test_acom_tui_refuses_to_start_with_an_unknown_keymap_id(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[keymap]\n"statements.exprot" = "e"\n', encoding="utf-8")
    env = {**os.environ, "ACOM_TUI_CONFIG": str(path), "LANG": "en_US.UTF-8", "LC_ALL": ""}
    result = run("--demo", env=env)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"The config file cannot be used: {path}: keymap.statements.exprot: no key has the "
        "id 'statements.exprot' (did you mean 'statements.export'?); "
        "the ids are listed in docs/tui.md"
    )
