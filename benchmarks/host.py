"""A support centre on one SSH host: our apps on pseudo-terminals against one real server.

Three measures, each against a bare Textual app measured in the same run (``bare_app.py``),
every process on an 80x24 pseudo-terminal of its own (``benchmarks/ptyhost.py``) against
one ``acom-mock-server``:

* ``memory``: PSS and RSS of ``acom-tui --server URL`` logged in with the dashboard drawn,
  and of ``acom-tui --staff --server URL`` logged in with a member shown, against the bare
  app with one line and two inputs; fresh processes, alternating, median.
* ``full``: 50 staff consoles started at once, logged in (S0001), then: the PSS sum, the
  slowest time to first screen and to logged-in, the CPU all of them use over a minute of
  idling; then every terminal is dropped at once and the benchmark checks that every
  process exited (and how soon) and that no staff session is left open on the server.
* ``idle``: the CPU one idle process uses over ``--idle`` seconds, each on its own: the
  bare app with two inputs (blinking cursor, and not blinking), the staff console logged
  in (lookup field focused) and the member app logged in (dashboard).
* ``startup-load``: time to first screen of the staff console, the member app and two
  bare apps (one line; one line and two inputs, the per-session baseline above), each
  alone and while 10 other staff consoles start (and log in) at the same moment; the
  ratios to each bare app. The goal is judged against the bare app of the issue's table
  (one line and two inputs: a login cannot have fewer); the one-line ratio is reported
  beside it.

    python -m benchmarks.host [memory|full|idle|startup-load|all] [--write docs/performance.md]
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from benchmarks.common import machine, median, ms, write_block
from benchmarks.mock_process import MockServer
from benchmarks.ptyhost import (
    ACOM_TUI,
    BARE_APP,
    Console,
    Step,
    bare_steps,
    cpu_seconds,
    environment,
    member_steps,
    pump,
    rollup_kib,
    spawn,
    staff_steps,
)

MEMORY_GOAL = 1.4
IDLE_GOAL_PERCENT = 1.0
STARTUP_GOAL = 1.25
EXIT_GOAL_S = 2.0
STEP_TIMEOUT_S = 120.0
SETTLE_S = 2.0  # after the last step: the workers finish, the stylesheets are read


@dataclass(frozen=True)
class Kind:
    label: str
    argv: Callable[[str], list[str]]
    steps: Callable[[], list[Step]]


BARE = Kind(
    "bare Textual app, one line and two inputs",
    lambda url: [*BARE_APP, "/dev/null", "--inputs", "--stay"],
    bare_steps,
)
BARE_LINE = Kind(
    "bare Textual app, one line", lambda url: [*BARE_APP, "/dev/null", "--stay"], bare_steps
)
MEMBER = Kind(
    "`acom-tui --server URL`, logged in, dashboard drawn",
    lambda url: [ACOM_TUI, "--server", url],
    member_steps,
)
STAFF = Kind(
    "`acom-tui --staff --server URL`, logged in, member shown",
    lambda url: [ACOM_TUI, "--staff", "--server", url],
    staff_steps,
)


def first_step(steps: Callable[[], list[Step]]) -> list[Step]:
    return steps()[:1]


def start(kind: Kind, url: str, base: Path, name: str) -> Console:
    return spawn(name, kind.argv(url), environment(base, name), kind.steps())


def run_until_done(
    consoles: Sequence[Console], timeout: float = STEP_TIMEOUT_S, *, allow_failed: bool = False
) -> None:
    pump(consoles, time.perf_counter() + timeout)
    for console in consoles:
        if not console.done or (console.failed and not allow_failed):
            from benchmarks.ptyhost import _ESCAPES

            screen = _ESCAPES.sub(b"", bytes(console.raw)).decode("utf-8", "replace")
            screen = " ".join(screen.split())
            raise RuntimeError(
                f"{console.name}: stuck after {list(console.marks)}; screen: {screen[-1500:]}"
            )


def hang_up(consoles: Sequence[Console], timeout: float = 10.0) -> dict[str, float]:
    """Close every master at once; seconds until each process exited (killed after timeout)."""
    dropped = time.perf_counter()
    for console in consoles:
        console.close()
    exited: dict[str, float] = {}
    while len(exited) < len(consoles) and time.perf_counter() - dropped < timeout:
        for console in consoles:
            if console.name not in exited and console.reap():
                exited[console.name] = time.perf_counter() - dropped
        time.sleep(0.01)
    for console in consoles:
        console.kill()
    return exited


def open_staff_sessions(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM sessions WHERE kind = 'staff' AND revoked_at IS NULL"
        ).fetchone()
    return int(row[0])


def server(base: Path) -> MockServer:
    return MockServer(db=base / "mock.sqlite3", log=base / "mock.log")


# --- memory per session ---------------------------------------------------------------


def measure_memory(runs: int) -> dict[str, list[dict[str, int]]]:
    kinds = (BARE, MEMBER, STAFF)
    results: dict[str, list[dict[str, int]]] = {k.label: [] for k in kinds}
    with tempfile.TemporaryDirectory(prefix="acom-bench-host-") as tmp, server(Path(tmp)) as mock:
        base = Path(tmp)
        for run in range(runs + 1):  # the first round writes the .pyc files; not counted
            for kind in kinds:
                console = start(kind, mock.base_url, base, f"mem-{run}")
                try:
                    run_until_done([console])
                    pump([console], time.perf_counter() + SETTLE_S, stop_when_done=False)
                    usage = rollup_kib(console.pid)
                finally:
                    hang_up([console])
                if run:
                    results[kind.label].append(usage)
    return results


def report_memory(results: dict[str, list[dict[str, int]]]) -> str:
    def mib(label: str, key: str) -> float:
        return median([r[key] for r in results[label]]) / 1024

    bare_pss, bare_rss = mib(BARE.label, "pss"), mib(BARE.label, "rss")
    runs = len(results[BARE.label])
    lines = [
        f"Measured by `python -m benchmarks.host memory` ({runs} fresh processes each, "
        "alternating, on 80x24 pseudo-terminals against one `acom-mock-server`; "
        f"read {SETTLE_S:.0f} s after the screen was drawn; median).",
        "",
        "| process | PSS | RSS | PSS vs bare | RSS vs bare | goal |",
        "|---|---|---|---|---|---|",
    ]
    for label in results:
        pss, rss = mib(label, "pss"), mib(label, "rss")
        goal = ""
        if label != BARE.label:
            worst = max(pss / bare_pss, rss / bare_rss)
            goal = f"<= {MEMORY_GOAL}x: {'met' if worst <= MEMORY_GOAL else 'NOT met'}"
        lines.append(
            f"| {label} | {pss:.1f} MiB | {rss:.1f} MiB | {pss / bare_pss:.2f}x "
            f"| {rss / bare_rss:.2f}x | {goal} |"
        )
    lines += ["", machine()]
    return "\n".join(lines)


# --- one idle process -------------------------------------------------------------------

BARE_STILL = Kind(
    "bare Textual app, two inputs, cursor not blinking",
    lambda url: [*BARE_APP, "/dev/null", "--inputs", "--stay", "--no-blink"],
    bare_steps,
)
STAFF_LOGGED_IN = Kind(
    "`acom-tui --staff --server URL`, logged in, lookup field focused",
    STAFF.argv,
    lambda: staff_steps(member=False),
)


def measure_idle(seconds: float) -> dict[str, float]:
    """Percent of a core each process used while idle for ``seconds``."""
    kinds = (BARE, BARE_STILL, STAFF_LOGGED_IN, MEMBER)
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="acom-bench-host-") as tmp, server(Path(tmp)) as mock:
        base = Path(tmp)
        for kind in kinds:
            console = start(kind, mock.base_url, base, "idle")
            try:
                run_until_done([console])
                pump([console], time.perf_counter() + SETTLE_S, stop_when_done=False)
                before, began = cpu_seconds(console.pid), time.perf_counter()
                pump([console], began + seconds, stop_when_done=False)
                used = cpu_seconds(console.pid) - before
                results[kind.label] = used / (time.perf_counter() - began) * 100
            finally:
                hang_up([console])
    return results


def report_idle(results: dict[str, float], seconds: float) -> str:
    lines = [
        f"Measured by `python -m benchmarks.host idle --idle {seconds:.0f}` (one process at "
        f"a time on an 80x24 pseudo-terminal, {seconds:.0f} s of idling after the screen "
        "was drawn; user + system time from `/proc/PID/stat`, whose unit is 10 ms).",
        "",
        "| process | idle CPU | times 50 |",
        "|---|---|---|",
    ]
    for label, percent in results.items():
        lines.append(f"| {label} | {percent:.2f}% of a core | {percent * 50:.1f}% |")
    lines += ["", machine()]
    return "\n".join(lines)


# --- a full host ----------------------------------------------------------------------


@dataclass
class FullHost:
    consoles: int
    pss_kib: list[int]
    rss_kib: list[int]
    first_screen: list[float]
    logged_in: list[float]
    timed_out: int
    started_all_s: float
    idle_s: float
    idle_cpu_s: float
    server_idle_cpu_s: float
    sessions_before: int
    sessions_after: int
    exits: dict[str, float]
    statuses: list[int | None]


def measure_full(count: int, idle: float) -> FullHost:
    with tempfile.TemporaryDirectory(prefix="acom-bench-host-") as tmp, server(Path(tmp)) as mock:
        base = Path(tmp)
        # One console first, alone: it writes the .pyc files an installed app would have.
        warm = start(STAFF, mock.base_url, base, "warm")
        run_until_done([warm])
        hang_up([warm])
        kind = Kind(STAFF.label, STAFF.argv, lambda: staff_steps(member=False))
        began = time.perf_counter()
        consoles = [start(kind, mock.base_url, base, f"staff-{n}") for n in range(count)]
        started_all = time.perf_counter() - began
        try:
            run_until_done(consoles, allow_failed=True)
            pump(consoles, time.perf_counter() + SETTLE_S * 2, stop_when_done=False)
            usage = [rollup_kib(c.pid) for c in consoles]
            sessions_before = open_staff_sessions(mock.db)
            assert mock.process is not None
            cpu_before = sum(cpu_seconds(c.pid) for c in consoles)
            server_before = cpu_seconds(mock.process.pid)
            idle_began = time.perf_counter()
            pump(consoles, idle_began + idle, stop_when_done=False)
            idle_s = time.perf_counter() - idle_began
            cpu = sum(cpu_seconds(c.pid) for c in consoles) - cpu_before
            server_cpu = cpu_seconds(mock.process.pid) - server_before
        finally:
            exits = hang_up(consoles)
        time.sleep(0.5)
        return FullHost(
            consoles=count,
            pss_kib=[u["pss"] for u in usage],
            rss_kib=[u["rss"] for u in usage],
            first_screen=[c.elapsed("first_screen") for c in consoles],
            logged_in=[c.elapsed("logged_in") for c in consoles if not c.failed],
            timed_out=sum(1 for c in consoles if c.failed),
            started_all_s=started_all,
            idle_s=idle_s,
            idle_cpu_s=cpu,
            server_idle_cpu_s=server_cpu,
            sessions_before=sessions_before,
            sessions_after=open_staff_sessions(mock.db),
            exits=exits,
            statuses=[c.exit_status for c in consoles],
        )


def report_full(host: FullHost) -> str:
    n = host.consoles
    idle_percent = host.idle_cpu_s / host.idle_s * 100
    slowest_exit = max(host.exits.values()) if host.exits else float("inf")
    all_exited = len(host.exits) == n
    lines = [
        f"Measured by `python -m benchmarks.host full` ({n} `acom-tui --staff --server URL` "
        f"started at once on 80x24 pseudo-terminals against one `acom-mock-server`, all "
        f"logged in as {STAFF_ID_TEXT}; started within {host.started_all_s * 1000:.0f} ms).",
        "",
        "| what | figure | goal |",
        "|---|---|---|",
        f"| memory of all {n}, PSS sum (RSS sum) | {sum(host.pss_kib) / 1024:.0f} MiB "
        f"({sum(host.rss_kib) / 1024:.0f} MiB); {median(host.pss_kib) / 1024:.1f} MiB PSS "
        "each (median) | |",
        f"| time to first screen: median, slowest | {ms(median(host.first_screen))}, "
        f"{ms(max(host.first_screen))} | |",
        f"| logged in (menu shown) / login timed out in the client | "
        f"{len(host.logged_in)} / {host.timed_out} | {n} / 0: {_met(host.timed_out == 0)} |",
        f"| time to logged in: median, slowest | {ms(median(host.logged_in))}, "
        f"{ms(max(host.logged_in))} | |",
        f"| idle CPU of all {n} together over {host.idle_s:.0f} s | {idle_percent:.2f}% of a "
        f"core (server: {host.server_idle_cpu_s / host.idle_s * 100:.2f}%) "
        f"| < {IDLE_GOAL_PERCENT:.0f}%: {_met(idle_percent < IDLE_GOAL_PERCENT)} |",
        f"| staff sessions open on the server before the drop | {host.sessions_before} "
        f"| {len(host.logged_in)} |",
        f"| terminals dropped at once: processes exited | {len(host.exits)} of {n}, slowest "
        f"after {slowest_exit:.2f} s (exit statuses {sorted(set(host.statuses), key=str)}) "
        f"| all within {EXIT_GOAL_S:.0f} s: "
        f"{'met' if all_exited and slowest_exit <= EXIT_GOAL_S else 'NOT met'} |",
        f"| staff sessions still open after the drop | {host.sessions_after} "
        f"| 0: {'met' if host.sessions_after == 0 else 'NOT met'} |",
        "",
        machine(),
    ]
    return "\n".join(lines)


STAFF_ID_TEXT = "S0001"


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


# --- start-up under load --------------------------------------------------------------


def measure_startup_load(runs: int, others: int) -> dict[str, dict[str, list[float]]]:
    targets = (BARE_LINE, BARE, STAFF, MEMBER)
    results: dict[str, dict[str, list[float]]] = {
        "alone": {k.label: [] for k in targets},
        "loaded": {k.label: [] for k in targets},
    }
    with tempfile.TemporaryDirectory(prefix="acom-bench-host-") as tmp, server(Path(tmp)) as mock:
        base = Path(tmp)
        url = mock.base_url
        for run in range(runs + 1):  # round 0 writes the .pyc files; not counted
            for condition in ("alone", "loaded"):
                for kind in targets:
                    target_kind = Kind(kind.label, kind.argv, partial(first_step, kind.steps))
                    consoles = [start(target_kind, url, base, "target")]
                    if condition == "loaded":
                        other = Kind(STAFF.label, STAFF.argv, lambda: staff_steps(member=False))
                        consoles += [start(other, url, base, f"other-{n}") for n in range(others)]
                    try:
                        run_until_done(consoles)
                    finally:
                        hang_up(consoles)
                    if run:
                        results[condition][kind.label].append(consoles[0].elapsed("first_screen"))
    return results


def report_startup_load(results: dict[str, dict[str, list[float]]], others: int) -> str:
    runs = len(results["alone"][BARE_LINE.label])
    lines = [
        f"Measured by `python -m benchmarks.host startup-load` ({runs} runs each, "
        "alternating; spawn to the first screen on an 80x24 pseudo-terminal, read by the "
        f'benchmark; "loaded": {others} other `acom-tui --staff` start at the same moment '
        "and log in; median). Ratios to the bare app with one line and two inputs (the "
        "issue's bare app, the goal's baseline) and, in brackets, to the bare app with one "
        "line.",
        "",
        f"| app | alone | vs bare | with {others} others starting | vs bare | goal |",
        "|---|---|---|---|---|---|",
    ]
    medians = {
        condition: {label: median(times) for label, times in by_label.items()}
        for condition, by_label in results.items()
    }

    def ratios(condition: str, label: str) -> str:
        value = medians[condition][label]
        line = value / medians[condition][BARE_LINE.label]
        return f"{value / medians[condition][BARE.label]:.2f}x ({line:.2f}x)"

    for label in results["alone"]:
        goal = ""
        if label not in (BARE_LINE.label, BARE.label):
            ratio = medians["loaded"][label] / medians["loaded"][BARE.label]
            goal = f"<= {STARTUP_GOAL}x: {'met' if ratio <= STARTUP_GOAL else 'NOT met'}"
        lines.append(
            f"| {label.split(', logged')[0]} "
            f"| {ms(medians['alone'][label])} | {ratios('alone', label)} "
            f"| {ms(medians['loaded'][label])} | {ratios('loaded', label)} | {goal} |"
        )
    lines += ["", machine()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "what",
        nargs="?",
        default="all",
        choices=("memory", "full", "idle", "startup-load", "all"),
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--consoles", type=int, default=50)
    parser.add_argument("--idle", type=float, default=60.0, help="seconds of idling measured")
    parser.add_argument("--others", type=int, default=10)
    parser.add_argument("--write", type=Path, metavar="MARKDOWN", help="update this file")
    args = parser.parse_args(argv)
    blocks: list[tuple[str, str]] = []
    if args.what in ("memory", "all"):
        blocks.append(("host-memory", report_memory(measure_memory(args.runs))))
    if args.what in ("full", "all"):
        blocks.append(("host-full", report_full(measure_full(args.consoles, args.idle))))
    if args.what in ("idle", "all"):
        blocks.append(("host-idle", report_idle(measure_idle(args.idle), args.idle)))
    if args.what in ("startup-load", "all"):
        text = report_startup_load(measure_startup_load(args.runs, args.others), args.others)
        blocks.append(("host-startup-load", text))
    for name, text in blocks:
        print(text, flush=True)
        if args.write is not None:
            write_block(name, text, args.write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
