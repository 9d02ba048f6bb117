"""A borrowing end to end in demo mode: ``Client.borrow`` through the in-process transport.

The mock app, its in-process transport and the client are put together as
``acom_tui.api.demo.open_demo`` does, on a frozen clock, with one difference: the
frequent-borrowing rule (10 borrowings in 7 days suspend the account) is lifted, or the
member would be suspended after the tenth sample. Each borrowing is 1,000 yen with a key
of its own (two SQLite write transactions: the claim, then the movement). The baseline is
``Client.status()`` on the same transport: the framework, transport and client cost of a
request with no work behind it.

    python -m benchmarks.demo_money [--borrowings 300] [--write docs/performance.md]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from benchmarks.common import machine, median, ms, percentile, write_block

NAME = "demo-borrowing"
MEMBER = "10000001"  # 380,000 yen available: 380 borrowings of 1,000


async def measure_async(base: Path, borrowings: int) -> dict[str, list[float]]:
    import httpx

    from acom_tui.api.client import Client
    from acom_tui.api.demo import DEMO_BASE_URL, InProcessTransport
    from benchmarks.tui_flows import fixed_now
    from mock_server.app import create_app
    from mock_server.clock import Clock
    from mock_server.hashing import ScryptParams
    from mock_server.settings import ServerSettings
    from mock_server.store import Store

    store = Store.open(base / "demo.sqlite3")
    settings = ServerSettings(
        data_dir=base / "files",
        scrypt=ScryptParams(n=2**12, r=8, p=1),  # as the demo
        frequent_borrowing_count=1_000_000,
    )
    app = create_app(store, Clock(fixed_now(), frozen=True), settings)
    transport = InProcessTransport(httpx.ASGITransport(app=app))
    results: dict[str, list[float]] = {"borrow": [], "status": []}
    async with Client(DEMO_BASE_URL, transport=transport) as client:
        await client.login(MEMBER, "4829")
        for _ in range(10):  # warm-up
            await client.status()
        for _ in range(borrowings):
            started = time.perf_counter()
            await client.status()
            results["status"].append(time.perf_counter() - started)
            key = client.new_idempotency_key()
            started = time.perf_counter()
            await client.borrow(1000, idempotency_key=key)
            results["borrow"].append(time.perf_counter() - started)
    store.close()
    return results


def measure(borrowings: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory(prefix="acom-bench-money-") as tmp:
        return asyncio.run(measure_async(Path(tmp), borrowings))


def report(results: dict[str, list[float]]) -> str:
    borrow, status = results["borrow"], results["status"]
    return "\n".join(
        [
            f"Measured by `python -m benchmarks.demo_money` ({len(borrow)} borrowings of 1,000 "
            "yen, each with its own Idempotency-Key, alternating with the baseline).",
            "",
            "| what | median | p95 | max |",
            "|---|---|---|---|",
            f"| `Client.borrow` (demo, in process) | {ms(median(borrow))} "
            f"| {ms(percentile(borrow, 0.95))} | {ms(max(borrow))} |",
            f"| baseline: `Client.status` | {ms(median(status))} "
            f"| {ms(percentile(status, 0.95))} | {ms(max(status))} |",
            "",
            f"Ratio (median): **{median(borrow) / median(status):.1f}x** the baseline.",
            "",
            machine(),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--borrowings", type=int, default=300)
    parser.add_argument("--write", type=Path, metavar="MARKDOWN", help="update this file")
    args = parser.parse_args(argv)
    text = report(measure(min(args.borrowings, 380)))
    print(text)
    if args.write is not None:
        write_block(NAME, text, args.write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
