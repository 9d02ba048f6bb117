"""Three wrong PINs: what to take to a store or むじんくん, and the free line.

The body is the short form of the help page (``help.locked.body``): the whole screen, the
desk's open or closed line included, must fit 80x24 without scrolling in both languages.
"""

from __future__ import annotations

from acom_tui.i18n import t
from acom_tui.screens.notice import NoticeScreen

__all__ = ["LockedScreen"]


class LockedScreen(NoticeScreen):
    def __init__(self) -> None:
        super().__init__(
            title=t("help.locked.title"),
            lead=t("error.ACCOUNT_LOCKED"),
            body=t("locked.steps"),
            variant="error",
            help_topic="forgot_pin",
        )
