"""The member services of the dashboard, and the screen each one opens.

Adding a service is one line: its id, key, label and ``"module:Class"`` (the class is
created with no arguments). Screens are imported when first opened, so the dashboard does
not load every service at login.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from textual.screen import Screen

__all__ = ["SERVICES", "Service", "build_screen", "service"]


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    key: str
    label_key: str
    screen: str
    """``"package.module:ClassName"`` of the screen."""


SERVICES: tuple[Service, ...] = (
    Service("borrow", "1", "service.borrow", "acom_tui.screens.borrow:BorrowScreen"),
    Service("repay", "2", "service.repay", "acom_tui.screens.repay:RepayScreen"),
    Service(
        "statements", "3", "service.statements", "acom_tui.screens.statements:StatementsScreen"
    ),
    Service("notices", "4", "service.notices", "acom_tui.screens.notices:NoticesScreen"),
    Service("settings", "5", "service.settings", "acom_tui.screens.settings:SettingsScreen"),
    Service("simulator", "6", "service.simulator", "acom_tui.screens.simulator:SimulatorScreen"),
)


def service(service_id: str) -> Service:
    for item in SERVICES:
        if item.id == service_id:
            return item
    raise KeyError(service_id)


def build_screen(item: Service) -> Screen[Any]:
    module_name, _, class_name = item.screen.partition(":")
    screen_class = getattr(importlib.import_module(module_name), class_name)
    screen = screen_class()
    if not isinstance(screen, Screen):
        raise TypeError(f"{item.screen} is not a Screen")
    return screen
