"""The real ``acom-tui`` in a pseudo-terminal: a lost terminal ends the session (SPEC 2.2).

Each test starts a real ``acom-mock-server``, runs the member app or the staff console on
it in a pseudo-terminal, logs in with the keys of one ``os.write`` (a burst, issue 13),
then takes the terminal away: the master end closed (what an SSH drop or a closed window
does), SIGHUP, or SIGTERM. The program must be gone within 2 s, and its session revoked
on the server (read from the server's database).
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import sqlite3
import struct
import sys
import termios
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from acom_tui.terminal import QUIET_AFTER_S
from acom_tui.widgets.cursor_rest import REST_AFTER_S
from benchmarks.mock_process import MockServer

SCRIPT = Path(sys.executable).parent / "acom-tui"
START_TIMEOUT_S = 30.0
EXIT_WITHIN_S = 2.0

pytestmark = pytest.mark.skipif(
    not SCRIPT.exists() or sys.platform == "win32", reason="needs the console script and a pty"
)


@dataclass
class Terminal:
    """``acom-tui`` on the slave end of a pseudo-terminal; we hold the master."""

    pid: int
    master: int | None
    output: bytearray = field(default_factory=bytearray)

    def read_for(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while self.master is not None and time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    self.output += os.read(self.master, 65536)
                except OSError:
                    return

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        end = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < end:
            self.read_for(0.1)
            if condition():
                return
        pytest.fail(f"no {what} after {START_TIMEOUT_S} s; the screen said: {self.text()[-800:]}")

    def text(self) -> str:
        return self.output.decode("utf-8", errors="replace")

    def close_master(self) -> None:
        assert self.master is not None
        os.close(self.master)
        self.master = None

    def exit_status(self, within: float) -> int | None:
        """The exit status once the program ends, or None if it is still running."""
        end = time.monotonic() + within
        while time.monotonic() < end:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            self.read_for(0.02)
            time.sleep(0.01)
        return None

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        if self.master is not None:
            os.close(self.master)
            self.master = None


@pytest.fixture
def server(tmp_path: Path) -> Iterator[MockServer]:
    with MockServer(db=tmp_path / "server.sqlite3", log=tmp_path / "server.log") as running:
        yield running
    running.kill()


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., Terminal]]:
    started: list[Terminal] = []
    home = tmp_path / "home"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }

    def start(*args: str, extra_env: dict[str, str] | None = None) -> Terminal:
        # Everything the child needs is made before the fork: between fork and exec the
        # child of a threaded process does nothing but exec.
        path, argv = str(SCRIPT), ["acom-tui", *args]
        child_env = {**env, **(extra_env or {})}
        pid, master = os.forkpty()
        if pid == 0:  # the child: becomes acom-tui, its terminal the pty's slave end
            try:
                os.execve(path, argv, child_env)
            finally:
                os._exit(127)
        # Later children must not hold this master open (a dropped terminal would then
        # never hang up), as sshd keeps each session's pty to itself.
        os.set_inheritable(master, False)
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        terminal = Terminal(pid, master)
        started.append(terminal)
        return terminal

    yield start
    for terminal in started:
        terminal.kill()


def open_sessions(server: MockServer, kind: str) -> int:
    with closing(sqlite3.connect(f"file:{server.db}?mode=ro", uri=True, timeout=10)) as db:
        row = db.execute(
            "SELECT COUNT(*) FROM sessions WHERE kind = ? AND revoked_at IS NULL", (kind,)
        ).fetchone()
    return int(row[0])


def revoked(server: MockServer, kind: str) -> bool:
    """Whether the app's logout has reached the server, waiting for it a few seconds.

    The app sends it before it exits; on a loaded machine (pytest -n 8 on two cores) the
    server may still be writing the revocation when the exit status is read. The server
    revokes an idle session only after minutes, so a revocation seen here is the app's.
    """
    end = time.monotonic() + START_TIMEOUT_S
    while open_sessions(server, kind) != 0:
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


def log_in(terminal: Terminal, server: MockServer, kind: str, burst: bytes, prompt: str) -> None:
    terminal.wait_for(lambda: prompt in terminal.text(), "login screen")
    terminal.read_for(0.5)
    assert terminal.master is not None
    os.write(terminal.master, burst)  # one write: the keys arrive in one read
    terminal.wait_for(lambda: open_sessions(server, kind) == 1, "session on the server")


MEMBER_BURST = b"10000001\t4829\r"
STAFF_BURST = b"S0001\tstaff-demo-pass\r"


def end_terminal(terminal: Terminal, how: str) -> None:
    if how == "closed":
        terminal.close_master()
    else:
        os.kill(terminal.pid, signal.SIGHUP if how == "sighup" else signal.SIGTERM)


EXPECTED_STATUS = {"closed": 128 + signal.SIGHUP, "sighup": 128 + signal.SIGHUP}


@pytest.mark.parametrize("how", ["closed", "sighup", "sigterm"])
def test_the_member_app_logs_out_and_exits_when_its_terminal_goes(
    server: MockServer, spawn: Callable[..., Terminal], how: str
) -> None:
    terminal = spawn("--server", server.base_url, "--lang", "en")
    log_in(terminal, server, "member", MEMBER_BURST, "PIN")
    terminal.wait_for(lambda: "Log out" in terminal.text(), "dashboard")
    end_terminal(terminal, how)
    status = terminal.exit_status(within=EXIT_WITHIN_S)
    assert status == EXPECTED_STATUS.get(how, 128 + signal.SIGTERM), terminal.text()[-800:]
    assert revoked(server, "member")


@pytest.mark.parametrize("how", ["closed", "sighup", "sigterm"])
def test_the_staff_console_logs_out_and_exits_when_its_terminal_goes(
    server: MockServer, spawn: Callable[..., Terminal], how: str
) -> None:
    terminal = spawn("--staff", "--server", server.base_url, "--lang", "en")
    log_in(terminal, server, "staff", STAFF_BURST, "Password")
    # The server has the session before the console has its answer; a hang-up in between
    # leaves the console nothing to log out (a loaded machine, pytest -n 8, hit it). Wait
    # until the console shows its logged-in screen, as the member test waits for the
    # dashboard.
    terminal.wait_for(lambda: "Log out" in terminal.text(), "staff member screen")
    end_terminal(terminal, how)
    status = terminal.exit_status(within=EXIT_WITHIN_S)
    assert status == EXPECTED_STATUS.get(how, 128 + signal.SIGTERM), terminal.text()[-800:]
    assert revoked(server, "staff")


def test_the_demo_exits_when_its_terminal_goes(spawn: Callable[..., Terminal]) -> None:
    terminal = spawn("--demo", "--lang", "en")
    terminal.wait_for(lambda: "PIN" in terminal.text(), "login screen")
    terminal.read_for(0.5)
    assert terminal.master is not None
    os.write(terminal.master, MEMBER_BURST)
    terminal.wait_for(lambda: "Log out" in terminal.text(), "dashboard")
    started = time.monotonic()
    terminal.close_master()
    assert terminal.exit_status(within=EXIT_WITHIN_S) == 128 + signal.SIGHUP
    assert time.monotonic() - started < EXIT_WITHIN_S


def wakeups(pid: int) -> int:
    """How often the kernel has switched the process's threads out, all threads together."""
    total = 0
    for status in Path(f"/proc/{pid}/task").glob("*/status"):
        for line in status.read_text().splitlines():
            if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                total += int(line.split()[1])
    return total


