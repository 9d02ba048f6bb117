"""The command palette of both apps: every key of the screen, found by what it does or by
its key ("F5" finds refresh), in the language of the moment.

Textual's own provider lists its English system commands and matches titles only; this
one is built from the screen's bindings (``keys.key_rows``) and takes the place of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, NamedTuple, cast

from textual.app import App
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider

from acom_tui.i18n import t
from acom_tui.keys import key_rows

__all__ = ["KeyCommands", "open_palette", "palette_entries"]

_PALETTE_ACTIONS = frozenset({"command_palette", "app.command_palette"})


class Entry(NamedTuple):
    title: str
    key: str
    help: str
    callback: Callable[[], Any]
    discover: bool


def palette_entries(app: App[Any], screen: Any) -> Iterable[Entry]:
    for row in key_rows(app, screen):
        if row.action in _PALETTE_ACTIONS or row.binding_id is None:
            continue
        yield Entry(
            row.description,
            row.key,
            t("palette.key", key=row.key),
            partial(app.run_action, row.action, row.node),
            row.enabled,
        )
    change_theme = getattr(app, "action_change_theme", None)
    if change_theme is not None:
        yield Entry(t("palette.theme"), "", t("palette.theme_help"), change_theme, True)


class KeyCommands(Provider):
    """The keys of the screen the palette was opened on, and the theme picker."""

    def _list(self) -> list[Entry]:
        return list(palette_entries(self.app, self.screen))

    async def discover(self) -> Hits:
        for entry in self._list():
            if entry.discover:
                yield DiscoveryHit(entry.title, entry.callback, help=entry.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        wanted = query.strip().casefold()
        for entry in self._list():
            # The key's own name is an exact match: "f5" and "F5" both find refresh.
            if entry.key and wanted == entry.key.casefold():
                yield Hit(1.0, f"{entry.key} {entry.title}", entry.callback, help=entry.help)
                continue
            score = matcher.match(entry.title)
            if score > 0:
                yield Hit(score, matcher.highlight(entry.title), entry.callback, help=entry.help)


def open_palette(app: App[Any]) -> None:
    """Open the palette with a translated placeholder, unless it is already open.

    Textual's own placeholder is English and ends in an ambiguous-width ellipsis.
    """
    # is_open() is typed for App[object]; the app's return type does not matter to it.
    if app.use_command_palette and not CommandPalette.is_open(cast(Any, app)):
        app.push_screen(
            CommandPalette(placeholder=t("palette.placeholder"), id="--command-palette")
        )
