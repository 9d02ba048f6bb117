"""Income documents (SPEC 2.11): the list with review status and validity, and the upload.

A file is checked here before a byte is sent: it must exist, be a readable regular file,
not be empty nor over 10 MiB, and be a PDF, JPEG or PNG by its first bytes (not its name).
Each refusal says why. The upload shows a progress bar fed by the client's progress
callback and can be cancelled with Esc.

The list is read again when the screen opens, on F5, after an upload, and by itself while
a document is still ``received`` (the mock starts the review a minute after upload). The
automatic reads stop after a few: every request renews the session, and a screen left
open must not keep the member logged in for ever.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Final

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, DataTable, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from acom_contract.jst import JST
from acom_tui.dialogs.file_picker import FilePicker
from acom_tui.formatting import format_date
from acom_tui.i18n import Language, catalogue, get_language, t
from acom_tui.screens.base import AcomScreen
from acom_tui.widgets.banner import Banner, BannerVariant
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.plain_button import PlainButton
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from acom_contract.schemas import Document, DocumentKind, Page

__all__ = [
    "AUTO_REFRESH_LIMIT",
    "AUTO_REFRESH_S",
    "DOCUMENT_KINDS",
    "MAX_DOCUMENT_BYTES",
    "DocumentFile",
    "DocumentUploadScreen",
    "DocumentsScreen",
    "FileRefused",
    "UploadProgress",
    "check_document_file",
    "display_path",
    "load_document",
    "path_from_input",
    "progress_bar",
    "sniff_document_type",
    "validity_text",
]

log = logging.getLogger("acom_tui.documents")

# Same limit as the client and the server (SPEC 2.11); not imported from the client so that
# this screen does not load httpx before it needs it.
MAX_DOCUMENT_BYTES: Final = 10 * 1024 * 1024
DOCUMENT_KINDS: Final[tuple[DocumentKind, ...]] = (
    "withholding_slip",
    "resident_tax_notice",
    "income_certificate",
    "tax_return",
    "pay_slip",
)
AUTO_REFRESH_S: Final = 30
AUTO_REFRESH_LIMIT: Final = 10
_MAGIC: Final = (
    (b"%PDF-", "pdf"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)


# --- checking a file before upload (plain functions) -------------------------------------


class FileRefused(Exception):
    """A file that must not be uploaded; ``code`` picks the message, ``params`` fill it."""

    def __init__(self, code: str, **params: str | int) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message_key(self) -> str:
        return f"settings.documents.refused.{self.code.lower()}"


@dataclass(frozen=True, slots=True)
class DocumentFile:
    path: Path
    size: int
    file_type: str
    """``pdf``, ``jpeg`` or ``png``, from the content."""


def sniff_document_type(head: bytes) -> str | None:
    """``pdf``, ``jpeg`` or ``png`` when the first bytes say so, else None."""
    return next((kind for magic, kind in _MAGIC if head.startswith(magic)), None)


def path_from_input(text: str) -> Path | None:
    """The path typed or pasted: quotes from a file manager removed, ``~`` expanded."""
    value = text.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1]
    return Path(value).expanduser() if value else None


def display_path(path: Path) -> str:
    """``path`` as typed by a person: under the home folder it starts with ``~``."""
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def check_document_file(path: Path) -> DocumentFile:
    """What an upload of ``path`` would send, or ``FileRefused`` saying why not."""
    name = path.name or str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise FileRefused("MISSING", name=name) from None
    except PermissionError:
        raise FileRefused("UNREADABLE", name=name) from None
    except OSError:
        raise FileRefused("MISSING", name=name) from None
    if path.is_dir():
        raise FileRefused("DIRECTORY", name=name)
    if not path.is_file():
        raise FileRefused("NOT_A_FILE", name=name)
    if info.st_size == 0:
        raise FileRefused("EMPTY", name=name)
    if info.st_size > MAX_DOCUMENT_BYTES:
        raise FileRefused("TOO_LARGE", name=name, size=_megabytes(info.st_size))
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError:
        raise FileRefused("UNREADABLE", name=name) from None
    file_type = sniff_document_type(head)
    if file_type is None:
        raise FileRefused("NOT_A_DOCUMENT", name=name)
    return DocumentFile(path, info.st_size, file_type)


def load_document(path: Path) -> tuple[DocumentFile, bytes]:
    """Check, then read the whole file (blocking: run it in a thread)."""
    checked = check_document_file(path)
    try:
        data = path.read_bytes()
    except OSError:
        raise FileRefused("UNREADABLE", name=path.name) from None
    # The file may have changed between the check and the read.
    if not data:
        raise FileRefused("EMPTY", name=path.name)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise FileRefused("TOO_LARGE", name=path.name, size=_megabytes(len(data)))
    if sniff_document_type(data[:16]) is None:
        raise FileRefused("NOT_A_DOCUMENT", name=path.name)
    return checked, data


# --- the progress bar ---------------------------------------------------------------------


def progress_bar(sent: int, total: int, width: int) -> str:
    """``[#######.......]  50%`` in ASCII: block characters are ambiguous width."""
    inner = max(width - 7, 1)
    fraction = min(max(sent / total, 0.0), 1.0) if total > 0 else 0.0
    filled = int(inner * fraction)
    return f"[{'#' * filled}{'.' * (inner - filled)}] {int(fraction * 100):3d}%"


class UploadProgress(Static):
    """The bar and the bytes sent; hidden until an upload starts."""

    DEFAULT_CSS = """
    UploadProgress { width: 1fr; height: 2; margin-top: 1; }
    UploadProgress.-idle { display: none; }
    """

    class Advanced(Message):
        def __init__(self, sent: int, total: int) -> None:
            super().__init__()
            self.sent = sent
            self.total = total

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", markup=False, id=id, classes="-idle")
        self.sent = 0
        self.total = 0

    def start(self) -> None:
        self.sent = self.total = 0
        self.remove_class("-idle")
        self._draw()

    def stop(self) -> None:
        self.add_class("-idle")

    def on_upload_progress_advanced(self, message: UploadProgress.Advanced) -> None:
        self.sent, self.total = message.sent, message.total
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        width = max(self.content_region.width, 20)
        kb = t(
            "settings.documents.progress",
            sent=f"{self.sent // 1024:,}",
            total=f"{self.total // 1024:,}",
        )
        self.update(progress_bar(self.sent, self.total, width) + "\n" + kb)


# --- the upload form ----------------------------------------------------------------------


class DocumentUploadScreen(AcomScreen["Document | None"]):
    """Choose the kind and the file, then upload; dismissed with the new document."""

    CSS_PATH = "settings.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f8", "upload", "settings.keys.upload", id="upload.send"),
        Binding("f3", "browse", "settings.keys.browse", id="upload.browse"),
        Binding("escape", "back", "settings.keys.cancel_or_back", id="upload.back"),
    ]

    def __init__(self, *, browse_root: Path | None = None) -> None:
        super().__init__()
        self.kind: DocumentKind = DOCUMENT_KINDS[0]
        self._browse_root = browse_root
        self._uploading = False

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("settings.upload.title"))
        with VerticalScroll(id="upload-body", classes="form-body"):
            yield Prose(t("settings.upload.lead"), classes="form-lead")
            yield Label(t("settings.upload.kind"), classes="section")
            yield OptionList(*self._kind_options(), id="upload-kind", compact=True)
            yield Label(t("settings.upload.file"), classes="section")
            with Horizontal(classes="form-row"):
                yield Label(t("settings.upload.path"), classes="form-label")
                yield Input(
                    id="upload-path",
                    compact=True,
                    placeholder=t("settings.upload.path_placeholder"),
                )
            yield Prose(
                t("settings.upload.path_hint"), id="upload-path-message", classes="field-message"
            )
            yield UploadProgress(id="upload-progress")
            yield Banner("", variant="error", id="upload-status", classes="form-status")
            with Horizontal(classes="actions"):
                yield PlainButton(
                    t("settings.upload.send"), id="upload-send", variant="primary", compact=True
                )
                yield PlainButton(t("settings.upload.browse"), id="upload-browse", compact=True)
                yield PlainButton(t("common.back"), id="upload-back", compact=True)
        yield KeyBar()

    def _kind_options(self) -> list[Option]:
        # The choice is written out as (x), not shown by colour alone (NO_COLOR).
        return [
            Option(
                f"({'x' if kind == self.kind else ' '}) {t(f'settings.documents.kind.{kind}')}",
                id=kind,
            )
            for kind in DOCUMENT_KINDS
        ]

    def on_mount(self) -> None:
        path = self.query_one("#upload-path", Input)
        path.styles.width = "1fr"
        if self.app.animation_level == "none":
            path.cursor_blink = False
        self.query_one("#upload-kind").focus()

    @on(OptionList.OptionSelected, "#upload-kind")
    def _kind_chosen(self, event: OptionList.OptionSelected) -> None:
        chosen = next(k for k in DOCUMENT_KINDS if k == event.option.id)
        self.choose_kind(chosen)
        self.query_one("#upload-path").focus()

    def choose_kind(self, kind: DocumentKind) -> None:
        self.kind = kind
        menu = self.query_one("#upload-kind", OptionList)
        highlighted = menu.highlighted
        menu.clear_options()
        menu.add_options(self._kind_options())
        menu.highlighted = highlighted

    def _path_message(self, text: str, *, error: bool) -> None:
        message = self.query_one("#upload-path-message", Prose)
        message.update(text)
        message.set_class(error, "-error")

    @property
    def path_message(self) -> str:
        return self.query_one("#upload-path-message", Prose).text

    def _status(self, text: str, variant: BannerVariant = "error") -> None:
        self.query_one("#upload-status", Banner).show(text, variant)

    @property
    def status_text(self) -> str:
        return self.query_one("#upload-status", Banner).text

    # --- choosing the file ------------------------------------------------------------

    @on(Button.Pressed, "#upload-browse")
    def action_browse(self) -> None:
        if self._uploading:
            return

        def picked(path: Path | None) -> None:
            target = self.query_one("#upload-path", Input)
            if path is not None:
                target.value = display_path(path)
                self._check_path()
            target.focus()

        self.app.push_screen(FilePicker(self._browse_root), picked)

    @on(Input.Submitted, "#upload-path")
    def _path_submitted(self) -> None:
        if self._check_path() is not None:
            self.action_upload()

    def _check_path(self) -> DocumentFile | None:
        path = path_from_input(self.query_one("#upload-path", Input).value)
        if path is None:
            self._path_message(t("settings.upload.no_file"), error=True)
            return None
        try:
            checked = check_document_file(path)
        except FileRefused as refused:
            self._path_message(t(refused.message_key, **refused.params), error=True)
            return None
        self._path_message(
            t(
                "settings.upload.file_ok",
                name=checked.path.name,
                type=checked.file_type.upper(),
                size=f"{max(checked.size // 1024, 1):,}",
            ),
            error=False,
        )
        return checked

    # --- uploading --------------------------------------------------------------------

    @on(Button.Pressed, "#upload-send")
    def action_upload(self) -> None:
        if self._uploading:
            return
        self.query_one("#upload-status", Banner).clear()
        checked = self._check_path()
        if checked is None:
            self.query_one("#upload-path").focus()
            return
        self._uploading = True
        self._upload(checked.path, self.kind)

    @work(exclusive=True, group="upload")
    async def _upload(self, path: Path, kind: DocumentKind) -> None:
        session = self.acom.session
        if session is None:
            self._uploading = False
            return
        progress = self.query_one(UploadProgress)
        try:
            _checked, data = await asyncio.to_thread(load_document, path)
        except FileRefused as refused:
            self._uploading = False
            self._path_message(t(refused.message_key, **refused.params), error=True)
            return
        progress.start()
        self._status(t("settings.upload.sending"), "info")

        def advanced(sent: int, total: int) -> None:
            progress.post_message(UploadProgress.Advanced(sent, total))

        try:
            document = await session.backend.client.upload_document(
                kind, path.name, data, progress=advanced
            )
        except Exception as error:
            self._uploading = False
            progress.stop()
            self.query_one("#upload-status", Banner).clear()
            self.acom.report_error(error, inline=self._status)
            return
        self._uploading = False
        self.dismiss(document)

    @on(Button.Pressed, "#upload-back")
    def action_back(self) -> None:
        if self._uploading:
            self.cancel_upload()
            return
        self.dismiss(None)

    def cancel_upload(self) -> None:
        self.workers.cancel_group(self, "upload")
        self._uploading = False
        self.query_one(UploadProgress).stop()
        # The server may already hold the whole file: the list will tell.
        self._status(t("settings.upload.cancelled"), "warning")
        log.info("upload cancelled by the member")


