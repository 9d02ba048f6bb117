"""Login to dashboard, and the statements' first page, in the real app on the demo backend.

The real ``AcomApp`` runs headless (``run_test``, 80x24) on the embedded demo, its clock
frozen, the roster copied from a template so every run starts alike. Timed:

* **login -> dashboard**: from the Enter in the PIN field to the first frame sent to the
  terminal that shows the dashboard's figures (login, five API calls, the new screen);
* **statements, first page**: from the key ``3`` on the dashboard to the first frame that
  shows the first page of 10000010's loan statements (5,000+ rows in all).

The app runs as ``acom-tui`` runs it: the garbage collector off until the first paint,
then the start-up objects frozen out of its way (``acom_tui.cli.main``).

The baselines are bare Textual apps doing the same screen work with no code of ours: Enter
pushes a screen with as many labels and menu options as the dashboard; ``3`` pushes a
screen whose ``DataTable`` gets the same number of rows and columns of text. Runs of the
app and of its baseline alternate.

    python -m benchmarks.tui_flows [--runs 11] [--write docs/performance.md]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, OptionList

from benchmarks.common import machine, median, ms, write_block
from mock_server.store import copy_database

NAME = "tui-flows"
MEMBER = "10000010"
PIN = "4829"
LOGIN_GOAL = 0.100
STATEMENTS_GOAL = 0.150
TIMEOUT_S = 20.0


def fixed_now() -> datetime:
    from acom_contract.schemas import JST

    return datetime(2026, 12, 2, 10, 0, tzinfo=JST)  # a Wednesday, desk open


def press(app: App[Any], key: str, character: str | None) -> None:
    """A key as the terminal delivers it. (``Pilot.press`` also waits for the process to be
    idle, which alone costs about 300 ms and would swamp what is measured.)"""
    event = events.Key(key, character)
    event.set_sender(app)
    app.post_message(event)


class Frames:
    """When the first frame that shows something went out to the terminal.

    Textual hands each rendered frame to ``App._display`` (which writes it to the terminal,
    or nothing when headless); the frame is rendered from the widgets as they are at that
    moment, in the same call. So the first frame after which the condition holds is the
    first one the member sees it in. (Polling the condition and then waiting for "the next
    repaint" would count a frame too many whenever the condition came true just before a
    frame.)
    """

    def __init__(self, app: App[Any]) -> None:
        self._waiting: tuple[Callable[[], bool], asyncio.Future[float]] | None = None
        display = app._display

        def timed_display(screen: Screen[Any], renderable: Any) -> None:
            display(screen, renderable)
            waiting = self._waiting
            if waiting is None or renderable is None or app._batch_count:
                return
            condition, shown = waiting
            if not shown.done() and condition():
                shown.set_result(time.perf_counter())

        setattr(app, "_display", timed_display)  # noqa: B010 (an instance's own method)

    def expect(self, condition: Callable[[], bool]) -> asyncio.Future[float]:
        shown: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting = (condition, shown)
        return shown


def first_rows(screen: Screen[Any], kind: type[Screen[Any]]) -> int:
    """Rows in the screen's table, 0 until the screen is there and composed."""
    if not isinstance(screen, kind):
        return 0
    tables = screen.query(DataTable)
    return tables.first().row_count if tables else 0


# --- the app -----------------------------------------------------------------------------


def make_template(base: Path) -> Path:
    from acom_tui.api.demo import open_demo

    path = base / "template.sqlite3"
    demo = open_demo(path, now=fixed_now(), frozen=True)
    asyncio.run(demo.aclose())
    return path


async def app_run(template: Path, base: Path) -> tuple[float, float, int]:
    """(login -> dashboard, statements first page, rows drawn) of one run."""
    from acom_tui.api.demo import open_demo
    from acom_tui.app import AcomApp
    from acom_tui.screens.dashboard import DashboardScreen
    from acom_tui.screens.statements import StatementsScreen
    from acom_tui.session import demo_backend

    run_dir = Path(tempfile.mkdtemp(dir=base))
    copy_database(template, run_dir / "demo.sqlite3")
    demo = open_demo(run_dir / "demo.sqlite3", now=fixed_now(), frozen=True)
    app = AcomApp(demo_backend(demo), lang="ja", animations=False)
    # As `acom-tui` runs: the collector off until the first paint, which freezes what
    # start-up made and turns it back on (acom_tui.cli.main, AcomApp._after_first_paint).
    gc.disable()
    async with app.run_test(size=(80, 24)) as pilot:
        frames = Frames(app)
        await pilot.pause()
        await app.workers.wait_for_complete()
        login = app.screen
        login.query_one("#member-number", Input).value = MEMBER
        pin = login.query_one("#pin", Input)
        pin.value = PIN
        pin.focus()
        await pilot.pause()

        shown = frames.expect(
            lambda: isinstance(app.screen, DashboardScreen) and app.screen.account is not None
        )
        started = time.perf_counter()
        press(app, "enter", "\r")
        to_dashboard = await asyncio.wait_for(shown, TIMEOUT_S) - started

        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = frames.expect(lambda: first_rows(app.screen, StatementsScreen) > 0)
        started = time.perf_counter()
        press(app, "3", "3")
        to_statements = await asyncio.wait_for(shown, TIMEOUT_S) - started
        screen = app.screen
        assert isinstance(screen, StatementsScreen)
        rows = screen.table.row_count
        await app.workers.wait_for_complete()
    gc.enable()
    gc.unfreeze()
    gc.collect()
    return to_dashboard, to_statements, rows


