"""The repayment simulator, reachable before login.

A placeholder until the simulator is built with the services: it says so plainly rather
than showing a half-working form.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Button

from acom_tui.i18n import t
from acom_tui.screens.notice import NoticeScreen

__all__ = ["SimulatorScreen"]


class SimulatorScreen(NoticeScreen):
    def __init__(self) -> None:
        super().__init__(
            title=t("simulator.title"),
            lead=t("simulator.coming"),
            body=t("simulator.body"),
            variant="info",
            support_desk=False,
        )

    def compose_actions(self) -> ComposeResult:
        yield Button(t("common.back"), id="notice-back", compact=True, variant="primary")
