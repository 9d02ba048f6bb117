"""Use of the account is suspended: guidance specific to the reason (SPEC 2.4).

A suspended member cannot log in, yet may still owe money: the screen says how to repay
without logging in (ATM, bank transfer) and links to the help page that gives the details.
"""

from __future__ import annotations

from acom_tui.i18n import catalogue, get_language, t
from acom_tui.screens.notice import NoticeScreen

__all__ = ["SuspendedScreen", "suspension_key"]


def suspension_key(reason: str | None) -> str:
    """The catalogue prefix for ``reason``; an unknown or missing one gets general guidance."""
    key = f"suspension.{reason}"
    return key if reason and f"{key}.title" in catalogue(get_language()) else "suspension.UNKNOWN"


class SuspendedScreen(NoticeScreen):
    def __init__(self, reason: str | None) -> None:
        prefix = suspension_key(reason)
        self.reason = reason
        super().__init__(
            title=t(f"{prefix}.title"),
            lead=t("error.ACCOUNT_SUSPENDED"),
            body=f"{t(f'{prefix}.body')}\n\n{t('suspension.repay_note')}",
            variant="warning",
            help_topic="repay_without_login",
        )
