"""Themes shared by the member app and the staff console."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from textual.app import App
from textual.theme import BUILTIN_THEMES

from acom_tui.i18n import t

DEFAULT_THEME = "textual-dark"
# Older Textual releases called the ANSI theme "textual-ansi"; configs written for them
# keep working.
THEME_ALIASES: Mapping[str, str] = {"textual-ansi": "ansi-dark"}

log = logging.getLogger("acom_tui.themes")


def apply_theme(app: App[Any], name: str) -> None:
    """Switch to theme ``name`` (aliases included); an unknown name keeps the current theme."""
    for alias, target in THEME_ALIASES.items():
        if alias not in app.available_themes and target in BUILTIN_THEMES:
            app.register_theme(replace(BUILTIN_THEMES[target], name=alias))
    if name in app.available_themes:
        app.theme = name
    else:
        log.warning("unknown theme %r, keeping %r", name, app.theme)
        app.notify(t("app.unknown_theme", theme=name), severity="warning")
