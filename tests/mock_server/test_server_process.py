"""The real ``acom-mock-server`` console script, over HTTP, in one and in two worker processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

SCRIPT = Path(sys.executable).parent / "acom-mock-server"
ADMIN = "process-test-admin-token"
# A Wednesday morning: never inside the weekly maintenance, whenever the suite runs.
FROZEN_AT = "2026-12-02T10:00:00+09:00"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0

pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason="console script not installed")


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"server exited with {server.process.returncode}:\n{server.output()}")
        try:
            if httpx.get(f"{server.base_url}/v1/status", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"server not up after {START_TIMEOUT_S} s:\n{server.output()}")


def stop_cleanly(server: Server) -> None:
    """SIGTERM, as a service manager sends it: a graceful shutdown within the timeout."""
    server.process.send_signal(signal.SIGTERM)
    try:
        code = server.process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
        pytest.fail(f"server ignored SIGTERM:\n{server.output()}")
    # A single uvicorn process re-raises the signal after its graceful shutdown, so it
    # ends "killed by SIGTERM"; the worker supervisor returns 0.
    assert code in (0, -signal.SIGTERM), server.output()
    assert "Application shutdown complete." in server.output()


def start(tmp_path: Path, *extra: str) -> Iterator[Server]:
    port = free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "ACOM_MOCK_ADMIN_TOKEN": ADMIN}
    command = [
        str(SCRIPT),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--db",
        str(tmp_path / "mock.sqlite3"),
        "--frozen-at",
        FROZEN_AT,
        *extra,
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        wait_until_up(server)
        yield server
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    yield from start(tmp_path)


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[Server]:
    # --reset seeds the roster once, before the workers start, so neither seeds over the other.
    yield from start(tmp_path, "--workers", "2", "--reset")


def login(client: httpx.Client, number: str = "10000001") -> dict[str, str]:
    response = client.post("/v1/sessions", json={"member_number": number, "pin": "4829"})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def test_login_account_logout_and_clean_exit(server: Server) -> None:
    with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
        status = client.get("/v1/status").json()
        assert status["server_time"] == FROZEN_AT
        headers = login(client)
        account = client.get("/v1/me/account", headers=headers)
        assert account.status_code == 200
        assert account.json()["credit_limit"] == 500_000
        assert account.json()["principal"] == 120_000
        assert client.delete("/v1/sessions/current", headers=headers).status_code == 204
        after = client.get("/v1/me/account", headers=headers)
        assert after.status_code == 401
        assert ADMIN not in after.text
    stop_cleanly(server)
    assert "Traceback" not in server.output()


def test_dropped_response_closes_the_socket(server: Server) -> None:
    admin = {"X-Admin-Token": ADMIN}
    with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
        put = client.put("/v1/admin/faults", json={"drop_after_commit": True}, headers=admin)
        assert put.status_code == 200
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("/v1/sessions", json={"member_number": "10000001", "pin": "4829"})
        assert client.put("/v1/admin/faults", json={}, headers=admin).status_code == 200
        assert client.get("/v1/status").status_code == 200
    stop_cleanly(server)


def test_two_workers_share_the_database(two_workers: Server) -> None:
    admin = {"X-Admin-Token": ADMIN}
    # New connections each time, so the requests spread over both workers.
    for _ in range(6):
        with httpx.Client(base_url=two_workers.base_url, timeout=10.0) as client:
            headers = login(client)
            assert client.get("/v1/me/account", headers=headers).status_code == 200
    with httpx.Client(base_url=two_workers.base_url, timeout=10.0) as client:
        put = client.put("/v1/admin/faults", json={"error_rate": 1.0}, headers=admin)
        assert put.status_code == 200
    # Whichever worker answers, it reads the faults from the shared database.
    for _ in range(6):
        with httpx.Client(base_url=two_workers.base_url, timeout=10.0) as client:
            response = client.get("/v1/me/account")
            assert response.json()["error"]["code"] == "INJECTED_FAULT"
    stop_cleanly(two_workers)


# --- issue 12: forwarded headers, Host, private files, body limits -----------------------------


def _wrong_logins(client: httpx.Client, count: int, forwarded: bool) -> list[int]:
    statuses = []
    for i in range(count):
        headers = {"X-Forwarded-For": f"203.0.113.{i % 250 + 1}"} if forwarded else {}
        body = {"member_number": f"2{i:07d}", "pin": "1111"}
        statuses.append(client.post("/v1/sessions", json=body, headers=headers).status_code)
    return statuses


def test_forwarded_for_is_ignored_by_default(server: Server) -> None:
    with httpx.Client(base_url=server.base_url, timeout=30.0) as client:
        assert set(_wrong_logins(client, 100, forwarded=False)) == {401}
        # Rotating the header buys nothing: the TCP peer is the one counted.
        rotated = _wrong_logins(client, 20, forwarded=True)
    assert rotated == [429] * 20
    stop_cleanly(server)


def test_forwarded_for_is_trusted_only_when_told(tmp_path: Path) -> None:
    for trusting in start(tmp_path, "--forwarded-allow-ips", "127.0.0.1"):
        with httpx.Client(base_url=trusting.base_url, timeout=30.0) as client:
            _wrong_logins(client, 100, forwarded=False)
            assert _wrong_logins(client, 1, forwarded=False) == [429]
            # Behind a proxy at 127.0.0.1, the address it names is the client.
            assert _wrong_logins(client, 1, forwarded=True) != [429]
        stop_cleanly(trusting)


def test_a_foreign_host_is_refused_on_loopback(server: Server) -> None:
    with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
        rebound = client.get("/v1/status", headers={"Host": "attacker.example:8080"})
        assert rebound.status_code == 421
        assert rebound.json()["error"]["code"] == "MISDIRECTED_REQUEST"
        assert rebound.json()["error"]["details"]["host"] == "attacker.example:8080"
        port = server.base_url.rsplit(":", 1)[1]
        for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}"):
            assert client.get("/v1/status", headers={"Host": host}).status_code == 200
        answer = client.get("/v1/banks")
        assert answer.headers["cache-control"] == "no-store"
    stop_cleanly(server)


def test_a_huge_content_length_is_refused_before_the_body(server: Server) -> None:
    host, port = server.base_url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10.0) as sock:
        sock.sendall(
            b"POST /v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{"
        )
        received = b""
        while chunk := sock.recv(65536):  # the server closes: no more of the 100 MiB is read
            received += chunk
        answer = received.decode("latin-1")
    assert answer.startswith("HTTP/1.1 413"), answer
    assert '"code":"PAYLOAD_TOO_LARGE"' in answer
    stop_cleanly(server)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_private_files_are_the_owners_alone(tmp_path: Path) -> None:
    db = tmp_path / "mock.sqlite3"
    db.touch(mode=0o644)
    db.chmod(0o644)  # as an older version left it
    for running in start(tmp_path):
        with httpx.Client(base_url=running.base_url, timeout=10.0) as client:
            headers = login(client)
            pdf = b"%PDF-1.4\n" + b"0" * 2048 + b"\n%%EOF\n"
            upload = client.post(
                "/v1/me/documents",
                headers=headers,
                data={"kind": "pay_slip"},
                files={"file": ("slip.pdf", pdf, "application/pdf")},
            )
            assert upload.status_code == 201, upload.text
            wal = Path(f"{db}-wal")
            shm = Path(f"{db}-shm")
            pepper = Path(f"{db}.pepper")
            assert {p.name: _mode(p) for p in (db, wal, shm, pepper)} == {
                p.name: 0o600 for p in (db, wal, shm, pepper)
            }
            files = tmp_path / "files"
            assert _mode(files) == 0o700
            stored = [p for p in files.iterdir() if p.is_file()]
            assert stored and {_mode(p) for p in stored} == {0o600}
            assert len(pepper.read_bytes()) == 32
        stop_cleanly(running)
