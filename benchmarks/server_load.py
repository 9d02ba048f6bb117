"""The mock server under uvicorn on 127.0.0.1: requests per second, p50 and p99.

For 1 and for 4 workers (on one SQLite file), the real ``acom-mock-server`` and a bare
FastAPI app (``benchmarks/bare_server.py``, same uvicorn settings) run side by side, and
the same load generator (``benchmarks/loadgen.py``, in this process, on the same 2 cores)
drives them alternately:

* ``GET /v1/me/account`` (authenticated: session check, loan state, interest to date)
  against a bare ``GET`` returning a dict of the same shape;
* ``POST /v1/me/borrowings`` of 1,000 yen, each with its own Idempotency-Key, against a
  bare ``POST`` that parses the same body. Member 10000001 has 380,000 yen available, so a
  run is at most 380 borrowings; the roster is reset (admin API) before each run.

The mock's clock is frozen, and its frequent-borrowing rule lifted (a benchmark is not
fraud). Every request has a timeout and every run a fixed number of requests.

    python -m benchmarks.server_load [--runs 3] [--write docs/performance.md]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks.common import ROOT, machine, median, ms, write_block
from benchmarks.loadgen import LoadResult, drive
from benchmarks.mock_process import MockServer, free_port

NAME = "server-load"
MEMBER = "10000001"
ACCOUNT_REQUESTS = 2000
BORROWINGS = 300
CONCURRENCY = 16


@dataclass
class BareServer:
    workers: int
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [sys.executable, "-m", "uvicorn", "benchmarks.bare_server:build", "--factory"]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--workers", str(self.workers), "--log-level", "info"]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base_url}/bare/account", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError(f"bare server not up:\n{self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


async def login(http: httpx.AsyncClient, index: int) -> dict[str, str]:
    response = await http.post("/v1/sessions", json={"member_number": MEMBER, "pin": "4829"})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def get_account(http: httpx.AsyncClient, headers: Any, number: int) -> httpx.Response:
    return await http.get("/v1/me/account", headers=headers)


async def borrow(http: httpx.AsyncClient, headers: Any, number: int) -> httpx.Response:
    key = {"Idempotency-Key": f"bench-{uuid.uuid4()}"}
    return await http.post("/v1/me/borrowings", json={"amount": 1000}, headers=headers | key)


async def bare_get(http: httpx.AsyncClient, state: Any, number: int) -> httpx.Response:
    return await http.get("/bare/account")


async def bare_post(http: httpx.AsyncClient, state: Any, number: int) -> httpx.Response:
    return await http.post("/bare/borrowings", json={"amount": 1000})


def reset(server: MockServer) -> None:
    response = httpx.post(f"{server.base_url}/v1/admin/reset", headers=server.admin_headers)
    response.raise_for_status()


def expect(result: LoadResult, status: int, what: str) -> LoadResult:
    if result.errors or set(result.statuses) != {status}:
        raise RuntimeError(f"{what}: {dict(result.statuses)} {dict(result.errors)}")
    return result


def measure_workers(workers: int, runs: int, base: Path) -> dict[str, list[LoadResult]]:
    results: dict[str, list[LoadResult]] = {k: [] for k in ("get", "bare_get", "post", "bare_post")}
    mock = MockServer(db=base / f"mock-{workers}.sqlite3", log=base / f"mock-{workers}.log")
    mock.workers = workers
    bare = BareServer(workers, base / f"bare-{workers}.log")
    with mock:
        bare.start()
        try:
            # Warm-up: every worker imports lazily and opens its connection on first use.
            asyncio.run(drive(mock.base_url, get_account, total=200, concurrency=8, setup=login))
            asyncio.run(drive(bare.base_url, bare_get, total=200, concurrency=8))
            for _ in range(runs):
                got = asyncio.run(
                    drive(
                        mock.base_url,
                        get_account,
                        total=ACCOUNT_REQUESTS,
                        concurrency=CONCURRENCY,
                        setup=login,
                    )
                )
                results["get"].append(expect(got, 200, "GET /v1/me/account"))
                bare_got = asyncio.run(
                    drive(bare.base_url, bare_get, total=ACCOUNT_REQUESTS, concurrency=CONCURRENCY)
                )
                results["bare_get"].append(expect(bare_got, 200, "bare GET"))
                reset(mock)
                posted = asyncio.run(
                    drive(
                        mock.base_url,
                        borrow,
                        total=BORROWINGS,
                        concurrency=CONCURRENCY,
                        setup=login,
                    )
                )
                results["post"].append(expect(posted, 201, "POST /v1/me/borrowings"))
                bare_posted = asyncio.run(
                    drive(bare.base_url, bare_post, total=BORROWINGS, concurrency=CONCURRENCY)
                )
                results["bare_post"].append(expect(bare_posted, 201, "bare POST"))
        finally:
            bare.stop()
    if "database is locked" in mock.output() or "Traceback" in mock.output():
        raise RuntimeError(f"server errors with {workers} workers:\n{mock.output()[-3000:]}")
    return results


def measure(runs: int) -> dict[int, dict[str, list[LoadResult]]]:
    with tempfile.TemporaryDirectory(prefix="acom-bench-server-") as tmp:
        return {workers: measure_workers(workers, runs, Path(tmp)) for workers in (1, 4)}


def _row(label: str, mine: list[LoadResult], bare: list[LoadResult]) -> str:
    rps = median([r.rps for r in mine])
    bare_rps = median([r.rps for r in bare])
    p50 = median([r.p(0.50) for r in mine])
    p99 = median([r.p(0.99) for r in mine])
    bare_p50 = median([r.p(0.50) for r in bare])
    bare_p99 = median([r.p(0.99) for r in bare])
    return (
        f"| {label} | {rps:.0f} | {ms(p50)} | {ms(p99)} | {bare_rps:.0f} | {ms(bare_p50)} "
        f"| {ms(bare_p99)} | {rps / bare_rps:.2f} |"
    )


def report(results: dict[int, dict[str, list[LoadResult]]]) -> str:
    runs = len(results[1]["get"])
    lines = [
        f"Measured by `python -m benchmarks.server_load` ({runs} runs each, alternating with "
        f"the baseline; {CONCURRENCY} keep-alive clients; {ACCOUNT_REQUESTS} GETs or "
        f"{BORROWINGS} borrowings per run; median of the runs).",
        "",
        "| workers, request | req/s | p50 | p99 | bare req/s | bare p50 | bare p99 "
        "| req/s vs bare |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for workers, parts in results.items():
        lines.append(_row(f"{workers}, `GET /v1/me/account`", parts["get"], parts["bare_get"]))
        lines.append(
            _row(f"{workers}, `POST /v1/me/borrowings`", parts["post"], parts["bare_post"])
        )
    lines += [
        "",
        "Every request answered 200 (GET) or 201 (borrowing); no transport error, no "
        '"database is locked" in the server log.',
        "",
        machine(),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", type=Path, metavar="MARKDOWN", help="update this file")
    args = parser.parse_args(argv)
    text = report(measure(args.runs))
    print(text)
    if args.write is not None:
        write_block(NAME, text, args.write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
