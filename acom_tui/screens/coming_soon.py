"""A service of the dashboard that is not built yet: said plainly, with a way back."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Button

from acom_tui.i18n import t
from acom_tui.screens.notice import NoticeScreen

__all__ = ["ComingSoonScreen"]


class ComingSoonScreen(NoticeScreen):
    def __init__(self, service_label: str) -> None:
        self.service_label = service_label
        super().__init__(
            title=service_label,
            lead=t("service.coming_soon", service=service_label),
            body="",
            variant="info",
            support_desk=False,
        )

    def compose_actions(self) -> ComposeResult:
        yield Button(t("common.back"), id="notice-back", compact=True, variant="primary")
