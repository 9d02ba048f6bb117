"""Lost terminals on a host running many consoles, and a terminal lost while logging in.

The real ``acom-tui --staff`` on pseudo-terminals against a real ``acom-mock-server`` (the
fixtures and helpers of ``test_tui_terminal.py``):

* several consoles, each started after the others (as sshd starts them), all logged in;
  every terminal dropped at once: each process exits within 2 s and logs out. Each master
  is kept out of the consoles started after it: a console holding another's master keeps
  that terminal from hanging up (the first host benchmark lost 22 of 50 that way);
* the terminal dropped while the login is on its way to a server that is slow to answer
  (its database write lock held by the test): the process still exits within 2 s, and the
  session the server opens after that is ended by the login's abandonment.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager

from test_tui_terminal import (  # noqa: F401 - the fixtures are used by name
    EXIT_WITHIN_S,
    STAFF_BURST,
    Terminal,
    log_in,
    open_sessions,
    revoked,
    server,
    spawn,
)

from benchmarks.mock_process import MockServer

CONSOLES = 4
HOLD_S = 3.0


def test_every_console_exits_and_logs_out_when_all_terminals_drop_at_once(
    server: MockServer,  # noqa: F811 - the fixture
    spawn: Callable[..., Terminal],  # noqa: F811 - the fixture
) -> None:
    terminals = []
    for _ in range(CONSOLES):
        # spawn keeps each master out of the consoles started after it, as sshd does.
        terminals.append(spawn("--staff", "--server", server.base_url, "--lang", "en"))
    for number, terminal in enumerate(terminals, start=1):
        terminal.wait_for(lambda t=terminal: "Password" in t.text(), "login screen")
        terminal.read_for(0.5)
        assert terminal.master is not None
        os.write(terminal.master, STAFF_BURST)
        terminal.wait_for(lambda n=number: open_sessions(server, "staff") == n, "session")
        terminal.wait_for(lambda t=terminal: "Log out" in t.text(), "staff member screen")

    dropped = time.monotonic()
    for terminal in terminals:
        terminal.close_master()
    statuses = [terminal.exit_status(within=EXIT_WITHIN_S) for terminal in terminals]

    assert statuses == [128 + signal.SIGHUP] * CONSOLES
    assert time.monotonic() - dropped < EXIT_WITHIN_S + 0.5
    assert revoked(server, "staff")


@contextmanager
def write_lock_held(mock: MockServer, seconds: float) -> Iterator[threading.Thread]:
    holder = mock.hold_write_lock(seconds)
    try:
        yield holder
    finally:
        holder.join()


def attempts_seen(mock: MockServer) -> list[tuple[str, bool]]:
    """(kind, opened a session) of every login attempt the server has seen."""
    with closing(sqlite3.connect(f"file:{mock.db}?mode=ro", uri=True, timeout=10)) as db:
        rows = db.execute("SELECT kind, token_hash IS NOT NULL FROM login_attempts").fetchall()
    return [(row[0], bool(row[1])) for row in rows]


def test_a_terminal_lost_while_logging_in_leaves_no_session_behind(
    server: MockServer,  # noqa: F811 - the fixture
    spawn: Callable[..., Terminal],  # noqa: F811 - the fixture
) -> None:
    terminal = spawn("--staff", "--server", server.base_url, "--lang", "en")
    terminal.wait_for(lambda: "Password" in terminal.text(), "login screen")
    terminal.read_for(0.5)
    with write_lock_held(server, HOLD_S):
        assert terminal.master is not None
        os.write(terminal.master, STAFF_BURST)
        terminal.read_for(1.0)  # the login is sent, and waits for the database
        dropped = time.monotonic()
        terminal.close_master()
        status = terminal.exit_status(within=EXIT_WITHIN_S)
        exited_after = time.monotonic() - dropped

    assert status == 128 + signal.SIGHUP
    assert exited_after < EXIT_WITHIN_S
    # The server saw the attempt (opened its session, or was told first to open none)...
    deadline = time.monotonic() + 10
    while not attempts_seen(server) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(attempts_seen(server)) == 1
    # ...and no session of it is left open once the abandonment is through.
    assert revoked(server, "staff")
