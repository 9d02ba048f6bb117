"""The text a screen shows, line by line, read from Textual's own screenshot export.

``App.export_screenshot`` is public and draws exactly what the terminal shows; its SVG
puts each run of text in a ``<text>`` element clipped to its line. Reading those back
gives tests the visible text without reaching into the compositor.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from typing import Any

_TEXT = re.compile(
    r'<text [^>]*?x="([0-9.]+)"[^>]*?clip-path="url\(#[^)]*-line-(\d+)\)"[^>]*>(.*?)</text>'
)


def screen_lines(app: Any) -> list[str]:
    """Every line of the current screen as text (runs joined in order of their x)."""
    svg: str = app.export_screenshot()
    runs: dict[int, list[tuple[float, str]]] = defaultdict(list)
    for x, line, text in _TEXT.findall(svg):
        runs[int(line)].append((float(x), html.unescape(text).replace("\xa0", " ")))
    return ["".join(text for _x, text in sorted(runs[n])) for n in range(max(runs, default=-1) + 1)]
