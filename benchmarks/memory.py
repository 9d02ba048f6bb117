"""Resident memory of the TUI after login, against a bare Textual app, each in a fresh process.

The child process runs headless (``run_test``, 80x24). For the app it opens the demo as
``acom-tui --demo`` does (a temporary database seeded with the roster, FastAPI and the
mock server in process), logs in as 10000001 and waits for the dashboard's figures; the
baseline shows one line of text. Each child then reports its VmRSS (``/proc/self/status``)
and peak (VmHWM; ``ru_maxrss`` is inherited from the parent through fork and exec on
Linux, so it is recorded but not reported).

    python -m benchmarks.memory [--runs 3] [--write docs/performance.md]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, machine, median, write_block

NAME = "memory"


def status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def snapshot() -> dict[str, int]:
    # ru_maxrss is recorded too, but Linux carries it over from the parent through fork and
    # exec, so a child of a big parent shows the parent's peak; VmHWM is this process's own.
    return {
        "rss_kib": status_kib("VmRSS"),
        "hwm_kib": status_kib("VmHWM"),
        "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }


async def app_child() -> dict[str, int]:
    from textual.widgets import Input

    from acom_tui.api.demo import open_demo
    from acom_tui.app import AcomApp
    from acom_tui.screens.dashboard import DashboardScreen
    from acom_tui.session import demo_backend
    from benchmarks.tui_flows import Frames, press

    app = AcomApp(demo_backend(open_demo()), lang="ja", animations=False)
    gc.disable()  # as acom-tui starts (acom_tui.cli.main); the first paint turns it back on
    async with app.run_test(size=(80, 24)) as pilot:
        frames = Frames(app)
        await pilot.pause()
        await app.workers.wait_for_complete()
        app.screen.query_one("#member-number", Input).value = "10000001"
        pin = app.screen.query_one("#pin", Input)
        pin.value = "4829"
        pin.focus()
        shown = frames.expect(
            lambda: isinstance(app.screen, DashboardScreen) and app.screen.account is not None
        )
        press(app, "enter", "\r")
        await asyncio.wait_for(shown, 20)
        await app.workers.wait_for_complete()
        return snapshot()


async def bare_child() -> dict[str, int]:
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Label("Hello")

    app = Bare()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        painted = asyncio.Event()
        app.call_after_refresh(painted.set)
        await asyncio.wait_for(painted.wait(), 20)
        return snapshot()


def child(kind: str) -> dict[str, int]:
    with tempfile.TemporaryDirectory(prefix="acom-bench-mem-") as tmp:
        os.environ.update(
            ACOM_TUI_CONFIG=str(Path(tmp) / "config.toml"),
            ACOM_TUI_DATA_DIR=str(Path(tmp) / "data"),
            ACOM_TUI_LOG_DIR=str(Path(tmp) / "log"),
        )
        return asyncio.run(app_child() if kind == "app" else bare_child())


def run_child(kind: str) -> dict[str, int]:
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", "--child", kind],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    data: dict[str, int] = json.loads(output.strip().splitlines()[-1])
    return data


def measure(runs: int) -> dict[str, list[dict[str, int]]]:
    results: dict[str, list[dict[str, int]]] = {"app": [], "bare": []}
    for _ in range(runs):
        for kind in results:
            results[kind].append(run_child(kind))
    return results


def report(results: dict[str, list[dict[str, int]]]) -> str:
    def mib(kind: str, key: str) -> float:
        return median([r[key] for r in results[kind]]) / 1024

    app, bare = mib("app", "rss_kib"), mib("bare", "rss_kib")
    return "\n".join(
        [
            f"Measured by `python -m benchmarks.memory` ({len(results['app'])} fresh processes "
            "each, alternating; median).",
            "",
            "| what | VmRSS | peak (VmHWM) |",
            "|---|---|---|",
            f"| acom-tui --demo, logged in, dashboard drawn | {app:.0f} MiB "
            f"| {mib('app', 'hwm_kib'):.0f} MiB |",
            f"| bare Textual app (one label) | {bare:.0f} MiB | {mib('bare', 'hwm_kib'):.0f} MiB |",
            "",
            f"Ratio: **{app / bare:.1f}x** ({app - bare:.0f} MiB more). The demo carries the whole "
            "mock server in the same process (FastAPI, pydantic models, SQLite with 10000010's "
            "5,000+ statement rows); against a real server the client does not.",
            "",
            machine(),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", type=Path, metavar="MARKDOWN", help="update this file")
    parser.add_argument("--child", choices=("app", "bare"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result: dict[str, Any] = child(args.child)
        print(json.dumps(result))
        return 0
    text = report(measure(args.runs))
    print(text)
    if args.write is not None:
        write_block(NAME, text, args.write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
