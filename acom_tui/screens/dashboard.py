"""The dashboard: the account at a glance and a key for every service.

The account, the server status, the notices and the latest loans and repayments (the
balance history) are fetched together. Only the account is essential: the notices and
statements endpoints may not exist on an older server (404), and then their part of the
screen is simply not shown.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from acom_tui.formatting import format_date, format_datetime, format_rate, format_time, format_yen
from acom_tui.i18n import get_language, t
from acom_tui.screens.base import AcomScreen
from acom_tui.screens.services import SERVICES, build_screen, service
from acom_tui.signals import AccountChanged
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.figures import Emphasis, Figure, Figures
from acom_tui.widgets.heartbeat import TICK_S, seconds_until, soonest
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.sparkline import BalanceHistory

if TYPE_CHECKING:
    from acom_contract.schemas import (
        Account,
        MaintenanceWindow,
        Notice,
        NoticePage,
        Statement,
        Status,
    )

__all__ = [
    "HISTORY_POINTS",
    "MAINTENANCE_WARNING_S",
    "DashboardData",
    "DashboardScreen",
    "balance_history",
    "maintenance_warning",
]

log = logging.getLogger("acom_tui.dashboard")

# Warn about maintenance this long before it starts (SPEC 2.3).
MAINTENANCE_WARNING_S = 60 * 60
HISTORY_POINTS = 40

# (key, catalogue key of the label), in the order shown; "late" only when there is some.
FIGURES: tuple[tuple[str, str], ...] = (
    ("principal", "dashboard.principal"),
    ("available", "dashboard.available"),
    ("limit", "dashboard.limit"),
    ("rate", "dashboard.rate"),
    ("next_due", "dashboard.next_due"),
    ("minimum", "dashboard.minimum"),
    ("payoff", "dashboard.payoff"),
    ("accrued", "dashboard.accrued"),
    ("late", "dashboard.late_interest"),
)


@dataclass(frozen=True, slots=True)
class DashboardData:
    """The dashboard's four answers, each a value or the error it raised."""

    account: Account | BaseException
    status: Status | BaseException
    notices: NoticePage | BaseException
    history: list[Statement] | BaseException
    """The latest loans and repayments (card use carries no balance)."""


def balance_history(statements: Sequence[Statement], points: int = HISTORY_POINTS) -> list[int]:
    """Balances after each loan and repayment, oldest first, the last ``points`` of them."""
    rows = [
        s for s in statements if s.kind in ("loan", "repayment") and s.balance_after is not None
    ]
    rows.sort(key=lambda s: s.occurred_at)
    return [s.balance_after for s in rows if s.balance_after is not None][-points:]


