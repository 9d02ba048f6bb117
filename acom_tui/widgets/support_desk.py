"""Who to call, when they answer, and whether they answer right now (Japan time).

With ``lost_line`` the 24-hour lost or stolen card line comes first: stopping a card cannot
wait until the weekday desk opens (SPEC 2.16).
"""

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

    def __init__(self, now: datetime, *, lost_line: bool = False, id: str | None = None) -> None:
        self.lost_line = lost_line
        super().__init__(self._describe(now), id=id)

    def _describe(self, now: datetime) -> str:
        lines = [t("support.lost_line"), ""] if self.lost_line else []
        lines += (
            t("support.desk_name"),
            t("support.phone"),
            t("support.hours"),
            describe_desk_status(desk_status(now), now),
        )
        return "\n".join(lines)

    def refresh_status(self, now: datetime, *, lost_line: bool | None = None) -> None:
        if lost_line is not None:
            self.lost_line = lost_line
        self.update(self._describe(now))
