"""The mock server under uvicorn on 127.0.0.1: requests per second, p50 and p99.

For 1 and for 4 workers (on one SQLite file), the real ``acom-mock-server`` and a bare
FastAPI app (``benchmarks/bare_server.py``, same uvicorn settings) run side by side, and
the same load generator drives them alternately: wrk (``apt-get install wrk``, native, 2
threads) when it is installed, else the asyncio + httpx one (``benchmarks/loadgen.py``, in
this process, on the same 2 cores, so it is then the bottleneck); the report says which.

* ``GET /v1/me/account`` (authenticated: session check, loan state, interest to date)
  against a bare ``GET`` returning a dict of the same shape;
* ``POST /v1/me/borrowings`` of 1,000 yen, each with its own Idempotency-Key, against a
  bare ``POST`` that parses the same body (with wrk a Lua script gives every request its
  own key). The roster is reset (admin API) before each run and 10000001's credit limit
  and income raised in the database, so that a run of thousands never meets the limit.

The mock's clock is frozen, and its frequent-borrowing rule lifted (a benchmark is not
fraud). Every request has a timeout and every run a fixed number of requests.

    python -m benchmarks.server_load [--runs 3] [--generator auto|wrk|python]
        [--workers 1 4] [--write docs/performance.md]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import sqlite3
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
CONCURRENCY = 32
WRK_THREADS = 2
WRK_SECONDS = 8
GOALS = {"get": 0.5, "post": 0.35}
P99_GOAL = 2.0
# Enough room for every borrowing of a run (thousands of 1,000 yen with wrk).
BENCH_CREDIT_LIMIT = 1_000_000_000
WRK_POST_SCRIPT = """
wrk.method = "POST"
wrk.body = '{"amount": 1000}'
wrk.headers["Content-Type"] = "application/json"
local counter = 0
local prefix = nil
request = function()
  if prefix == nil then
    prefix = string.format("wrk-%d-%s", os.time(), tostring({}):sub(8))
  end
  counter = counter + 1
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Idempotency-Key"] = prefix .. "-" .. counter
  return wrk.format(nil, nil, headers)
