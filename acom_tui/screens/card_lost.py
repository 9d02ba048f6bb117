"""The card was reported lost or stolen: what to do now, and the line that never closes."""

from __future__ import annotations

from acom_tui.i18n import t
from acom_tui.screens.notice import NoticeScreen

__all__ = ["CardLostScreen"]


class CardLostScreen(NoticeScreen):
    def __init__(self) -> None:
        super().__init__(
            title=t("help.lost_card.title"),
            lead=t("error.CARD_LOST"),
            body=t("help.lost_card.body"),
            variant="warning",
            help_topic="fraud",
            lost_line=True,
        )
