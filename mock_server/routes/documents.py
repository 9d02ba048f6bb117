"""Income-certificate upload and list (SPEC 2.11).

The upload is read from the request stream and written straight to disk as it arrives, so a
file of any size costs a few kilobytes of memory, and an oversize or wrong-type file is
refused as soon as that is known (the type after its first bytes, the size once it passes the
limit) instead of after the whole body has been received.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Final, get_args

from fastapi import APIRouter, Request
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from acom_contract.schemas import Document, DocumentKind, Page
from mock_server.auth import Ctx, MemberId
from mock_server.context import Context
from mock_server.errors import ApiError, responses, validation_error
from mock_server.language import DEFAULT_LANGUAGE, Lang, Language
from mock_server.routes.notifications import Cursor, Limit, next_cursor, parse_cursor
from mock_server.store import audit
from mock_server.store import documents as store
from mock_server.store.timefmt import parse

router = APIRouter(tags=["documents"])

KINDS: tuple[str, ...] = get_args(DocumentKind)
ACCEPTED_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
EXTENSIONS = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}
SNIFF_BYTES = 16
# Room for the multipart framing and the `kind` field on top of the file itself.
FORM_OVERHEAD_BYTES = 64 * 1024
MAX_KIND_BYTES = 64
MAX_FILENAME_CHARS = 120

# Magic numbers of what people most often pick by mistake, to say what the file really is.
_OTHER_SIGNATURES: tuple[tuple[bytes, int, str, str], ...] = (
    (b"GIF87a", 0, "gif", "a GIF image"),
    (b"GIF89a", 0, "gif", "a GIF image"),
    (b"PK\x03\x04", 0, "zip", "a ZIP archive (Word, Excel and similar files are ZIP archives)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "ole", "an old Word or Excel file"),
    (b"BM", 0, "bmp", "a BMP image"),
    (b"II*\x00", 0, "tiff", "a TIFF image"),
    (b"MM\x00*", 0, "tiff", "a TIFF image"),
    (b"WEBP", 8, "webp", "a WebP image"),
    (b"ftypheic", 4, "heic", "a HEIC photo (save it as JPEG first)"),
    (b"ftypheix", 4, "heic", "a HEIC photo (save it as JPEG first)"),
    (b"ftypmif1", 4, "heic", "a HEIC photo (save it as JPEG first)"),
    (b"ftyp", 4, "video", "a video"),
    (b"MZ", 0, "exe", "a Windows program"),
    (b"\x7fELF", 0, "exe", "a program"),
)


def sniff(head: bytes) -> tuple[str, str]:
    """What a file is from its first bytes: a short code and words for the error message."""
    if head.startswith(b"%PDF-"):
        return "pdf", "a PDF document"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg", "a JPEG image"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png", "a PNG image"
    for signature, offset, code, words in _OTHER_SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return code, words
    if _looks_like_text(head):
        return "text", "a text file"
    return "unknown", "not a PDF, JPEG or PNG file"


def _looks_like_text(head: bytes) -> bool:
    for cut in range(4):  # a multi-byte character may be cut off at the end of the head
        try:
            text = head[: len(head) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return bool(text) and all(ch.isprintable() or ch.isspace() for ch in text)
    return False


def display_name(raw: bytes, code: str) -> str:
    """The client's filename for display only: last path part, no control characters."""
    name = unicodedata.normalize("NFC", raw.decode("utf-8", errors="replace"))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:MAX_FILENAME_CHARS] or f"document.{EXTENSIONS.get(code, 'bin')}"


def files_dir(ctx: Context) -> Path:
    return ctx.settings.data_dir or Path(ctx.store.path).parent / "files"


def _too_large(max_bytes: int) -> ApiError:
    return ApiError(
        413,
        "DOCUMENT_TOO_LARGE",
        f"The file is larger than the limit of {max_bytes:,} bytes.",
        {"max_bytes": max_bytes},
    )


def _invalid(detected: str, words: str) -> ApiError:
    return ApiError(
        422,
        "DOCUMENT_INVALID",
        f"Only PDF, JPEG or PNG files are accepted; this file is {words}.",
        {"field": "file", "detected": detected, "accepted": sorted(ACCEPTED_TYPES.values())},
    )