end
"""


@dataclass
class Measured:
    """One run of one request: what both generators report."""

    requests: int
    rps: float
    p50: float
    p99: float
    failures: int  # answers other than the expected status, and transport errors

    @classmethod
    def from_loadgen(cls, result: LoadResult, status: int) -> Measured:
        return cls(
            requests=result.requests,
            rps=result.rps,
            p50=result.p(0.50),
            p99=result.p(0.99),
            failures=result.failures(lambda code: code == status),
        )


_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _seconds(text: str) -> float:
    number, unit = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> Measured:
    """Requests, req/s, p50 and p99 and the failures from ``wrk --latency`` output."""
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.MULTILINE))
    requests = int(re.search(r"^\s+(\d+) requests in", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"^Requests/sec:\s+([0-9.]+)", output, re.MULTILINE).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    failures = int(non_2xx.group(1)) if non_2xx else 0
    failures += sum(int(n) for n in sockets.groups()) if sockets else 0
    return Measured(requests, rps, _seconds(latency["50"]), _seconds(latency["99"]), failures)


def run_wrk(url: str, headers: dict[str, str], script: Path | None) -> Measured:
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{CONCURRENCY}", f"-d{WRK_SECONDS}s", "--latency"]
    command += ["--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=WRK_SECONDS + 60, check=True
    ).stdout
    return parse_wrk(output)


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


async def no_login(http: httpx.AsyncClient, index: int) -> None:
    return None


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
    # Room for every borrowing of a run: the limit, and the income the total lending limit
    # (a third of it) is checked against. A benchmark's database, written beside the server
    # as an operator would; the server reads both on every borrowing.
    with sqlite3.connect(server.db) as conn:
        conn.execute(
            "UPDATE members SET credit_limit = ?, annual_income = ?, verified_annual_income = ? "
            "WHERE member_number = ?",
            (BENCH_CREDIT_LIMIT, BENCH_CREDIT_LIMIT * 3, BENCH_CREDIT_LIMIT * 3, MEMBER),
        )
    conn.close()


def token(server: MockServer) -> dict[str, str]:
    response = httpx.post(
        f"{server.base_url}/v1/sessions", json={"member_number": MEMBER, "pin": "4829"}
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['token']}"}


def expect(result: Measured, what: str) -> Measured:
    if result.failures or not result.requests:
        raise RuntimeError(f"{what}: {result.failures} failures in {result.requests} requests")
    return result


class Generator:
    """Drives one request at a server: wrk, or the Python load generator."""

    def __init__(self, name: str, base: Path) -> None:
        self.name = name
        self.script = base / "borrow.lua"
        self.script.write_text(WRK_POST_SCRIPT, encoding="utf-8")

    def get(self, base_url: str, headers: dict[str, str], *, bare: bool) -> Measured:
        path = "/bare/account" if bare else "/v1/me/account"
        if self.name == "wrk":
            return run_wrk(base_url + path, headers, None)
        request, setup = (bare_get, no_login) if bare else (get_account, login)
        result = asyncio.run(
            drive(base_url, request, total=ACCOUNT_REQUESTS, concurrency=CONCURRENCY, setup=setup)
        )
        return Measured.from_loadgen(result, 200)

    def post(self, base_url: str, headers: dict[str, str], *, bare: bool) -> Measured:
        path = "/bare/borrowings" if bare else "/v1/me/borrowings"
        if self.name == "wrk":
            return run_wrk(base_url + path, headers, self.script)
        request, setup = (bare_post, no_login) if bare else (borrow, login)
        result = asyncio.run(
            drive(base_url, request, total=BORROWINGS, concurrency=CONCURRENCY, setup=setup)
        )
        return Measured.from_loadgen(result, 201)


def measure_workers(
    workers: int, runs: int, base: Path, generator: Generator
) -> dict[str, list[Measured]]:
    results: dict[str, list[Measured]] = {k: [] for k in ("get", "bare_get", "post", "bare_post")}
    mock = MockServer(db=base / f"mock-{workers}.sqlite3", log=base / f"mock-{workers}.log")
    mock.workers = workers
    bare = BareServer(workers, base / f"bare-{workers}.log")
    with mock:
        bare.start()
        try:
            # Warm-up: every worker imports lazily and opens its connection on first use.
            asyncio.run(drive(mock.base_url, get_account, total=200, concurrency=8, setup=login))
            asyncio.run(drive(bare.base_url, bare_get, total=200, concurrency=8))
            auth = token(mock)
            for _ in range(runs):
                got = generator.get(mock.base_url, auth, bare=False)
                results["get"].append(expect(got, "GET /v1/me/account"))
                bare_got = generator.get(bare.base_url, {}, bare=True)
                results["bare_get"].append(expect(bare_got, "bare GET"))
                reset(mock)
                auth = token(mock)
                posted = generator.post(mock.base_url, auth, bare=False)
                results["post"].append(expect(posted, "POST /v1/me/borrowings"))
                bare_posted = generator.post(bare.base_url, {}, bare=True)
                results["bare_post"].append(expect(bare_posted, "bare POST"))
        finally:
            bare.stop()
    if "database is locked" in mock.output() or "Traceback" in mock.output():
        raise RuntimeError(f"server errors with {workers} workers:\n{mock.output()[-3000:]}")
    return results


def choose_generator(name: str) -> str:
    if name == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if name == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    return name


def measure(
    runs: int, generator_name: str, worker_counts: list[int]
) -> dict[int, dict[str, list[Measured]]]:
    with tempfile.TemporaryDirectory(prefix="acom-bench-server-") as tmp:
        generator = Generator(generator_name, Path(tmp))
        return {w: measure_workers(w, runs, Path(tmp), generator) for w in worker_counts}


def _row(label: str, mine: list[Measured], bare: list[Measured], goal: float | None) -> str:
    rps = median([r.rps for r in mine])
    bare_rps = median([r.rps for r in bare])
    p50 = median([r.p50 for r in mine])
    p99 = median([r.p99 for r in mine])
    bare_p50 = median([r.p50 for r in bare])
    bare_p99 = median([r.p99 for r in bare])
    verdict = ""
    if goal is not None:
        met = rps / bare_rps >= goal and p99 / bare_p99 <= P99_GOAL
        verdict = f"{goal}x and p99 <= {P99_GOAL}x: {'met' if met else 'NOT met'}"
    return (
        f"| {label} | {rps:.0f} | {ms(p50)} | {ms(p99)} | {bare_rps:.0f} | {ms(bare_p50)} "
        f"| {ms(bare_p99)} | {rps / bare_rps:.2f} | {p99 / bare_p99:.2f} | {verdict} |"
    )


def report(results: dict[int, dict[str, list[Measured]]], generator: str) -> str:
    first = next(iter(results.values()))
    runs = len(first["get"])
    if generator == "wrk":
        how = (
            f"wrk {WRK_THREADS} threads x {CONCURRENCY} keep-alive connections, {WRK_SECONDS} s "
            "per run; borrowings through a Lua script, each with its own Idempotency-Key"
        )
    else:
        how = (
            f"the Python load generator (wrk not installed: it is the bottleneck), "
            f"{CONCURRENCY} keep-alive clients, {ACCOUNT_REQUESTS} GETs or {BORROWINGS} "
            "borrowings per run"
        )
    lines = [
        f"Measured by `python -m benchmarks.server_load` with **{generator}** ({how}; "
        f"{runs} runs each, alternating with the baseline; median of the runs).",
        "",
        "| workers, request | req/s | p50 | p99 | bare req/s | bare p50 | bare p99 "
        "| req/s vs bare | p99 vs bare | goal |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for workers, parts in results.items():
        one = workers == 1
        lines.append(
            _row(
                f"{workers}, `GET /v1/me/account`",
                parts["get"],
                parts["bare_get"],
                GOALS["get"] if one else None,
            )
        )
        lines.append(
            _row(
                f"{workers}, `POST /v1/me/borrowings`",
                parts["post"],
                parts["bare_post"],
                GOALS["post"] if one else None,
            )
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
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--write", type=Path, metavar="MARKDOWN", help="update this file")
    args = parser.parse_args(argv)
    generator = choose_generator(args.generator)
    text = report(measure(args.runs, generator, args.workers), generator)
    print(text)
    if args.write is not None:
        write_block(NAME, text, args.write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
