"""``acom-tui staff ...`` against a real ``acom-mock-server`` process on a loopback port.

One server per test module (per xdist worker), on its own database; each test works on
its own roster member, so the order of the tests does not matter.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from acom_tui import cli as member_cli
from acom_tui.staff import cli

SCRIPT = Path(sys.executable).parent / "acom-mock-server"
FROZEN_AT = "2026-12-02T10:00:00+09:00"  # a Wednesday morning, far from maintenance
START_TIMEOUT_S = 30.0
PASSWORD = "staff-demo-pass"

pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed")


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("staff-cli-server")
    port = _free_port()
    log = tmp / "server.log"
    command = [
        str(SCRIPT),
        *("--host", "127.0.0.1", "--port", str(port)),
        *("--db", str(tmp / "mock.sqlite3"), "--frozen-at", FROZEN_AT),
    ]
    env = {**os.environ, "ACOM_MOCK_ADMIN_TOKEN": "staff-cli-test-admin"}
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"server exited: {log.read_text(errors='replace')}")
            try:
                if httpx.get(f"{url}/v1/status", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server not up: {log.read_text(errors='replace')}")
            time.sleep(0.1)
        yield url
    finally:
        process.kill()
        process.wait()


def staff(
    *args: str,
    password: str | None = PASSWORD,
    lang: str = "en",
    environ: dict[str, str] | None = None,
) -> Run:
    """``acom-tui staff ARGS`` in this process, the password from the environment."""
    env = dict(environ or {})
    if password is not None:
        env[cli.PASSWORD_ENV] = password
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(["--lang", lang, *args], environ=env, stdout=out, stderr=err)
    return Run(code, out.getvalue(), err.getvalue())


def member_login(server: str, member_number: str, pin: str) -> httpx.Response:
    body = {"member_number": member_number, "pin": pin}
    return httpx.post(f"{server}/v1/sessions", json=body, timeout=10.0)


# --- reading --------------------------------------------------------------------------------


def test_lookup_prints_the_member(server: str) -> None:
    run = staff("lookup", "10000003", "--server", server, "--staff-id", "S0001")
    assert run.code == 0, run.err
    assert run.out.splitlines() == [
        "Name        鈴木 一郎",
        "Member no.  10000003",
        "Status      Locked",
        "Lock        Locked",
        "Wrong PINs  3",
        "Suspension  None",
        "Card        Valid",
        "E-mail      m***@example.jp",
        "Phone       090-****-1000",
    ]


def test_lookup_json_has_stable_keys(server: str) -> None:
    # Options before the command work too.
    run = staff("--server", server, "--staff-id", "S0001", "--json", "lookup", "10000004")
    assert run.code == 0, run.err
    assert run.json() == {
        "member": {
            "member_number": "10000004",
            "name": "高橋 次郎",
            "status": "suspended",
            "locked": False,
            "failed_attempts": 0,
            "suspension_reason": "DELINQUENCY",
            "card_status": "active",
            "email_masked": "m***@example.jp",
            "phone_masked": "090-****-1000",
        }
    }


def test_unknown_member_is_a_refusal(server: str) -> None:
    run = staff("lookup", "19999999", "--server", server, "--staff-id", "S0001", "--json")
    assert run.code == 1
    assert run.err == "No member has this number. Check the number.\n"
    assert run.json()["error"]["code"] == "NOT_FOUND"


# --- actions --------------------------------------------------------------------------------


def test_unlock_then_the_member_logs_in(server: str) -> None:
    assert member_login(server, "10000003", "4829").status_code == 423
    run = staff(
        *("unlock", "10000003", "--reason", "passport checked", "--document", "passport"),
        *("--server", server, "--staff-id", "S0001", "--json"),
    )
    assert run.code == 0, run.err
    data = run.json()
    assert data["action"] == "unlock"
    assert (data["member"]["status"], data["member"]["locked"]) == ("active", False)
    assert member_login(server, "10000003", "4829").status_code == 201

    again = staff(
        *("unlock", "10000003", "--reason", "again", "--document", "passport"),
        *("--server", server, "--staff-id", "S0001", "--json"),
    )
    assert again.code == 1
    assert again.json()["error"]["code"] == "CONFLICT"
    assert again.err.startswith("This account is not locked")


def test_pin_reset_prints_the_one_time_pin_once(server: str) -> None:
    run = staff(
        *("pin-reset", "10000002", "--reason", "forgot the PIN", "--document", "passport"),
        *("--server", server, "--staff-id", "S0001", "--json"),
    )
    assert run.code == 0, run.err
    data = run.json()
    assert sorted(data) == ["action", "expires_at", "member_number", "one_time_pin"]
    assert (data["action"], data["member_number"]) == ("pin_reset", "10000002")
    assert data["expires_at"] == "2026-12-03T10:00:00+09:00"
    pin = data["one_time_pin"]
    assert len(pin) == 4 and pin.isdigit()
    assert "Read it out only to the member" in run.err
    login = member_login(server, "10000002", pin)
    assert login.status_code == 201 and login.json()["pin_change_required"] is True

    audit = staff(
        *("audit", "--member", "10000002"),
        *("--server", server, "--staff-id", "S0001", "--json"),
    )
    assert audit.code == 0
    assert audit.json()["items"][0]["action"] == "pin_reset"
    assert audit.json()["items"][0]["details"]["identity_document"] == "passport"
    assert pin not in audit.out


@pytest.mark.parametrize("command", [("pin-reset", "10000002"), ("card-reissued", "10000005")])
def test_access_giving_commands_need_the_document(
    command: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    # argparse refuses these before anything connects (and prints to the real stderr).
    run = staff(*command, "--reason", "r", "--demo", "--staff-id", "S0001")
    assert run.code == 2
    assert "required: --document" in capsys.readouterr().err
    wrong = staff(*command, "--reason", "r", "--document", "library_card", "--demo")
    assert wrong.code == 2
    assert "argument --document: invalid choice" in capsys.readouterr().err


def test_a_locked_staff_id_says_to_ask_an_administrator(server: str) -> None:
    common = ("--server", server, "--staff-id", "S0404")
    runs = [staff("lookup", "10000001", *common, password="guess", lang="ja") for _ in range(5)]
    assert [r.code for r in runs] == [1] * 5
    assert runs[0].err.startswith("スタッフIDまたはパスワードが正しくありません。あと4回")
    assert "管理者にロックの解除を依頼してください" in runs[4].err
    right = staff("lookup", "10000001", *common, "--json", password=PASSWORD)
    assert right.json()["error"]["code"] == "STAFF_LOCKED"


def test_suspend_reinstate_and_the_card(server: str) -> None:
    common = ("--server", server, "--staff-id", "S0001", "--json")
    suspended = staff("suspend", "10000006", "--code", "OTHER_LENDERS", "--reason", "r", *common)
    assert suspended.json()["member"]["suspension_reason"] == "OTHER_LENDERS"
    assert member_login(server, "10000006", "4829").json()["error"]["code"] == ("ACCOUNT_SUSPENDED")
    reinstated = staff("reinstate", "10000006", "--reason", "resolved", *common)
    assert reinstated.json()["member"]["status"] == "active"
    lost = staff("card-lost", "10000006", "--reason", "stolen", *common)
    assert lost.json()["member"]["card_status"] == "lost"
    assert member_login(server, "10000006", "4829").json()["error"]["code"] == "CARD_LOST"
    reissued = staff(
        "card-reissued", "10000006", "--reason", "new card", "--document", "passport", *common
    )
    assert reissued.json()["member"]["card_status"] == "active"
    assert member_login(server, "10000006", "4829").status_code == 201

    audit = staff("audit", "--member", "10000006", "--staff", "S0001", "--limit", "4", *common)
    items = audit.json()["items"]
    assert [i["action"] for i in items] == ["card_reissued", "card_lost", "reinstate", "suspend"]
    assert [i["reason"] for i in items] == ["new card", "stolen", "resolved", "r"]
    assert items[3]["details"]["reason_code"] == "OTHER_LENDERS"
    assert audit.json()["next_cursor"] is None


def test_audit_pages_in_plain_text(server: str) -> None:
    for _ in range(3):
        assert staff("lookup", "10000008", "--server", server, "--staff-id", "S0001").code == 0
    run = staff(
        *("audit", "--member", "10000008", "--limit", "2"),
        *("--server", server, "--staff-id", "S0001"),
    )
    assert run.code == 0
    assert run.out.splitlines() == [
        "2026-12-02 10:00  S0001  Lookup  10000008",
        "2026-12-02 10:00  S0001  Lookup  10000008",
    ]
    assert run.err.startswith("There is more: add --cursor ")


# --- the password and the command line -----------------------------------------------------


def test_a_wrong_password_from_the_environment_is_refused(server: str) -> None:
    run = staff("lookup", "10000001", "--server", server, "--staff-id", "S0001", password="nope")
    assert run.code == 1
    assert run.err == (
        "The staff ID or password is not correct. "
        "Wrong passwords left before this staff ID is locked: 4.\n"
    )
    assert run.out == ""


def test_no_terminal_and_no_environment_variable_stops_before_connecting() -> None:
    # Port 9 (discard) would refuse; exit 2, not 1, shows nothing was attempted.
    run = staff(
        *("lookup", "10000001", "--server", "http://127.0.0.1:9", "--staff-id", "S0001"),
        password=None,
    )
    assert run.code == 2
    assert run.err == (
        "No password: run it from a terminal to be asked, or set the environment variable "
        "ACOM_STAFF_PASSWORD. It is never taken from an argument.\n"
    )


def test_on_a_terminal_the_password_is_asked_for(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts: list[str] = []

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return PASSWORD

    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr("getpass.getpass", fake_getpass)
    run = staff("lookup", "10000001", "--server", server, "--staff-id", "S0001", password=None)
    assert run.code == 0, run.err
    assert prompts == ["Password for staff S0001: "]


def test_there_is_no_password_option() -> None:
    run = staff("lookup", "10000001", "--password", PASSWORD, "--staff-id", "S0001")
    assert run.code == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lookup", "1000000"], "会員番号は8桁の数字です（入力されたのは7桁です）。\n"),
        (["reinstate", "10000001", "--reason", "  "], "理由を入力してください。\n"),
        (["audit", "--limit", "0"], "--limit は1～500で指定してください。\n"),
    ],
)
def test_usage_errors_stop_with_status_2(args: list[str], message: str) -> None:
    run = staff(*args, "--server", "http://127.0.0.1:9", "--staff-id", "S0001", lang="ja")
    assert (run.code, run.err) == (2, message)


def test_missing_staff_id_and_server(monkeypatch: pytest.MonkeyPatch) -> None:
    no_id = staff("lookup", "10000001", "--server", "http://127.0.0.1:9")
    assert no_id.code == 2
    assert "--staff-id" in no_id.err and cli.STAFF_ID_ENV in no_id.err
    no_server = staff("--json", "lookup", "10000001", environ={cli.STAFF_ID_ENV: "S0001"})
    assert no_server.code == 2
    assert no_server.json() == {
        "error": {"code": "USAGE", "message": no_server.err.strip(), "details": {}}
    }


def test_required_choices_are_checked_by_the_parser() -> None:
    assert staff("suspend", "10000001", "--reason", "r", "--staff-id", "S0001").code == 2
    unlock = ("unlock", "10000001", "--reason", "r", "--document", "library_card")
    assert staff(*unlock, "--staff-id", "S0001").code == 2


def test_acom_tui_staff_dispatches_here(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cli.PASSWORD_ENV, PASSWORD)
    monkeypatch.setenv(cli.STAFF_ID_ENV, "S0001")
    code = member_cli.main(
        ["staff", "--lang", "en", "lookup", "10000005", "--server", server, "--json"]
    )
    assert code == 0


def test_demo_runs_in_process() -> None:
    run = staff("lookup", "10000005", "--demo", "--staff-id", "S0001", "--json")
    assert run.code == 0, run.err
    assert run.json()["member"]["card_status"] == "lost"
    assert run.err.startswith("Demo: a fictional roster")


def test_the_staff_console_needs_a_server_like_the_member_app(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # No config file in the test's user dirs: the console does not start, status 2.
    assert member_cli.main(["--staff", "--lang", "en"]) == 2
    assert capsys.readouterr().err.startswith("No server is configured.")
    assert member_cli.build_parser().parse_args(["--staff", "--demo"]).staff is True
