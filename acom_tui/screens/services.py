"""The member services of the dashboard, and the screen each one opens.

Adding a service's screen is one line: put its ``"module:Class"`` in ``screen`` (the class
is created with no arguments). Until then the dashboard opens a screen that says the
service arrives in the next part. Screens are imported when first opened, so the
dashboard does not load every service at login.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from textual.screen import Screen

from acom_tui.i18n import t

__all__ = ["SERVICES", "Service", "build_screen", "service"]


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    key: str
    label_key: str
    screen: str | None = None
    """``"package.module:ClassName"`` of the screen, or None while it is not built."""


SERVICES: tuple[Service, ...] = (
    Service("borrow", "1", "service.borrow"),
    Service("repay", "2", "service.repay"),
    Service("statements", "3", "service.statements"),
    Service("notices", "4", "service.notices"),
    Service("settings", "5", "service.settings"),
    Service("simulator", "6", "service.simulator", "acom_tui.screens.simulator:SimulatorScreen"),
)


def service(service_id: str) -> Service:
    for item in SERVICES:
        if item.id == service_id:
            return item
    raise KeyError(service_id)


def build_screen(item: Service) -> Screen[Any]:
    if item.screen is None:
        from acom_tui.screens.coming_soon import ComingSoonScreen

        return ComingSoonScreen(t(item.label_key))
    module_name, _, class_name = item.screen.partition(":")
    screen_class = getattr(importlib.import_module(module_name), class_name)
    screen = screen_class()
    if not isinstance(screen, Screen):
        raise TypeError(f"{item.screen} is not a Screen")
    return screen
