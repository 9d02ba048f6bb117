"""A real ``acom-mock-server`` process on a free loopback port: start, kill -9, restart.

Shared by the server benchmarks, ``scripts/load_test.py`` and ``tests/reliability``. The
server runs in a session of its own, so stopping it also stops its uvicorn workers; every
stop signals that process group by its id, never processes by name.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx

SCRIPT = Path(sys.executable).parent / "acom-mock-server"
ADMIN_TOKEN = "reliability-admin-token"
# A Wednesday morning: never inside the weekly maintenance, whenever it runs.
FROZEN_AT = "2026-12-02T10:00:00+09:00"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 20.0


class ServerFailed(RuntimeError):
    """The server did not come up, or did not stop."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class MockServer:
    """One server on ``db``; ``start()`` again after ``kill()`` reuses the port and the file."""

    db: Path
    log: Path
    workers: int = 1
    frozen_at: str | None = FROZEN_AT
    # Many borrowings within minutes would trip FREQUENT_BORROWING; load is not fraud.
    frequent_borrowing_count: int | None = 1_000_000
    worker_header: bool = False
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def admin_headers(self) -> dict[str, str]:
        return {"X-Admin-Token": ADMIN_TOKEN}

    def command(self, *, reset: bool) -> list[str]:
        command = [str(SCRIPT), "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--db", str(self.db), "--workers", str(self.workers)]
        # Only the first start sets the clock: a restart must find it in the database.
        if self.frozen_at is not None and self.starts == 0:
            command += ["--frozen-at", self.frozen_at]
        if reset:
            command.append("--reset")
        return command

    def environment(self) -> dict[str, str]:
        env = {**os.environ, "ACOM_MOCK_ADMIN_TOKEN": ADMIN_TOKEN}
        if self.frequent_borrowing_count is not None:
            env["ACOM_MOCK_FREQUENT_BORROWING_COUNT"] = str(self.frequent_borrowing_count)
        if self.worker_header:
            env["ACOM_MOCK_WORKER_HEADER"] = "1"
        return env

    def start(self, *, reset: bool = False, wait: bool = True) -> None:
        if self.process is not None and self.process.poll() is None:
            raise ServerFailed("already running")
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.command(reset=reset),
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self.environment(),
                start_new_session=True,
            )
        self.starts += 1
        if wait:
            self.wait_until_up()

    def wait_until_up(self, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                code = None if self.process is None else self.process.returncode
                raise ServerFailed(f"server exited with {code}:\n{self.output()[-3000:]}")
            try:
                if httpx.get(f"{self.base_url}/v1/status", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise ServerFailed(f"server not up after {timeout} s:\n{self.output()[-3000:]}")

    def kill(self) -> None:
        """``kill -9`` of the whole server (its process group): no shutdown code runs."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> int:
        """SIGTERM, then wait for the graceful shutdown (SIGKILL if it hangs)."""
        process = self.process
        if process is None or process.poll() is not None:
            return 0 if process is None else process.returncode
        os.killpg(process.pid, signal.SIGTERM)
        try:
            return process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()
            raise ServerFailed(f"server ignored SIGTERM:\n{self.output()[-3000:]}") from None

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def hold_write_lock(self, seconds: float) -> threading.Thread:
        """Hold the database's write lock for ``seconds`` from a connection of another
        thread, as a slow writer of another worker would; returns once it is held (join
        the thread to wait for its release)."""
        taken = threading.Event()

        def hold() -> None:
            with closing(sqlite3.connect(self.db, isolation_level=None, timeout=10)) as db:
                db.execute("BEGIN IMMEDIATE")
                taken.set()
                time.sleep(seconds)
                db.execute("ROLLBACK")

        holder = threading.Thread(target=hold, name="write-lock-holder")
        holder.start()
        if not taken.wait(10):
            raise ServerFailed("the write lock was not free within 10 s")
        return holder

    def __enter__(self) -> MockServer:
        if self.process is None:
            self.start(reset=True)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.stop()
        finally:
            self.kill()
