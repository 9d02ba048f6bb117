"""``python -m benchmarks`` (``make bench``): run every benchmark and write docs/performance.md.

Each benchmark rewrites only its own block of the document, so one can also be rerun
alone (``python -m benchmarks.<name> --write docs/performance.md``).
"""

from __future__ import annotations

import time

from benchmarks import clock_cost, demo_money, host, memory, server_load, startup, tui_flows
from benchmarks.common import DOC

STEPS = (
    ("start-up", startup.main),
    ("TUI flows", tui_flows.main),
    ("demo borrowing", demo_money.main),
    ("memory", memory.main),
    ("one SSH host: memory per session, 50 consoles, start-up under load", host.main),
    ("shared clock", clock_cost.main),
    ("mock server under load", server_load.main),
)


def main() -> int:
    began = time.perf_counter()
    for title, run in STEPS:
        started = time.perf_counter()
        print(f"== {title}", flush=True)
        code = run(["--write", str(DOC)])
        if code:
            return code
        print(f"== {title}: {time.perf_counter() - started:.0f} s", flush=True)
    print(f"== all benchmarks: {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