class _Receiver:
    """Multipart callbacks: ``kind`` kept in memory, ``file`` streamed to a temp file."""

    def __init__(self, directory: Path, max_bytes: int) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.temp_path: Path | None = None
        self.file: BinaryIO | None = None
        self.complete = False  # the file part ended: a body cut short never gets stored
        self.size = 0
        self.head = bytearray()
        self.detected: tuple[str, str] | None = None
        self.digest = hashlib.sha256()
        self.filename = b""
        self.kind: bytearray | None = None
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._disposition = b""
        self._part: str | None = None

    def callbacks(self) -> Any:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
        }

    def on_part_begin(self) -> None:
        self._disposition = b""
        self._part = None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if bytes(self._header_name).lower() == b"content-disposition":
            self._disposition = bytes(self._header_value)
        self._header_name.clear()
        self._header_value.clear()

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition.decode("latin-1"))
        name = options.get(b"name", b"").decode("latin-1")
        if name == "file":
            if self.file is not None or self.temp_path is not None:
                raise validation_error("file", "send one file per upload")
            self.filename = options.get(b"filename", b"")
            # Certificates are personal data: 0700 folder, 0600 file from the first byte on.
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            self.directory.chmod(0o700)  # a folder made by an older version too
            self.temp_path = self.directory / f".upload-{secrets.token_hex(8)}.part"
            fd = os.open(self.temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            self.file = os.fdopen(fd, "wb")
        elif name == "kind":
            if self.kind is not None:
                raise validation_error("kind", "send the kind once")
            self.kind = bytearray()
        else:
            field = "".join(ch for ch in name if ch.isprintable())[:40] or "body"
            raise validation_error(field, "is not a field of this upload (kind, file)")
        self._part = name

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._part == "kind":
            assert self.kind is not None
            self.kind += data[start:end]
            if len(self.kind) > MAX_KIND_BYTES:
                raise validation_error("kind", f"must be one of {', '.join(KINDS)}")
            return
        assert self.file is not None
        chunk = memoryview(data)[start:end]
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise _too_large(self.max_bytes)
        if self.detected is None:
            self.head += chunk[: SNIFF_BYTES - len(self.head)]
            if len(self.head) >= SNIFF_BYTES:
                self._judge()
        self.file.write(chunk)
        self.digest.update(chunk)

    def on_part_end(self) -> None:
        if self._part == "file":
            assert self.file is not None
            self.file.close()
            if self.size == 0:
                raise ApiError(
                    422,
                    "DOCUMENT_INVALID",
                    "The file is empty.",
                    {
                        "field": "file",
                        "detected": "empty",
                        "accepted": sorted(ACCEPTED_TYPES.values()),
                    },
                )
            if self.detected is None:
                self._judge()
            self.complete = True
        self._part = None

    def _judge(self) -> None:
        self.detected = sniff(bytes(self.head))
        if self.detected[0] not in ACCEPTED_TYPES:
            raise _invalid(*self.detected)

    def discard(self) -> None:
        if self.file is not None:
            self.file.close()
        if self.temp_path is not None:
            self.temp_path.unlink(missing_ok=True)


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["kind", "file"],
                    "properties": {
                        "kind": {"type": "string", "enum": list(KINDS)},
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "PDF, JPEG or PNG (judged by content), at most "
                            "10 MiB by default",
                        },
                    },
                }
            }
        },
    }
}


@router.post(
    "/v1/me/documents",
    response_model=Document,
    status_code=201,
    responses=responses(400, 401, 403, 413, 415, 422, 503),
    openapi_extra=_UPLOAD_BODY,
)
async def upload_document(request: Request, member_number: MemberId, ctx: Ctx) -> Document:
    """Upload an income certificate (multipart fields ``kind`` and ``file``)."""
    mime, params = parse_options_header(request.headers.get("content-type"))
    if mime != b"multipart/form-data":
        raise ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the document as multipart/form-data.")
    boundary = params.get(b"boundary")
    if not boundary:
        raise validation_error("body", "the multipart boundary is missing")
    max_bytes = ctx.settings.max_upload_bytes
    max_body = max_bytes + FORM_OVERHEAD_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_body:
        raise _too_large(max_bytes)  # said up front: refuse before reading a byte

    receiver = _Receiver(files_dir(ctx), max_bytes)
    parser = MultipartParser(boundary, receiver.callbacks())
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_body:
                raise _too_large(max_bytes)
            parser.write(chunk)
        parser.finalize()
        kind = _finished(receiver)
        return await run_in_threadpool(_record, ctx, member_number, kind, receiver)
    except MultipartParseError as exc:
        receiver.discard()
        raise validation_error("body", "is not a well-formed multipart body") from exc
    except ClientDisconnect as exc:
        receiver.discard()
        raise ApiError(400, "BAD_REQUEST", "The upload was interrupted.") from exc
    except BaseException:
        receiver.discard()
        raise


