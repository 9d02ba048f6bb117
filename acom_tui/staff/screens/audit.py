"""The audit log: who did what to which member, when and why; newest first, a page at a time.

Filters: a member number and a staff ID (either, both or none), applied with Enter. A
page is one screen of rows at 80x24; F8/F7 move to the next/previous page (the server's
cursor is kept for every page seen, so going back asks for the same page again). The
highlighted row is written out in full under the table: the reason and every detail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label

from acom_tui.i18n import t
from acom_tui.normalize import InputError, parse_member_number
from acom_tui.staff.screens.base import StaffScreen
from acom_tui.staff.texts import action_label, audit_details, audit_summary, audit_time
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.busy import busy
from acom_tui.widgets.digits_input import MemberNumberInput
from acom_tui.widgets.form_input import FormInput
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from acom_contract.schemas import AuditEntry

__all__ = ["PAGE_SIZE", "AuditScreen", "clip"]

# One screen of rows at 80x24, under the title, the filters and above the detail lines.
PAGE_SIZE = 14
# (catalogue key of the heading, width in cells)
COLUMNS: tuple[tuple[str, int], ...] = (
    ("staff.audit.col.at", 16),
    ("staff.audit.col.actor", 8),
    ("staff.audit.col.action", 14),
    ("staff.audit.col.member", 8),
    ("staff.audit.col.summary", 20),
)


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells, on a character boundary, no ellipsis.

    Rich would end a cut cell with U+2026, which is East-Asian-ambiguous width; the full
    text is under the table anyway.
    """
    text = " ".join(text.split())
    if cell_len(text) <= width:
        return text
    out = ""
    for char in text:
        if cell_len(out + char) > width:
            break
        out += char
    return out


class AuditScreen(StaffScreen[None]):
    CSS_PATH = "audit.tcss"
    AUTO_FOCUS = "#audit-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "keys.back", id="staff.audit.back"),
        Binding("f5", "reload", "keys.reload", id="staff.audit.reload"),
        Binding("f6", "previous_page", "staff.keys.previous_page", id="staff.audit.previous"),
        Binding("f7", "next_page", "staff.keys.next_page", id="staff.audit.next"),
    ]

    def __init__(self, member_number: str | None = None, staff_id: str | None = None) -> None:
        super().__init__()
        self.member_number = member_number
        self.staff_id = staff_id
        self.entries: list[AuditEntry] = []
        # The cursor of every page seen; page n is asked for with cursors[n].
        self._cursors: list[str | None] = [None]
        self.page = 0
        self.next_cursor: str | None = None

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("staff.audit.title"))
        with Horizontal(id="audit-filters"):
            yield Label(t("staff.audit.filter_member"), classes="filter-label", markup=False)
            yield MemberNumberInput(id="audit-member", value=self.member_number or "")
            yield Label(t("staff.audit.filter_staff"), classes="filter-label", markup=False)
            yield FormInput(
                value=self.staff_id or "", max_length=32, compact=True, id="audit-staff"
            )
        yield Banner("", variant="error", id="audit-status")
        yield DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        yield Prose("", id="audit-detail")
        yield Label("", id="audit-page", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#audit-table", DataTable)
        for key, width in COLUMNS:
            table.add_column(t(key), width=width)
        if self.app.animation_level == "none":
            for field in self.query(Input):
                field.cursor_blink = False
        self.load()

    # --- keys -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "previous_page":
            return self.page > 0
        if action == "next_page":
            return self.next_cursor is not None
        return True

    def action_back(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.load()

    def action_previous_page(self) -> None:
        if self.page > 0:
            self.page -= 1
            self.load()

    def action_next_page(self) -> None:
        if self.next_cursor is not None:
            del self._cursors[self.page + 1 :]
            self._cursors.append(self.next_cursor)
            self.page += 1
            self.load()

    # --- filters ----------------------------------------------------------------------

    @on(Input.Submitted, "#audit-member, #audit-staff")
    def _filter(self) -> None:
        status = self.query_one("#audit-status", Banner)
        text = self.query_one("#audit-member", MemberNumberInput).value
        if text.strip():
            try:
                self.member_number = parse_member_number(text).value
            except InputError as error:
                status.show(t(error.message_key, **error.params))
                return
        else:
            self.member_number = None
        staff = self.query_one("#audit-staff", Input).value.strip()
        self.staff_id = staff or None
        status.clear()
        self._cursors = [None]
        self.page = 0
        self.load()
        self.query_one("#audit-table").focus()

    # --- loading ----------------------------------------------------------------------

    @work(exclusive=True, group="staff-audit")
    async def load(self) -> None:
        session = self.staff.session
        if session is None:
            return
        try:
            with busy(self.query_one("#audit-table", DataTable), after=0):
                page = await session.client.audit_log(
                    member_number=self.member_number,
                    staff_id=self.staff_id,
                    cursor=self._cursors[self.page],
                    limit=PAGE_SIZE,
                )
        except Exception as error:
            self.staff.report_error(error, inline=self.query_one("#audit-status", Banner).show)
            return
        self.show_page(page.items, page.next_cursor)

    def show_page(self, entries: list[AuditEntry], next_cursor: str | None) -> None:
        self.entries = list(entries)
        self.next_cursor = next_cursor
        table = self.query_one("#audit-table", DataTable)
        table.clear()
        widths = [width for _key, width in COLUMNS]
        for entry in self.entries:
            cells = (
                audit_time(entry.at),
                entry.actor,
                action_label(entry.action),
                entry.member_number or "",
                audit_summary(entry),
            )
            table.add_row(
                *(
                    Text(clip(cell, width), no_wrap=True, overflow="crop")
                    for cell, width in zip(cells, widths, strict=True)
                ),
                key=str(entry.id),
            )
        self._show_detail(0 if self.entries else None)
        self.query_one("#audit-page", Label).update(self._page_text())
        self.refresh_bindings()

    def _page_text(self) -> str:
        if not self.entries:
            return t("staff.audit.empty")
        first = self.page * PAGE_SIZE + 1
        return t(
            "staff.audit.page",
            page=self.page + 1,
            first=first,
            last=first + len(self.entries) - 1,
        )

    @on(DataTable.RowHighlighted, "#audit-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(event.cursor_row)

    def _show_detail(self, index: int | None) -> None:
        detail = self.query_one("#audit-detail", Prose)
        if index is None or not 0 <= index < len(self.entries):
            detail.update("")
            return
        entry = self.entries[index]
        lines = [
            t(
                "staff.audit.detail_head",
                at=audit_time(entry.at),
                actor=entry.actor,
                action=action_label(entry.action),
                member=entry.member_number or "-",
            )
        ]
        if entry.reason:
            lines.append(t("staff.audit.detail_reason", reason=entry.reason))
        if entry.details:
            lines.append(t("staff.audit.detail_details", details=audit_details(entry.details)))
        detail.update("\n".join(lines))