F9 = b"\x1b[20~"


def test_an_idle_console_sleeps_and_still_hears_keys_and_its_hang_up(
    server: MockServer, spawn: Callable[..., Terminal]
) -> None:
    """Idle, nothing wakes the console (Textual's input loop alone woke it ten times a
    second, issue 16); a key after the quiet acts, and a hang-up still ends it."""
    terminal = spawn("--staff", "--server", server.base_url, "--lang", "en")
    log_in(terminal, server, "staff", STAFF_BURST, "Password")
    terminal.wait_for(lambda: "Log out" in terminal.text(), "staff member screen")
    terminal.read_for(QUIET_AFTER_S + REST_AFTER_S / 2)  # the input loop and the cursor rest

    before = wakeups(terminal.pid)
    terminal.read_for(2.0)
    woken = wakeups(terminal.pid) - before
    assert woken <= 4, f"woken {woken} times in 2 s of idling"

    assert terminal.master is not None
    os.write(terminal.master, F9)  # the logout key, an escape sequence, after the quiet
    assert revoked(server, "staff")
    terminal.wait_for(lambda: "Password" in terminal.text()[-3000:], "login screen again")

    terminal.read_for(QUIET_AFTER_S + 1)
    terminal.close_master()
    assert terminal.exit_status(within=EXIT_WITHIN_S) == 128 + signal.SIGHUP


def _imported(text: str) -> set[str]:
    """The top-level packages in ``python -X importtime`` lines."""
    return {
        name.split(".")[0]
        for name in re.findall(r"import time:\s+\d+ \|\s+\d+ \|\s*([\w.]+)", text)
    }


@pytest.mark.parametrize("console", ["member", "staff"])
def test_a_config_file_accepted_once_is_not_validated_before_the_next_first_screen(
    spawn: Callable[..., Terminal], tmp_path: Path, console: str
) -> None:
    # A support host's consoles read the server's URL from the config file. The first
    # start validates the file (pydantic, about 100 ms) before drawing; later starts with
    # the same text take the few values the first screen needs from the mark.
    home = tmp_path / "home"
    config = home / "config" / "acom-tui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[server]\nurl = "http://127.0.0.1:9"\n\n[ui]\nlanguage = "en"\n')
    painted = tmp_path / "painted"
    flags = ["--staff"] if console == "staff" else []
    imports = []
    for _ in range(2):
        painted.unlink(missing_ok=True)
        terminal = spawn(
            *flags,
            "--benchmark-first-paint",
            str(painted),
            extra_env={"PYTHONPROFILEIMPORTTIME": "1"},
        )
        assert terminal.exit_status(within=START_TIMEOUT_S) == 0, terminal.text()[-800:]
        terminal.read_for(0.2)
        assert painted.exists()
        imports.append(_imported(terminal.text()))
    assert "textual" in imports[1]  # the check sees the imports
    assert "pydantic" in imports[0]
    assert "pydantic" not in imports[1]
    # Nor is the TOML parsed again: its start values were noted with the text.
    assert "tomllib" in imports[0]
    assert "tomllib" not in imports[1]
    mark = home / "data" / "acom-tui" / "config.accepted"
    assert mark.stat().st_mode & 0o777 == 0o600
    assert mark.parent.stat().st_mode & 0o777 == 0o700
