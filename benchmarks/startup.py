"""Time to first screen: ``acom-tui --demo`` against a bare Textual app, in the same run.

Each run spawns a fresh Python process on a pseudo-terminal of 80x24 (so Textual drives a
real terminal, as for a user) and measures from just before the spawn to the moment the
app has painted its first screen, which the app records itself (a hidden
``--benchmark-first-paint FILE`` option; ``bare_app.py`` does the same). Process start,
imports, config, first layout and first paint are all inside the measure. Runs of the two
alternate, so a busy machine slows both alike; the medians and their ratio are reported.

    python -m benchmarks.startup [--runs 15] [--write docs/performance.md]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
BEGIN = "<!-- startup:begin -->"
END = "<!-- startup:end -->"
TARGET_RATIO = 1.25
BARE = "bare Textual app"
FORM = "bare Textual app with the login form's widgets"
APP = "acom-tui --demo"
APP_CONFIG = "acom-tui --demo, with a config file accepted before"
STAFF_CONFIG = "acom-tui --staff --demo, with a config file accepted before"
# What a support host's file holds; the unmeasured first run validates it.
CONFIG = '[server]\nurl = "https://member.example.jp"\n\n[ui]\nlanguage = "ja"\n'


def _drain(fd: int) -> None:
    # The child blocks if nobody reads what it writes to the terminal.
    while True:
        try:
            if not os.read(fd, 65536):
                return
        except OSError:
            return


def time_to_first_paint(command: list[str], env: dict[str, str], record: Path) -> float:
    """Seconds from spawning ``command`` on an 80x24 pty until it recorded its first paint."""
    record.unlink(missing_ok=True)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    reader = threading.Thread(target=_drain, args=(master,), daemon=True)
    reader.start()
    started = time.time()
    process = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, close_fds=True
    )
    os.close(slave)
    try:
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
        reader.join(timeout=5)
    if not record.exists():
        raise RuntimeError(f"{command[1:]} exited ({process.returncode}) without painting")
    return float(record.read_text(encoding="utf-8")) - started


def measure(runs: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory(prefix="acom-bench-") as tmp:
        base = Path(tmp)
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "LANG": "ja_JP.UTF-8",
            "ACOM_TUI_CONFIG": str(base / "config.toml"),
            "ACOM_TUI_DATA_DIR": str(base / "data"),
            "ACOM_TUI_LOG_DIR": str(base / "log"),
        }
        # The warm-up run below writes the .pyc files, as an installed app has them; a shell
        # that forbids writing them would have every measured start compile our modules.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        record = base / "painted"
        with_config = {**env, "ACOM_TUI_CONFIG": str(base / "config-file.toml")}
        (base / "config-file.toml").write_text(CONFIG, encoding="utf-8")
        bare = [sys.executable, str(ROOT / "benchmarks" / "bare_app.py"), str(record)]
        app = [sys.executable, "-m", "acom_tui", "--demo", "--benchmark-first-paint", str(record)]
        commands = {
            BARE: (bare, env),
            FORM: ([*bare, "--form"], env),
            APP: (app, env),
            APP_CONFIG: (app, with_config),
            STAFF_CONFIG: ([*app[:3], "--staff", *app[3:]], with_config),
        }
        results: dict[str, list[float]] = {name: [] for name in commands}
        # One unmeasured run each: the first start also pays for writing .pyc files (and
        # validates the config file, which later starts then take as accepted).
        for command, command_env in commands.values():
            time_to_first_paint(command, command_env, record)
        for _ in range(runs):
            for name, (command, command_env) in commands.items():
                results[name].append(time_to_first_paint(command, command_env, record))
        return results


def report(results: dict[str, list[float]]) -> str:
    bare = statistics.median(results[BARE])
    app = statistics.median(results[APP])
    ratio = app / bare
    form_ratio = app / statistics.median(results[FORM])
    runs = len(results[BARE])
    lines = [
        BEGIN,
        "### Latest measurement",
        "",
        f"Measured by `python -m benchmarks.startup` ({runs} runs each, alternating, on an 80x24",
        "pseudo-terminal; process start to first paint; median).",
        "",
        "| what | median | min | max |",
        "|---|---|---|---|",
    ]
    for name, values in results.items():
        lines.append(
            f"| {name} | {statistics.median(values) * 1000:.0f} ms "
            f"| {min(values) * 1000:.0f} ms | {max(values) * 1000:.0f} ms |"
        )
    verdict = "within" if ratio <= TARGET_RATIO else "NOT within"
    lines += [
        "",
        f"Ratio acom-tui / bare Textual: **{ratio:.2f}** ({verdict} the {TARGET_RATIO}x target "
        f"of SPEC 5). Against the same Textual widgets without our code: {form_ratio:.2f}. "
        f"With a config file accepted before: {statistics.median(results[APP_CONFIG]) / bare:.2f} "
        f"(member app), {statistics.median(results[STAFF_CONFIG]) / bare:.2f} (staff console).",
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d')}.",
        END,
    ]
    return "\n".join(lines)


def write_section(path: Path, section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    if BEGIN in text and END in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--write", type=Path, metavar="MARKDOWN", help="update this file")
    args = parser.parse_args(argv)
    section = report(measure(args.runs))
    print(section)
    if args.write is not None:
        write_section(args.write, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