class DashboardScreen(AcomScreen[None]):
    CSS_PATH = "dashboard.tcss"
    AUTO_FOCUS = "#dash-menu"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                s.key, f"open_service('{s.id}')", s.label_key, id=f"dashboard.{s.id}", show=False
            )
            for s in SERVICES
        ),
        Binding("f5", "reload", "keys.reload", id="dashboard.reload"),
        Binding("f9", "app.logout", "keys.logout", id="dashboard.logout"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.account: Account | None = None
        self.unread_notices: int | None = None

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("dashboard.title"))
        if self.acom.is_demo:
            yield Banner(t("app.demo_banner"), variant="demo", id="demo-banner")
        yield Banner("", variant="error", id="dash-error")
        yield Banner("", variant="error", id="dash-overdue")
        yield Banner("", variant="warning", id="dash-maintenance")
        yield Banner("", variant="info", id="dash-interest-free")
        yield Banner("", variant="info", id="dash-notices")
        with Horizontal(id="dash-main"):
            with Vertical(id="dash-left"):
                yield Label("", id="dash-greeting", markup=False)
                yield Figures(
                    [Figure(key, t(label)) for key, label in FIGURES if key != "late"],
                    id="dash-figures",
                )
            yield OptionList(*self._menu_options(), id="dash-menu", compact=True)
        yield BalanceHistory(id="dash-history")
        yield Label("", id="dash-as-of", classes="muted", markup=False)
        yield KeyBar()

    def _menu_options(self) -> list[Option]:
        options = []
        for item in SERVICES:
            label = t(item.label_key)
            if item.id == "notices" and self.unread_notices:
                label = t("dashboard.menu.unread", label=label, count=self.unread_notices)
            options.append(Option(f"{item.key}  {label}", id=item.id))
        options.append(Option(f"F1 {t('keys.help')}", id="help"))
        options.append(Option(f"F9 {t('keys.logout')}", id="logout"))
        return options

    def on_mount(self) -> None:
        # Immediate: a screen above has changed the account, and the fetch should start
        # now rather than when the member comes back here.
        self.acom.account_changed.subscribe(self, self._account_changed, immediate=True)
        self.load()

    def _account_changed(self, change: AccountChanged) -> None:
        if change.notices is not None:
            self.show_notices(change.notices)
        elif self.is_mounted:
            self.load()

    # --- loading ----------------------------------------------------------------------

    def load(self) -> None:
        """The figures: those fetched before the push, else fetched now (F5: afresh)."""
        self.show_first(self.show_data, busy_on=self.query_one("#dash-left"))

    def action_reload(self) -> None:
        self.load()

    async def fetch_first(self) -> DashboardData | None:
        session = self.acom.session
        if session is None:
            return None
        client = session.backend.client
        account, status, notices, loans, repayments = await asyncio.gather(
            client.account(),
            client.status(),
            client.notices(limit=100),
            client.statements(kind="loan", limit=HISTORY_POINTS),
            client.statements(kind="repayment", limit=HISTORY_POINTS),
            return_exceptions=True,
        )
        history: list[Statement] | BaseException
        if isinstance(loans, BaseException):
            history = loans
        elif isinstance(repayments, BaseException):
            history = repayments  # half a history would draw a wrong one
        else:
            history = [*loans.items, *repayments.items]
        return DashboardData(account, status, notices, history)

    def show_data(self, data: DashboardData | None) -> None:
        if data is None:
            return
        if isinstance(data.account, BaseException):
            self.acom.report_error(data.account, inline=self._show_error)
            return
        self.query_one("#dash-error", Banner).clear()
        self.show_account(data.account)
        if not isinstance(data.status, BaseException):
            self.acom.note_status(data.status)
        else:
            log.info("status unavailable: %s", type(data.status).__name__)
        self._update_maintenance()
        notices = data.notices
        self.show_notices(None if isinstance(notices, BaseException) else notices.items)
        history = data.history
        self.query_one(BalanceHistory).set_history(
            None if isinstance(history, BaseException) else balance_history(history)
        )

    def _show_error(self, text: str) -> None:
        if self.is_attached:
            self.query_one("#dash-error", Banner).show(text)

    # --- showing ----------------------------------------------------------------------

    def show_account(self, account: Account) -> None:
        self.account = account
        lang = get_language()
        self.query_one("#dash-greeting", Label).update(t("dashboard.greeting", name=account.name))
        due = (
            format_date(account.next_due_date, lang)
            if account.next_due_date is not None and account.payoff_amount > 0
            else t("dashboard.no_payment_due")
        )
        values: dict[str, tuple[str, Emphasis]] = {
            "principal": (format_yen(account.principal, lang), ""),
            "available": (format_yen(account.available, lang), ""),
            "limit": (format_yen(account.credit_limit, lang), ""),
            "rate": (format_rate(account.interest_rate, lang), ""),
            "next_due": (due, ""),
            "minimum": (format_yen(account.minimum_payment, lang), ""),
            "payoff": (format_yen(account.payoff_amount, lang), "emphasis"),
            "accrued": (format_yen(account.accrued_interest, lang), ""),
            "late": (format_yen(account.late_interest, lang), "alert"),
        }
        labels = dict(FIGURES)
        if account.overdue_days > 0:
            # The due date has passed: it is not "next", and it is shown as a warning.
            labels["next_due"] = "dashboard.due_passed"
            values["next_due"] = (due, "alert")
        self.query_one(Figures).set_figures(
            [
                Figure(key, t(labels[key]), *values[key])
                for key, _label in FIGURES
                if key != "late" or account.late_interest > 0
            ]
        )

        overdue = self.query_one("#dash-overdue", Banner)
        if account.overdue_days > 0:
            overdue.show(
                t(
                    "dashboard.overdue",
                    days=account.overdue_days,
                    late_interest=format_yen(account.late_interest, lang),
                )
            )
        else:
            overdue.clear()
        free = self.query_one("#dash-interest-free", Banner)
        if account.interest_free_until is not None:
            free.show(
                t("dashboard.interest_free", until=format_date(account.interest_free_until, lang))
            )
        else:
            free.clear()
        self.query_one("#dash-as-of", Label).update(
            t("dashboard.as_of", time=format_datetime(account.as_of, lang))
        )

    def show_notices(self, notices: Sequence[Notice] | None) -> None:
        banner = self.query_one("#dash-notices", Banner)
        if notices is None:
            self.unread_notices = None
            banner.clear()
        else:
            self.unread_notices = sum(1 for notice in notices if not notice.read)
            if self.unread_notices:
                key = service("notices").key
                banner.show(t("dashboard.notices_unread", count=self.unread_notices, key=key))
            else:
                banner.clear()
        menu = self.query_one("#dash-menu", OptionList)
        highlighted = menu.highlighted
        menu.clear_options()
        menu.add_options(self._menu_options())
        menu.highlighted = highlighted if highlighted is not None else 0

    def _update_maintenance(self) -> None:
        banner = next(iter(self.query("#dash-maintenance").results(Banner)), None)
        if banner is None:
            return  # the app's heartbeat can fire before compose has finished
        text = maintenance_warning(self.acom.next_maintenance, self.acom.server_clock.now())
        if text:
            banner.show(text)
        else:
            banner.clear()

    def heartbeat(self) -> None:
        super().heartbeat()
        self._update_maintenance()

    def next_beat_in(self, now: datetime) -> float | None:
        # The maintenance banner: shown (its minutes count down) within the warning period.
        window = self.acom.next_maintenance
        if window is None:
            return super().next_beat_in(now)
        banner_from = window.starts_at - timedelta(seconds=MAINTENANCE_WARNING_S)
        if banner_from <= now < window.starts_at:
            return TICK_S
        return soonest((super().next_beat_in(now), seconds_until(banner_from, now)))

    # --- services ---------------------------------------------------------------------

    async def action_open_service(self, service_id: str) -> None:
        await self.acom.open_screen(build_screen(service(service_id)))

    @on(OptionList.OptionSelected, "#dash-menu")
    async def _menu_selected(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id
        if choice == "help":
            self.acom.action_help()
        elif choice == "logout":
            await self.acom.action_logout()
        elif choice is not None:
            await self.action_open_service(choice)


def maintenance_warning(window: MaintenanceWindow | None, now: datetime) -> str | None:
    """The banner text when ``window`` starts within the warning period, else None."""
    if window is None:
        return None
    seconds = (window.starts_at - now).total_seconds()
    if seconds <= 0 or seconds > MAINTENANCE_WARNING_S:
        return None
    lang = get_language()
    end = format_time(window.ends_at, lang) if window.ends_at else t("maintenance.end_unknown")
    return t(
        "dashboard.maintenance_soon",
        start=format_time(window.starts_at, lang),
        end=end,
        minutes=math.ceil(seconds / 60),
    )