def _finished(receiver: _Receiver) -> str:
    """The checks that need the whole body: both fields there, the kind one we know."""
    if receiver.kind is None:
        raise validation_error("kind", "is required")
    kind = receiver.kind.decode("utf-8", errors="replace")
    if kind not in KINDS:
        raise validation_error("kind", f"must be one of {', '.join(KINDS)}")
    if receiver.temp_path is None:
        raise validation_error("file", "is required")
    if not receiver.complete:
        raise validation_error("body", "is not a well-formed multipart body")
    return kind


def _record(ctx: Context, member_number: str, kind: str, receiver: _Receiver) -> Document:
    assert receiver.temp_path is not None and receiver.detected is not None
    code = receiver.detected[0]
    document_id = f"doc_{secrets.token_hex(12)}"
    stored_name = f"{document_id}.{EXTENSIONS[code]}"
    final = receiver.temp_path.with_name(stored_name)
    os.replace(receiver.temp_path, final)
    receiver.temp_path = final  # so a failure below removes the file too
    now = ctx.now()
    with ctx.store.write() as conn:
        store.add(
            conn,
            document_id=document_id,
            member_number=member_number,
            kind=kind,
            filename=display_name(receiver.filename, code),
            stored_name=stored_name,
            content_type=ACCEPTED_TYPES[code],
            size=receiver.size,
            sha256=receiver.digest.hexdigest(),
            uploaded_at=now,
        )
        audit.add(
            conn,
            now,
            "member",
            member_number,
            "document_upload",
            member_number,
            details={"document_id": document_id, "kind": kind, "size": receiver.size},
        )
        row = store.get(conn, member_number, document_id)
    assert row is not None
    return document_from_row(row, now)


# The rejection reasons in English; the store keeps the Japanese, as the lender writes it.
_REJECTION_EN: Final = {
    store.ILLEGIBLE: "The file is too small for the document to be read. Please submit an "
    "image or PDF in which the whole document is clearly visible.",
}


def rejection_reason(review: store.Review, lang: Lang) -> str | None:
    if lang == "en" and review.rejection_code in _REJECTION_EN:
        return _REJECTION_EN[review.rejection_code]
    return review.rejection_reason


def document_from_row(row: sqlite3.Row, now: datetime, lang: Lang = DEFAULT_LANGUAGE) -> Document:
    uploaded_at = parse(row["uploaded_at"])
    review = store.review_at(uploaded_at, int(row["size"]), now)
    return Document(
        id=row["id"],
        kind=row["kind"],
        filename=row["filename"],
        content_type=row["content_type"],
        size=row["size"],
        uploaded_at=uploaded_at,
        status=review.status,
        status_updated_at=review.since,
        valid_until=store.valid_until(uploaded_at) if review.status == "accepted" else None,
        rejection_reason=rejection_reason(review, lang),
        rejection_code=review.rejection_code,
    )


@router.get(
    "/v1/me/documents", response_model=Page[Document], responses=responses(401, 403, 422, 503)
)
def list_documents(
    member_number: MemberId,
    ctx: Ctx,
    lang: Language,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[Document]:
    """The member's documents, newest first, with their review status as of now."""
    before = parse_cursor(cursor)
    now = ctx.now()
    with ctx.store.read() as conn:
        rows = store.page(conn, member_number, before_seq=before, limit=limit)
    return Page[Document](
        items=[document_from_row(row, now, lang) for row in rows],
        next_cursor=next_cursor([row["seq"] for row in rows], limit),
    )
