"""Where a request's time goes in ``acom-mock-server`` under load: py-spy while wrk drives it.

Starts the real server (1 worker, frozen clock, a temporary database), logs 10000001 in,
then drives ``GET /v1/me/account`` or ``POST /v1/me/borrowings`` (each with its own
Idempotency-Key) with wrk (2 threads x 32 connections) while ``py-spy record`` samples the
server (only the thread holding the GIL: where Python time goes). The samples are folded
by what the frame is doing, each sample counted once under the first (innermost) category
that matches.

    python scripts/profile_server.py [get|post] [--seconds 10] [--py-spy PATH]

Needs wrk (``apt-get install wrk``) and py-spy (``pip install py-spy``); both are tools of
the person measuring, not dependencies of the project.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.mock_process import MockServer
from benchmarks.server_load import WRK_POST_SCRIPT, reset, token

# (category, a substring of the frame "function (file:line)"): first match from the
# innermost frame outwards wins.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("SQLite (execute, commit, fetch)", "sqlite3"),
    ("SQLite (execute, commit, fetch)", "(mock_server/store/"),
    ("password/token hashing", "hashing.py"),
    ("pydantic: response validation and serialisation", "serialize_response"),
    ("pydantic: response validation and serialisation", "pydantic"),
    ("JSON encode/decode", "json/"),
    ("our route and domain code", "(mock_server/"),
    ("our route and domain code", "(acom_contract/"),
    ("logging (access log)", "logging/"),
    ("FastAPI dependencies and routing", "fastapi/"),
    ("Starlette routing and responses", "starlette/"),
    ("thread pool hand-off (anyio)", "anyio/"),
    ("uvicorn HTTP protocol (h11/httptools)", "uvicorn/"),
    ("uvicorn HTTP protocol (h11/httptools)", "h11/"),
    ("asyncio event loop", "asyncio/"),
    ("threading", "threading.py"),
)


def categorise(stack: str) -> str:
    frames = stack.split(";")
    for frame in reversed(frames):
        for category, needle in CATEGORIES:
            if needle in frame:
                return category
    return "other"


def summarise(raw: Path) -> list[tuple[str, int, float]]:
    counts: collections.Counter[str] = collections.Counter()
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, number = line.rpartition(" ")
        if stack and number.isdigit():
            counts[categorise(stack)] += int(number)
    total = sum(counts.values()) or 1
    return [(name, n, n / total * 100) for name, n in counts.most_common()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("get", "post"), nargs="?", default="get")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--py-spy", default=shutil.which("py-spy") or "py-spy")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    with tempfile.TemporaryDirectory(prefix="acom-profile-") as tmp:
        base = Path(tmp)
        with MockServer(db=base / "mock.sqlite3", log=base / "mock.log") as server:
            assert server.process is not None
            reset(server)
            auth = token(server)
            script = base / "borrow.lua"
            script.write_text(WRK_POST_SCRIPT, encoding="utf-8")
            path = "/v1/me/account" if args.what == "get" else "/v1/me/borrowings"
            wrk = ["wrk", "-t2", "-c32", f"-d{args.seconds + 2}s", "--latency"]
            wrk += ["-H", f"Authorization: {auth['Authorization']}"]
            if args.what == "post":
                wrk += ["-s", str(script)]
            raw = base / "profile.txt"
            load = subprocess.Popen([*wrk, server.base_url + path], stdout=subprocess.PIPE)  # noqa: S603
            subprocess.run(  # noqa: S603 - our own tools, arguments built here
                [
                    args.py_spy,
                    "record",
                    "--pid",
                    str(server.process.pid),
                    "--duration",
                    str(args.seconds),
                    "--gil",
                    "--rate",
                    "200",
                    "--format",
                    "raw",
                    "--output",
                    str(raw),
                ],
                check=True,
                capture_output=True,
            )
            output = load.communicate(timeout=60)[0].decode()
            print(output)
            rows = summarise(raw)
    print(f"| where the server's time goes ({args.what}) | samples | share |")
    print("|---|---|---|")
    for name, n, share in rows:
        print(f"| {name} | {n} | {share:.0f}% |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