async def api_parts(template: Path, base: Path) -> dict[str, float]:
    """The same calls through the client alone: how much of each flow is the backend's."""
    from acom_tui.api.demo import open_demo

    run_dir = Path(tempfile.mkdtemp(dir=base))
    copy_database(template, run_dir / "demo.sqlite3")
    demo = open_demo(run_dir / "demo.sqlite3", now=fixed_now(), frozen=True)
    client = demo.client
    try:
        started = time.perf_counter()
        await client.login(MEMBER, PIN)
        login = time.perf_counter() - started
        started = time.perf_counter()
        await asyncio.gather(
            client.account(),
            client.status(),
            client.notices(limit=100),
            client.statements(kind="loan", limit=40),
            client.statements(kind="repayment", limit=40),
        )
        dashboard = time.perf_counter() - started
        started = time.perf_counter()
        await asyncio.gather(
            client.account(),
            client.electronic_delivery(),
            client.statements(kind="loan", limit=100),
        )
        statements = time.perf_counter() - started
    finally:
        await demo.aclose()
    return {"api_login": login, "api_dashboard": dashboard, "api_statements": statements}


# --- the baselines -----------------------------------------------------------------------

FIGURES = 9
MENU = 12
COLUMNS = 7


class BareDashboard(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Label("ダッシュボード")
        for n in range(FIGURES):
            yield Label(f"項目 {n}")
            yield Label(f"{n * 12_345:,} 円", id=f"v{n}")
        yield OptionList(*(f"{n} メニュー" for n in range(MENU)), compact=True)
        yield Label("as of")


class BareTable(Screen[None]):
    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Label("明細")
        yield DataTable(id="table")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*(f"列{n}" for n in range(COLUMNS)))
        for n in range(self.rows):
            table.add_row(*(f"2026/12/{n % 28 + 1:02d} {c * n:,}円" for c in range(COLUMNS)))


class BareApp(App[None]):
    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Input(id="pin", password=True, compact=True)

    def on_input_submitted(self) -> None:
        self.push_screen(BareDashboard())

    def on_key(self, event: Any) -> None:
        if event.key == "3" and isinstance(self.screen, BareDashboard):
            self.push_screen(BareTable(self.rows))


async def bare_run(rows: int) -> tuple[float, float]:
    app = BareApp(rows)
    async with app.run_test(size=(80, 24)) as pilot:
        frames = Frames(app)
        await pilot.pause()
        shown = frames.expect(
            lambda: isinstance(app.screen, BareDashboard) and app.screen.is_mounted
        )
        started = time.perf_counter()
        press(app, "enter", "\r")
        to_dashboard = await asyncio.wait_for(shown, TIMEOUT_S) - started
        await pilot.pause()
        shown = frames.expect(lambda: first_rows(app.screen, BareTable) == rows)
        started = time.perf_counter()
        press(app, "3", "3")
        return to_dashboard, await asyncio.wait_for(shown, TIMEOUT_S) - started


def measure(runs: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {
        "app_login": [],
        "app_statements": [],
        "bare_login": [],
        "bare_statements": [],
        "rows": [],
        "api_login": [],
        "api_dashboard": [],
        "api_statements": [],
    }
    with tempfile.TemporaryDirectory(prefix="acom-bench-tui-") as tmp:
        base = Path(tmp)
        template = make_template(base)
        asyncio.run(app_run(template, base))  # warm-up: imports, CSS parsing caches
        rows = 100
        for _ in range(runs):
            login, statements, rows = asyncio.run(app_run(template, base))
            results["app_login"].append(login)
            results["app_statements"].append(statements)
            results["rows"].append(rows)
            bare_login, bare_statements = asyncio.run(bare_run(rows))
            results["bare_login"].append(bare_login)
            results["bare_statements"].append(bare_statements)
            for key, value in asyncio.run(api_parts(template, base)).items():
                results[key].append(value)
    return results


def report(results: dict[str, list[float]]) -> str:
    rows = int(results["rows"][-1])
    lines = [
        f"Measured by `python -m benchmarks.tui_flows` ({len(results['app_login'])} runs each, "
        "alternating with the baseline, headless 80x24, median).",
        "",
        "| what | acom-tui (demo) | bare Textual baseline | ratio | goal |",
        "|---|---|---|---|---|",
    ]
    for label, key, goal in (
        ("login -> dashboard figures drawn", "login", LOGIN_GOAL),
        (f"statements: first page drawn ({rows} rows, 10000010)", "statements", STATEMENTS_GOAL),
    ):
        app = median(results[f"app_{key}"])
        bare = median(results[f"bare_{key}"])
        verdict = "met" if app < goal else "**missed**"
        lines.append(
            f"| {label} | {ms(app)} (max {ms(max(results[f'app_{key}']))}) | {ms(bare)} "
            f"| {app / bare:.1f}x | < {goal * 1000:.0f} ms: {verdict} |"
        )
    api_login = median(results["api_login"])
    api_dashboard = median(results["api_dashboard"])
    api_statements = median(results["api_statements"])
    lines += [
        "",
        "Of which the backend (the same calls through the client alone, in process): login "
        f"{ms(api_login)} (one scrypt check) + the dashboard's five calls {ms(api_dashboard)}; "
        f"the statements screen's three calls {ms(api_statements)}.",
        "",
        machine(),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--write", type=Path, metavar="MARKDOWN", help="update this file")
    args = parser.parse_args(argv)
    text = report(measure(args.runs))
    print(text)
    if args.write is not None:
        write_block(NAME, text, args.write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
