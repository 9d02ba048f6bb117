"""Saving the statements on screen as a CSV (SPEC 2.9): where to, then every page of the
view walked into the file with a progress bar; Escape cancels and removes the partial file.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Final, Literal, Protocol

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label

from acom_tui.dialogs.base import AcomModal
from acom_tui.formatting import format_date
from acom_tui.i18n import get_language, t
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.plain_button import PlainButton
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from acom_contract.schemas import StatementKind
    from acom_tui.api.client import Client
    from acom_tui.export import ExportResult

__all__ = ["EXPORT_PAGE", "ExportDialog", "ExportQuery", "display_path"]

# The export walks with the largest page the API allows: fewer round trips.
EXPORT_PAGE: Final = 500


class ExportQuery(Protocol):
    """What is exported: the statements screen's current view."""

    @property
    def kind(self) -> StatementKind: ...
    @property
    def date_from(self) -> date | None: ...
    @property
    def date_to(self) -> date | None: ...
    def describe_period(self) -> str: ...


def _export_dir() -> Path:
    """``~/Downloads`` when it exists, else the folder ``acom-tui`` was started in."""
    import platformdirs

    from acom_tui.export import default_export_dir

    return default_export_dir((platformdirs.user_downloads_path(),), Path.cwd())


def _folder_message(error: OSError, folder: Path) -> str:
    """Which folder, and why it cannot take the file, in the person's words."""
    from acom_tui.export import folder_problem

    shown = display_path(folder)
    problem = folder_problem(error)
    if problem == "missing":
        return t("statements.export.folder_missing", folder=shown)
    if problem == "not_writable":
        return t("statements.export.not_writable", folder=shown)
    if problem == "disk_full":
        return t("statements.export.disk_full", folder=shown)
    reason = error.strerror or type(error).__name__
    return t("statements.export.io_error", folder=shown, reason=reason)


def display_path(path: Path) -> str:
    """``~/Downloads/x.csv`` rather than the full home path: shorter, and no user name."""
    home = Path.home()
    try:
        return "~/" + path.relative_to(home).as_posix()
    except ValueError:
        return str(path)


ExportState = Literal["choose", "running", "done", "cancelled", "failed"]


