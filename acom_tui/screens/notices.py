"""The e-mail service's messages (お知らせ): a list, unread marked, and one notice read.

Unread is written out (「未読」 / "NEW") and the row is bold: a dot would be an
ambiguous-width character and colour alone disappears with ``NO_COLOR``. Opening a notice
marks it read on the server; the list, and the dashboard's count when the member goes
back, follow the server's answer. The notices screen owns that request, so it finishes
even when the member closes the notice at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Final

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Label

from acom_tui.formatting import format_datetime
from acom_tui.i18n import get_language, t
from acom_tui.screens.base import AcomScreen
from acom_tui.screens.statements import short_date
from acom_tui.signals import AccountChanged
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from acom_contract.schemas import Notice, NoticePage
    from acom_tui.api.client import Client

__all__ = ["NOTICES_PAGE", "NoticeTable", "NoticeViewScreen", "NoticesScreen", "notice_cells"]

# The dashboard counts unread among the newest 100: the list starts with the same ones.
NOTICES_PAGE: Final = 100
PREFETCH_MARGIN: Final = 10
_MARK_WIDTH: Final = 4
_KIND_WIDTH: Final = 12
# What is left of 76 cells (80 less margins and the scrollbar) after the other columns.
_SUBJECT_WIDTH: Final = 40


def _pad(text: str, width: int) -> str:
    """``text`` in ``width`` cells; a text too long ends with an ellipsis, never cut silently."""
    if cell_len(text) > width:
        while cell_len(text) > width - 3:
            text = text[:-1]
        text += "..."
    return text + " " * (width - cell_len(text))


def notice_cells(notice: Notice) -> list[Text]:
    """Mark, date, kind and subject; an unread row is bold and says so in words."""
    style = "" if notice.read else "bold"
    mark = "" if notice.read else t("notices.unread_mark")
    values = (
        _pad(mark, _MARK_WIDTH),
        short_date(notice.created_at, get_language()),
        _pad(t(f"notices.kind.{notice.kind}"), _KIND_WIDTH),
        _pad(notice.subject, _SUBJECT_WIDTH).rstrip(),
    )
    return [Text(value, style=style, no_wrap=True, end="") for value in values]


class NoticeTable(DataTable[Text]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter", "select_cursor", "notices.keys.open", id="notices.open", key_display="Enter"
        ),
        Binding("home", "scroll_top", "notices.keys.first", show=False, id="notices.first"),
        Binding("end", "scroll_bottom", "notices.keys.last", show=False, id="notices.last"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row")


class NoticesScreen(AcomScreen[None]):
    CSS_PATH = "notices.tcss"
    AUTO_FOCUS = "#notices-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f4", "settings", "notices.keys.settings", id="notices.settings"),
        Binding("escape", "back", "keys.back", id="notices.back"),
        Binding("f7", "more", "notices.keys.more", id="notices.more", show=False),
        Binding("f5", "reload", "keys.reload", id="notices.reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.notices: list[Notice] = []
        self.unread: int | None = None
        self.next_cursor: str | None = None
        self._loaded = False

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("notices.title"))
        yield Banner("", variant="error", id="notices-error")
        yield NoticeTable(id="notices-table")
        yield Label("", id="notices-count", classes="muted", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.table
        table.add_column(Text(""), width=_MARK_WIDTH)  # the unread mark needs no heading
        table.add_column(Text(t("notices.col.date")), width=10)
        table.add_column(Text(t("notices.col.kind")), width=_KIND_WIDTH)
        table.add_column(Text(t("notices.col.subject")), width=_SUBJECT_WIDTH)
        self.show_first(self._show_first_page, busy_on=table)

    @property
    def table(self) -> NoticeTable:
        return self.query_one("#notices-table", NoticeTable)

    @property
    def client(self) -> Client | None:
        session = self.acom.session
        return session.backend.client if session is not None else None

    # --- loading ------------------------------------------------------------------------

    async def fetch_first(self) -> NoticePage | Exception | None:
        client = self.client
        if client is None:
            return None
        try:
            return await client.notices(limit=NOTICES_PAGE)
        except Exception as error:
            return error

    def _show_first_page(self, page: NoticePage | Exception | None) -> None:
        if page is not None:
            self._show_page(page, more=False)

    @work(exclusive=True, group="notices-load")
    async def load(self, more: bool = False) -> None:
        """The next page (``more``), or the first page afresh."""
        if not more:
            self.show_first(self._show_first_page, busy_on=self.table)
            return
        client = self.client
        if client is None or self.next_cursor is None:
            return
        try:
            page: NoticePage | Exception = await client.notices(
                cursor=self.next_cursor, limit=NOTICES_PAGE
            )
        except Exception as error:
            page = error
        self._show_page(page, more=True)

    def _show_page(self, page: NoticePage | Exception, more: bool) -> None:
        # The table may have been loading: leaving that does not republish the bindings
        # (the key bar would miss Enter).
        self.refresh_bindings()
        if isinstance(page, Exception):
            self.acom.report_error(page, inline=self._show_error)
            return
        self.query_one("#notices-error", Banner).clear()
        self._take(page, more)
        if self.focused is None:
            # AUTO_FOCUS may have found the table loading (which refuses focus).
            self.table.focus()

    def _take(self, page: NoticePage, more: bool) -> None:
        table = self.table
        if not more:
            self.notices = []
            table.clear()
        known = {n.id for n in self.notices}
        fresh = [n for n in page.items if n.id not in known]
        self.notices.extend(fresh)
        for notice in fresh:
            table.add_row(*notice_cells(notice), key=notice.id)
        self.next_cursor = page.next_cursor
        self.unread = page.unread
        self._loaded = True
        self._show_count()

    def _show_count(self) -> None:
        label = self.query_one("#notices-count", Label)
        count = len(self.notices)
        unread = self.unread or 0
        if count == 0:
            label.update(t("notices.empty"))
        elif self.next_cursor is not None:
            label.update(t("notices.count_more", count=count, unread=unread))
        else:
            label.update(t("notices.count", count=count, unread=unread))

    def _show_error(self, text: str) -> None:
        self.query_one("#notices-error", Banner).show(text)

    @on(DataTable.RowHighlighted, "#notices-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        table = self.table
        if self.next_cursor is not None and event.cursor_row >= table.row_count - PREFETCH_MARGIN:
            self.load(more=True)

    def action_more(self) -> None:
        self.load(more=True)

    def action_reload(self) -> None:
        self.load()

    # --- reading ------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#notices-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        index = event.cursor_row
        if not 0 <= index < len(self.notices):
            return
        notice = self.notices[index]
        self.app.push_screen(NoticeViewScreen(notice))
        if not notice.read:
            # The app runs it, not this screen: it must finish even if the member goes
            # straight back to the dashboard, which then shows the server's answer.
            self.app.run_worker(self._mark_read(notice), group="notices-read", exit_on_error=False)

    async def _mark_read(self, notice: Notice) -> None:
        client = self.client
        if client is None:
            return
        try:
            updated = await client.mark_notice_read(notice.id)
        except Exception as error:
            self.acom.report_error(error, inline=self._show_error if self.is_mounted else None)
            return
        self._replace(updated)
        if not self.is_mounted:
            self._update_dashboard()

    def _replace(self, updated: Notice) -> None:
        for index, notice in enumerate(self.notices):
            if notice.id != updated.id:
                continue
            if not notice.read and updated.read and self.unread:
                self.unread -= 1
            self.notices[index] = updated
            if self.is_mounted:
                table = self.table
                for column, cell in zip(table.columns, notice_cells(updated), strict=True):
                    table.update_cell(updated.id, column, cell)
                self._show_count()
            return

    # --- leaving ------------------------------------------------------------------------

    async def action_settings(self) -> None:
        from acom_tui.screens.notification_settings import NotificationSettingsScreen

        await self.acom.open_screen(NotificationSettingsScreen())

    def action_back(self) -> None:
        self._update_dashboard()
        self.dismiss()

    def _update_dashboard(self) -> None:
        if self._loaded:
            self.acom.account_changed.publish(AccountChanged(notices=self.notices))


class NoticeViewScreen(AcomScreen[None]):
    """One notice in full: kind, when, subject and the whole message."""

    CSS_PATH = "notices.tcss"
    AUTO_FOCUS = "#notice-scroll"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "keys.back", id="notice_view.back"),
    ]

    def __init__(self, notice: Notice) -> None:
        super().__init__()
        self.notice = notice

    def compose(self) -> ComposeResult:
        notice = self.notice
        lang = get_language()
        yield self.title_bar(t("notices.title"))
        with VerticalScroll(id="notice-scroll"):
            yield Label(notice.subject, id="notice-subject", markup=False)
            yield Label(
                t("notices.view.received", when=format_datetime(notice.created_at, lang)),
                classes="muted",
                markup=False,
            )
            yield Label(
                t("notices.view.kind", kind=t(f"notices.kind.{notice.kind}")),
                classes="muted",
                markup=False,
            )
            yield Prose(notice.body, id="notice-body")
        yield KeyBar()

    def action_back(self) -> None:
        self.dismiss()
