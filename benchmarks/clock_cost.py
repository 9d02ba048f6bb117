"""What the shared mock clock costs: ``SharedClock.now()`` against the in-memory ``Clock``.

``SharedClock`` reads its state from the database's ``meta`` table on every call instead of
caching it, so a move through one worker is seen at once by all. This measures whether
that is cheap enough: microseconds per ``now()`` on an idle database file.

    python -m benchmarks.clock_cost [--calls 20000] [--write docs/performance.md]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from benchmarks.common import machine, median, write_block

NAME = "clock-cost"


def per_call(now: Callable[[], datetime], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        now()
    return (time.perf_counter() - started) / calls


def measure(calls: int, runs: int = 5) -> dict[str, list[float]]:
    from mock_server.clock import Clock, SharedClock
    from mock_server.store import Store

    with tempfile.TemporaryDirectory(prefix="acom-bench-clock-") as tmp:
        store = Store.open(Path(tmp) / "mock.sqlite3")
        shared = SharedClock(store)
        shared.set(datetime.fromisoformat("2026-12-02T10:00:00+09:00"), frozen=False)
        memory = Clock()
        results: dict[str, list[float]] = {"memory": [], "shared": []}
        for _ in range(runs):
            results["memory"].append(per_call(memory.now, calls))
            results["shared"].append(per_call(shared.now, calls))
        store.close()
    return results


def report(results: dict[str, list[float]], calls: int) -> str:
    memory = median(results["memory"]) * 1e6
    shared = median(results["shared"]) * 1e6
    return "\n".join(
        [
            f"Measured by `python -m benchmarks.clock_cost` ({len(results['memory'])} runs of "
            f"{calls} calls each; median).",
            "",
            "| clock | per `now()` |",
            "|---|---|",
            f"| `Clock` (in memory: tests, `--demo`) | {memory:.1f} µs |",
            f"| `SharedClock` (meta table: `acom-mock-server`) | {shared:.1f} µs |",
            "",
            f"A request reads the clock a handful of times: about {shared * 5:.0f} µs against "
            "the milliseconds of a request (see the server figures), so the state is read on "
            "every call and never cached.",
            "",
            machine(),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--write", type=Path, metavar="MARKDOWN", help="update this file")
    args = parser.parse_args(argv)
    text = report(measure(args.calls), args.calls)
    print(text)
    if args.write is not None:
        write_block(NAME, text, args.write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
