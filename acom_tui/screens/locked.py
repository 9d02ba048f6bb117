"""Three wrong PINs: what to take to a store or むじんくん, and the free line."""

from __future__ import annotations

from acom_tui.i18n import t
from acom_tui.screens.notice import NoticeScreen

__all__ = ["LockedScreen"]


class LockedScreen(NoticeScreen):
    def __init__(self) -> None:
        super().__init__(
            title=t("help.locked.title"),
            lead=t("error.ACCOUNT_LOCKED"),
            body=t("help.locked.body"),
            variant="error",
            help_topic="forgot_pin",
        )