# --- the list -----------------------------------------------------------------------------


def _short_date(day: date) -> str:
    return f"{day.year}/{day.month:02d}/{day.day:02d}"


def _shorten(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text
    out = ""
    for char in text:
        if cell_len(out + char) > width - 3:
            break
        out += char
    return out + "..."


def rejection_text(document: Document) -> str:
    """Why a document was rejected, in the language of the screens."""
    key = f"settings.documents.rejection.{document.rejection_code}"
    if document.rejection_code and key in catalogue(get_language()):
        return t(key)
    return document.rejection_reason or ""


def current_state(
    documents: Sequence[Document], today: date, lang: Language
) -> tuple[str, BannerVariant] | None:
    """The line that leads the screen: where the newest document stands now.

    An old rejection is news only while nothing newer was sent: after a new upload the
    member wants to know where that one is, not why the one before it was refused.
    """
    if not documents:
        return None
    newest = max(documents, key=lambda document: document.uploaded_at)
    kind = t(f"settings.documents.kind.{newest.kind}")
    submitted = format_date(newest.uploaded_at.astimezone(JST).date(), lang)
    if newest.status == "rejected":
        text = t(
            "settings.documents.rejected_reason",
            name=newest.filename,
            reason=rejection_text(newest),
            date=submitted,
        )
        return text, "warning"
    if newest.status == "accepted":
        until = newest.valid_until
        if until is not None and until >= today:
            return (
                t("settings.documents.current.accepted", kind=kind, until=format_date(until, lang)),
                "success",
            )
        return None
    return (
        t("settings.documents.current.in_review", kind=kind, name=newest.filename, date=submitted),
        "info",
    )


def validity_text(document: Document, today: date) -> str:
    if document.valid_until is None:
        return "-"
    if document.valid_until < today:
        return t("settings.documents.expired")
    return _short_date(document.valid_until)


class DocumentsScreen(AcomScreen[None]):
    CSS_PATH = "settings.tcss"
    # A document under review is looked at again every so often.
    BEATS_EVERY_SECOND = True
    AUTO_FOCUS = "#docs-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f4", "upload", "settings.keys.new_document", id="documents.upload"),
        Binding("f5", "reload", "keys.reload", id="documents.reload"),
        Binding("escape", "back", "keys.back", id="documents.back"),
    ]

    def __init__(self, *, start_upload: bool = False, browse_root: Path | None = None) -> None:
        super().__init__()
        self.documents: list[Document] = []
        self._start_upload = start_upload
        self._browse_root = browse_root
        self._loaded_at: datetime | None = None
        self._auto_refreshes = 0

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("settings.documents.title"))
        with VerticalScroll(id="docs-body", classes="form-body"):
            yield Banner("", variant="success", id="docs-status", classes="form-status")
            yield Prose(t("settings.documents.lead"), classes="form-lead")
            table: DataTable[str] = DataTable(
                id="docs-table", cursor_type="row", zebra_stripes=False
            )
            yield table
            yield Label(t("settings.documents.none"), id="docs-empty", classes="-hidden")
            yield Prose(t("settings.documents.accepted"), id="docs-accepted")
            with Horizontal(classes="actions"):
                yield PlainButton(
                    t("settings.documents.new"), id="docs-new", variant="primary", compact=True
                )
                yield PlainButton(t("keys.reload"), id="docs-reload", compact=True)
                yield PlainButton(t("common.back"), id="docs-back", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#docs-table", DataTable)
        for key in ("kind", "file", "uploaded", "status", "valid"):
            table.add_column(t(f"settings.documents.column.{key}"), key=key)
        self.load()
        if self._start_upload:
            self.action_upload()

    # --- loading ----------------------------------------------------------------------

    def load(self) -> None:
        """The documents: those fetched before the push, else fetched now (afresh)."""
        self.show_first(self._show_loaded, busy_on=self.query_one("#docs-table"))

    async def fetch_first(self) -> Page[Document] | Exception | None:
        session = self.acom.session
        if session is None:
            return None
        try:
            return await session.backend.client.documents(limit=100)
        except Exception as error:
            return error

    def _show_loaded(self, page: Page[Document] | Exception | None) -> None:
        if page is None:
            return
        if isinstance(page, Exception):
            self.acom.report_error(page, inline=self._error)
            return
        self._loaded_at = self.acom.server_clock.now()
        self.show_documents(page.items)

    def show_documents(self, documents: Sequence[Document]) -> None:
        self.documents = list(documents)
        table = self.query_one("#docs-table", DataTable)
        table.clear()
        today = self.acom.server_clock.now().date()
        lang = get_language()
        for document in documents:
            table.add_row(
                t(f"settings.documents.kind.{document.kind}"),
                _shorten(document.filename, 20),
                _short_date(document.uploaded_at.astimezone(JST).date()),
                t(f"settings.documents.status.{document.status}"),
                validity_text(document, today),
                key=document.id,
            )
        table.set_class(not documents, "-hidden")
        self.query_one("#docs-empty").set_class(bool(documents), "-hidden")
        current = current_state(documents, today, lang)
        if current is not None:
            self.query_one("#docs-status", Banner).show(*current)

    def _error(self, text: str) -> None:
        self.query_one("#docs-status", Banner).show(text, "error")

    @property
    def status_text(self) -> str:
        return self.query_one("#docs-status", Banner).text

    def heartbeat(self) -> None:
        super().heartbeat()
        pending = any(d.status == "received" for d in self.documents)
        if not pending or self._loaded_at is None or self._auto_refreshes >= AUTO_REFRESH_LIMIT:
            return
        if self.acom.server_clock.now() - self._loaded_at >= timedelta(seconds=AUTO_REFRESH_S):
            self._auto_refreshes += 1
            self._loaded_at = self.acom.server_clock.now()
            self.load()

    # --- keys -------------------------------------------------------------------------

    @on(Button.Pressed, "#docs-new")
    def action_upload(self) -> None:
        self.app.push_screen(DocumentUploadScreen(browse_root=self._browse_root), self._uploaded)

    def _uploaded(self, document: Document | None) -> None:
        if document is None:
            return
        self.query_one("#docs-status", Banner).show(
            t(
                "settings.documents.uploaded",
                kind=t(f"settings.documents.kind.{document.kind}"),
                name=document.filename,
            ),
            "success",
        )
        self._auto_refreshes = 0
        self.load()

    @on(Button.Pressed, "#docs-reload")
    def action_reload(self) -> None:
        self._auto_refreshes = 0
        self.load()

    @on(Button.Pressed, "#docs-back")
    def action_back(self) -> None:
        self.dismiss()
