"""The settings menu the dashboard's "details and settings" service opens.

Registered information, income documents, a credit-limit increase, the PIN and the app's
own preferences: one key each, the highlighted entry explained underneath. Each screen is
imported when first opened, so the menu costs nothing at login.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from acom_tui.i18n import t
from acom_tui.screens.base import AcomScreen
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.prose import Prose

__all__ = ["SETTINGS_ENTRIES", "SettingsEntry", "SettingsScreen", "open_entry"]


@dataclass(frozen=True, slots=True)
class SettingsEntry:
    id: str
    key: str
    screen: str
    """``"package.module:ClassName"``, created with no arguments."""

    @property
    def label_key(self) -> str:
        return f"settings.menu.{self.id}"

    @property
    def help_key(self) -> str:
        return f"settings.menu.{self.id}_help"


SETTINGS_ENTRIES: tuple[SettingsEntry, ...] = (
    SettingsEntry("profile", "1", "acom_tui.screens.profile:ProfileScreen"),
    SettingsEntry("documents", "2", "acom_tui.screens.documents:DocumentsScreen"),
    SettingsEntry("limit", "3", "acom_tui.screens.limit_increase:LimitIncreaseScreen"),
    SettingsEntry("pin", "4", "acom_tui.screens.pin_change:PinChangeScreen"),
    SettingsEntry("preferences", "5", "acom_tui.screens.preferences:PreferencesScreen"),
)


def open_entry(entry_id: str) -> Screen[Any]:
    """A new screen for the entry ``entry_id``."""
    entry = next(e for e in SETTINGS_ENTRIES if e.id == entry_id)
    module_name, _, class_name = entry.screen.partition(":")
    screen = getattr(importlib.import_module(module_name), class_name)()
    if not isinstance(screen, Screen):
        raise TypeError(f"{entry.screen} is not a Screen")
    return screen


class SettingsScreen(AcomScreen[None]):
    CSS_PATH = "settings.tcss"
    AUTO_FOCUS = "#settings-menu"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(e.key, f"open('{e.id}')", e.label_key, id=f"settings.{e.id}", show=False)
            for e in SETTINGS_ENTRIES
        ),
        Binding("escape", "back", "keys.back", id="settings.back"),
    ]

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("settings.title"))
        if self.acom.is_demo:
            yield Banner(t("app.demo_banner"), variant="demo", id="demo-banner")
        with VerticalScroll(id="settings-body"):
            yield Prose(t("settings.menu.lead"), id="settings-lead")
            yield OptionList(
                *(Option(f"{e.key}  {t(e.label_key)}", id=e.id) for e in SETTINGS_ENTRIES),
                id="settings-menu",
                compact=True,
            )
            yield Prose(t(SETTINGS_ENTRIES[0].help_key), id="settings-help")
        yield KeyBar()

    async def action_open(self, entry_id: str) -> None:
        await self.acom.open_screen(open_entry(entry_id))

    def action_back(self) -> None:
        self.dismiss()

    @on(OptionList.OptionHighlighted, "#settings-menu")
    def _explain(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self.query_one("#settings-help", Prose).update(
                t(f"settings.menu.{event.option.id}_help")
            )

    @on(OptionList.OptionSelected, "#settings-menu")
    async def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            await self.action_open(event.option.id)
