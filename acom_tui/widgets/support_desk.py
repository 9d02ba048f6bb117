"""Who to call, when they answer, and whether they answer right now (Japan time)."""

from __future__ import annotations

from datetime import datetime

from acom_tui.i18n import t
from acom_tui.support_desk import describe_desk_status, desk_status
from acom_tui.widgets.prose import Prose

__all__ = ["SupportDesk"]


class SupportDesk(Prose):
    DEFAULT_CSS = """
    SupportDesk {
        width: 1fr;
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    """

    def __init__(self, now: datetime, *, id: str | None = None) -> None:
        super().__init__(self._describe(now), id=id)

    @staticmethod
    def _describe(now: datetime) -> str:
        return "\n".join(
            (
                t("support.desk_name"),
                t("support.phone"),
                t("support.hours"),
                describe_desk_status(desk_status(now), now),
            )
        )

    def refresh_status(self, now: datetime) -> None:
        self.update(self._describe(now))
