"""What every staff screen shares: the title bar, a typed app handle, the clock tick.

The member app's ``AcomScreen`` is typed for ``AcomApp``; these are the same few lines
for ``StaffApp``, built on the same helper (``tick_countdowns``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.screen import ModalScreen, Screen

from acom_tui.i18n import t
from acom_tui.widgets.heartbeat import OnTheBeat
from acom_tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from acom_tui.staff.app import StaffApp

__all__ = ["StaffModal", "StaffScreen"]

ResultT = TypeVar("ResultT")


class StaffScreen(OnTheBeat, Screen[ResultT]):
    """A full screen of the staff console."""

    @property
    def staff(self) -> StaffApp:
        return cast("StaffApp", self.app)

    def title_bar(self, where: str) -> TitleBar:
        badge = t("app.demo_badge") if self.staff.is_demo else ""
        session = self.staff.session
        if session is not None:
            where = t("staff.title.where_with_staff", where=where, staff_id=session.staff_id)
        return TitleBar(t("staff.app.title"), where, badge=badge)


class StaffModal(OnTheBeat, ModalScreen[ResultT]):
    """A dialog of the staff console."""

    @property
    def staff(self) -> StaffApp:
        return cast("StaffApp", self.app)
