"""Many terminal apps on pseudo-terminals, driven from one thread, as an SSH host runs them.

Each :class:`Console` is a process started with ``os.forkpty`` (so the pty is its
controlling terminal, as under sshd) on an 80x24 window. One ``poll`` loop reads every
master, strips the escape sequences and walks each console through its :class:`Step`
list: wait until a text is on the screen, note the time, type the next keys. Times are
taken when the loop reads the bytes that show the text, so they are what a user at that
terminal would see, with the same measure for our apps and for the bare baseline.

Memory and CPU are read from ``/proc``: PSS and RSS from ``smaps_rollup`` (PSS divides
each shared page among the processes that map it, so the sum over processes is what the
host really pays), CPU from ``stat``.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ACOM_TUI = str(BIN / "acom-tui")
BARE_APP = [sys.executable, str(ROOT / "benchmarks" / "bare_app.py")]
STAFF_ID = "S0001"
# The mock roster's published demo password.
STAFF_PASSWORD = "staff-demo-pass"
MEMBER = "10000001"
PIN = "4829"
ROWS, COLUMNS = 24, 80
TYPING_DELAY_S = 0.5
TIMED_OUT = "did not answer in time"
# CSI, OSC, DCS/APC strings and two-byte escapes: what is left is the text on screen.
_ESCAPES = re.compile(
    rb"\x1b(?:\[[0-9;?<>=:]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)"
    rb"|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])"
)
_KEEP_BYTES = 256 * 1024
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Step:
    """Wait until ``text`` is on the screen, record it as ``mark``, then type ``keys``."""

    mark: str
    text: str
    keys: str = ""
    # Typed this long after the text appeared: a screen is painted a moment before its
    # input has the focus, and keys typed in between go nowhere (as for a fast typist).
    delay: float = 0.0
    # While waiting for ``text``: this text on screen ends the console's run as failed.
    fail: str = ""


def staff_steps(*, member: bool = True) -> list[Step]:
    steps = [
        Step("first_screen", "Staff login", f"{STAFF_ID}\t{STAFF_PASSWORD}\r", TYPING_DELAY_S),
        Step("logged_in", "Member lookup", f"{MEMBER}\r" if member else "", fail=TIMED_OUT),
    ]
    if member:
        steps.append(Step("member_shown", "Wrong PINs"))
    return steps


def member_steps() -> list[Step]:
    return [
        Step("first_screen", "Member login", f"{MEMBER}\t{PIN}\r", TYPING_DELAY_S),
        Step("logged_in", "Balance history"),
    ]


def bare_steps() -> list[Step]:
    return [Step("first_screen", "Hello"), Step("logged_in", "Hello")]


def environment(base: Path, name: str) -> dict[str, str]:
    """English on an xterm, with config, log and data in a folder of the console's own."""
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "LANG": "en_US.UTF-8",
        "LC_ALL": "en_US.UTF-8",
        "ACOM_TUI_CONFIG": str(base / name / "config.toml"),
        "ACOM_TUI_LOG_DIR": str(base / name / "log"),
        "ACOM_TUI_DATA_DIR": str(base / name / "data"),
    }
    # An installed app has its .pyc files; a shell that forbids writing them would have
    # every start compile our modules (the first start of a run writes them).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("NO_COLOR", None)
    return env


@dataclass
class Console:
    name: str
    pid: int
    fd: int
    started: float
    steps: list[Step]
    marks: dict[str, float] = field(default_factory=dict)
    raw: bytearray = field(default_factory=bytearray)
    exit_status: int | None = None
    closed: bool = False
    pending: list[tuple[float, str]] = field(default_factory=list)
    failed: str | None = None

    @property
    def done(self) -> bool:
        return self.failed is not None or len(self.marks) == len(self.steps)

    def elapsed(self, mark: str) -> float:
        return self.marks[mark] - self.started

    def feed(self, data: bytes, now: float) -> None:
        self.raw.extend(data)
        if len(self.raw) > _KEEP_BYTES:
            del self.raw[: len(self.raw) - _KEEP_BYTES // 4]
        while not self.done:
            step = self.steps[len(self.marks)]
            screen = _ESCAPES.sub(b"", bytes(self.raw))
            if step.fail and step.fail.encode() in screen:
                self.failed = step.fail
                return
            if step.text.encode() not in screen:
                return
            self.marks[step.mark] = now
            self.raw.clear()
            if step.keys:
                self.pending.append((now + step.delay, step.keys))
        self.type_due(now)

    def type_due(self, now: float) -> None:
        while self.pending and self.pending[0][0] <= now:
            self.type(self.pending.pop(0)[1])

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def close(self) -> None:
        """Drop the terminal, as an SSH connection that goes away does."""
        if not self.closed:
            self.closed = True
            os.close(self.fd)

    def reap(self) -> bool:
        if self.exit_status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.exit_status = os.waitstatus_to_exitcode(status)
        return self.exit_status is not None

    def kill(self) -> None:
        if not self.reap():
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.exit_status = -signal.SIGKILL


def spawn(name: str, argv: Sequence[str], env: Mapping[str, str], steps: list[Step]) -> Console:
    started = time.perf_counter()
    pid, fd = os.forkpty()
    if pid == 0:  # the child: set the window, then become the app
        try:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
            os.execve(argv[0], list(argv), dict(env))
        finally:
            os._exit(127)
    # forkpty leaves the master inheritable: every console started later would hold it
    # open across its exec, so closing it here would not hang this terminal up until those
    # exited (sshd opens each pty in a process of its own). The first host run lost 22 of
    # 50 terminals that way.
    os.set_inheritable(fd, False)
    return Console(name, pid, fd, started, steps)


def pump(consoles: Iterable[Console], until: float, *, stop_when_done: bool = True) -> None:
    """Read every terminal until ``until`` (perf_counter), or until all steps are done."""
    live = {c.fd: c for c in consoles if not c.closed}
    poller = select.poll()
    for fd in live:
        poller.register(fd, select.POLLIN)
    while live:
        if stop_when_done and all(c.done for c in live.values()):
            return
        left = until - time.perf_counter()
        if left <= 0:
            return
        now = time.perf_counter()
        for console in live.values():
            console.type_due(now)
        for fd, _mask in poller.poll(min(left, 0.05) * 1000):
            console = live[fd]
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if not data:  # the app exited (EIO on the master)
                poller.unregister(fd)
                del live[fd]
                continue
            console.feed(data, time.perf_counter())


def rollup_kib(pid: int) -> dict[str, int]:
    """PSS and RSS of one process, in KiB."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="ascii").splitlines():
        key, _, rest = line.partition(":")
        if key in ("Pss", "Rss"):
            values[key.lower()] = int(rest.split()[0])
    return values


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far."""
    text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    fields = text.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