class ExportDialog(AcomModal[None]):
    """Choose where, then walk every page of the view into a CSV, with a progress bar."""

    DEFAULT_CSS = """
    ExportDialog {
        & > .dialog {
            width: 72;
            max-height: 22;
        }
        #export-choose, #export-progress {
            height: auto;
        }
        #export-what {
            margin-bottom: 1;
        }
        #export-path {
            width: 1fr;
            margin-bottom: 1;
        }
        #export-outcome {
            margin-top: 1;
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "statements.keys.cancel_export", id="export.cancel"),
    ]
    BAR_WIDTH: ClassVar[int] = 40

    class Progress(Message):
        def __init__(self, rows: int, oldest: datetime | None, fraction: float | None) -> None:
            super().__init__()
            self.rows = rows
            self.oldest = oldest
            self.fraction = fraction

    class Finished(Message):
        def __init__(self, result: ExportResult | None, error: str | None) -> None:
            super().__init__()
            self.result = result
            self.error = error

    def __init__(
        self, client: Client, query: ExportQuery, today: date, member_number: str = ""
    ) -> None:
        super().__init__()
        from acom_tui.export import export_filename

        self.client = client
        self.export_query = query
        self.state: ExportState = "choose"
        self.default_dir = _export_dir()
        self.filename = export_filename(
            query.kind, member_number, query.date_from, query.date_to, today
        )
        self.result: ExportResult | None = None
        self._last_progress: tuple[int, datetime | None] = (0, None)

    def compose(self) -> ComposeResult:
        query = self.export_query
        with Vertical(id="export-dialog", classes="dialog"):
            yield Label(t("statements.export.title"), classes="dialog-title", markup=False)
            yield Prose(
                t(
                    "statements.export.what",
                    kind=t(f"statements.export.kind.{query.kind}"),
                    period=query.describe_period(),
                ),
                id="export-what",
            )
            with Vertical(id="export-choose"):
                yield Label(t("statements.export.path"), markup=False)
                yield Input(
                    display_path(self.default_dir / self.filename), id="export-path", compact=True
                )
                yield Prose(t("statements.export.path_hint"), id="export-hint", classes="muted")
                yield Banner("", variant="error", id="export-error")
            with Vertical(id="export-progress", classes="-hidden"):
                yield Label(t("statements.export.running"), id="export-running", markup=False)
                yield Label("", id="export-bar", markup=False)
                yield Label("", id="export-rows", markup=False)
            yield Prose("", id="export-outcome", classes="-hidden")
            with Horizontal(classes="actions"):
                yield PlainButton(
                    t("statements.export.start"), id="export-start", variant="primary", compact=True
                )
                yield PlainButton(t("common.close"), id="export-close", compact=True)

    def on_mount(self) -> None:
        field = self.query_one("#export-path", Input)
        if self.app.animation_level == "none":
            field.cursor_blink = False
        field.focus()
        field.cursor_position = len(field.value)

    # --- choosing ---------------------------------------------------------------------

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-start")
    def _start(self) -> None:
        from acom_tui.export import check_folder, resolve_target

        if self.state != "choose":
            return
        typed = self.query_one("#export-path", Input).value
        # Only the folder the file goes to matters: no other folder is created or written.
        folder = self.default_dir
        try:
            target = resolve_target(typed, self.default_dir, self.filename)
            folder = target.parent
            check_folder(folder)
        except OSError as error:
            where = Path(error.filename) if error.filename else folder
            self.query_one("#export-error", Banner).show(_folder_message(error, where))
            return
        self.state = "running"
        self.query_one("#export-choose").add_class("-hidden")
        self.query_one("#export-start").add_class("-hidden")
        self.query_one("#export-close").add_class("-hidden")
        self.query_one("#export-progress").remove_class("-hidden")
        self._show_progress(0, None, self._fraction_at_start())
        self.run_export(target)

    def _fraction_at_start(self) -> float | None:
        return None if self.export_query.date_from is None else 0.0

    # --- running ------------------------------------------------------------------------

    @work(exclusive=True, group="export", exit_on_error=False)
    async def run_export(self, target: Path) -> None:
        """Every page of the query into ``target``; the partial file goes on any failure."""
        from acom_tui.api.errors import ApiError
        from acom_tui.errors_ui import message_for
        from acom_tui.export import CsvExport, export_progress

        query = self.export_query
        now = self.acom.server_clock.now()
        opened = False
        try:
            with CsvExport(target, query.kind, get_language()) as export:
                opened = True
                cursor: str | None = None
                oldest: datetime | None = None
                while True:
                    page = await self.client.statements(
                        kind=query.kind,
                        date_from=query.date_from,
                        date_to=query.date_to,
                        cursor=cursor,
                        limit=EXPORT_PAGE,
                    )
                    export.write(page.items)
                    if page.items:
                        oldest = page.items[-1].occurred_at
                    fraction = (
                        export_progress(oldest, query.date_from, query.date_to, now)
                        if oldest is not None
                        else None
                    )
                    self.post_message(self.Progress(export.rows, oldest, fraction))
                    cursor = page.next_cursor
                    if cursor is None:
                        break
                result = export.finish()
        except OSError as error:
            text = _folder_message(error, target.parent)
            if opened:
                text += "\n" + t("statements.export.partial_removed")
            self.post_message(self.Finished(None, text))
            return
        except Exception as error:
            # The app decides whether it ends the session; the dialog says what happened.
            if isinstance(error, ApiError) and self.acom.session is not None:
                self.acom.report_error(error, inline=lambda _text: None)
            text = t("statements.export.api_error") + "\n" + message_for(error)
            self.post_message(self.Finished(None, text))
            return
        self.post_message(self.Finished(result, None))

    def _show_progress(self, rows: int, oldest: datetime | None, fraction: float | None) -> None:
        from acom_tui.export import ascii_bar

        self._last_progress = (rows, oldest)
        bar = self.query_one("#export-bar", Label)
        # With no start date the distance is unknown: the count and date say how far it is.
        bar.set_class(fraction is None, "-hidden")
        if fraction is not None:
            percent = t("statements.export.percent", percent=int(fraction * 100))
            bar.update(f"{ascii_bar(fraction, self.BAR_WIDTH)} {percent}")
        if oldest is None:
            text = t("statements.export.rows_none")
        else:
            text = t(
                "statements.export.rows",
                rows=f"{rows:,}",
                date=format_date(oldest, get_language()),
            )
        self.query_one("#export-rows", Label).update(text)

    @on(Progress)
    def _progress(self, message: Progress) -> None:
        if self.state == "running":
            self._show_progress(message.rows, message.oldest, message.fraction)

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        if self.state != "running":
            return
        if message.result is not None:
            self.result = message.result
            self._show_progress(*self._last_progress, 1.0)
            lines = [
                t("statements.export.done", rows=f"{message.result.rows:,}"),
                # The whole path: what the person types in a file manager or a shell.
                t("statements.export.saved_to", path=str(message.result.path.absolute())),
            ]
            if message.result.renamed:
                lines.append(t("statements.export.renamed"))
            self._end("done", "\n".join(lines))
        else:
            self._end("failed", message.error or "")

    def _end(self, state: ExportState, text: str) -> None:
        self.state = state
        self.query_one("#export-running").add_class("-hidden")
        outcome = self.query_one("#export-outcome", Prose)
        outcome.update(text)
        outcome.remove_class("-hidden")
        close = self.query_one("#export-close", Button)
        close.remove_class("-hidden")
        close.focus()

    # --- leaving ------------------------------------------------------------------------

    def action_cancel(self) -> None:
        if self.state == "running":
            # The worker's CsvExport removes the partial file as the cancellation unwinds.
            self.workers.cancel_group(self, "export")
            self._end("cancelled", t("statements.export.cancelled"))
            return
        self.dismiss()

    @on(Button.Pressed, "#export-close")
    def _close(self) -> None:
        self.dismiss()
