"""What every benchmark shares: statistics, the machine line, and writing its doc block."""

from __future__ import annotations

import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p95 of 200 samples is the 190th smallest)."""
    if not values:
        raise ValueError("no samples")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return float(ordered[rank - 1])


def ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    """One line naming what the figures were measured on, and when."""
    from importlib.metadata import version

    return (
        f"{os.cpu_count()} CPUs (`nproc`), {cpu_model()}; Python {sys.version.split()[0]}, "
        f"Textual {version('textual')}, uvicorn {version('uvicorn')}, "
        f"FastAPI {version('fastapi')}; {time.strftime('%Y-%m-%d %H:%M %Z')}"
    )


def begin(name: str) -> str:
    return f"<!-- {name}:begin -->"


def end(name: str) -> str:
    return f"<!-- {name}:end -->"


def write_block(name: str, body: str, path: Path = DOC) -> None:
    """Replace the block ``name`` of ``path`` (appended when it is not there yet)."""
    section = f"{begin(name)}\n{body.rstrip()}\n{end(name)}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    if begin(name) in text and end(name) in text:
        head, _, rest = text.partition(begin(name))
        _, _, tail = rest.partition(end(name))
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")
