"""Income-certificate upload (SPEC 2.11): content sniffing, size limit, streaming, review."""

from __future__ import annotations

import random
import struct
import tracemalloc
import zlib
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from mock_server.clock import Clock
from mock_server.routes.documents import display_name, sniff
from mock_server.settings import ServerSettings
from mock_server.store import Store

PIN = "4829"
MAX = 10 * 1024 * 1024
MIB = 1024 * 1024


async def headers_for(http: httpx.AsyncClient, number: str = "10000007") -> dict[str, str]:
    response = await http.post("/v1/sessions", json={"member_number": number, "pin": PIN})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    return dict(body["error"])


def png(width: int, height: int, seed: int = 1) -> bytes:
    """A real PNG of random RGB pixels (noise does not compress, so size follows the area)."""
    rng = random.Random(seed)
    rows = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data)
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def pdf() -> bytes:
    """A one-page PDF, with a comment that brings it over 1 KiB like any real scan."""
    return (
        b"%PDF-1.4\n"
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
        + b"% "
        + b"x" * 1200
        + b"\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def jpeg() -> bytes:
    """SOI, a JFIF APP0 segment, filler, EOI."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return (
        b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\x00" * 2000 + b"\xff\xd9"
    )


async def upload(
    http: httpx.AsyncClient,
    headers: dict[str, str],
    data: bytes,
    *,
    filename: str = "gensen.png",
    kind: str = "withholding_slip",
) -> httpx.Response:
    return await http.post(
        "/v1/me/documents",
        headers=headers,
        data={"kind": kind},
        files={"file": (filename, data, "application/octet-stream")},
    )


def stored_files(settings: ServerSettings) -> list[Path]:
    assert settings.data_dir is not None
    if not settings.data_dir.exists():
        return []
    return sorted(settings.data_dir.iterdir())


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(png(32, 32), "image/png"), (pdf(), "application/pdf"), (jpeg(), "image/jpeg")],
)
async def test_pdf_jpeg_png_are_accepted_by_content(
    http: httpx.AsyncClient, settings: ServerSettings, data: bytes, content_type: str
) -> None:
    headers = await headers_for(http)
    # The name says .txt: the content decides.
    response = await upload(http, headers, data, filename="scan.txt")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["content_type"] == content_type
    assert body["size"] == len(data)
    assert body["status"] == "received"
    assert body["status_updated_at"] == "2026-12-02T10:00:00+09:00"
    assert body["filename"] == "scan.txt"
    assert body["valid_until"] is None
    [stored] = stored_files(settings)
    assert stored.name == f"{body['id']}.{content_type.split('/')[1].replace('jpeg', 'jpg')}"
    assert stored.read_bytes() == data


async def test_the_clients_filename_never_reaches_the_disk(
    http: httpx.AsyncClient, settings: ServerSettings
) -> None:
    headers = await headers_for(http)
    response = await upload(http, headers, png(32, 32), filename="../../etc/源泉徴収票.png")
    assert response.status_code == 201
    assert response.json()["filename"] == "源泉徴収票.png"
    [stored] = stored_files(settings)
    assert stored.parent == settings.data_dir
    assert stored.name.startswith("doc_")


async def test_a_text_file_named_pdf_is_refused(
    http: httpx.AsyncClient, settings: ServerSettings
) -> None:
    headers = await headers_for(http)
    response = await upload(
        http, headers, "源泉徴収票 2025年分 支払金額 4,800,000円\n".encode(), filename="gensen.pdf"
    )
    assert response.status_code == 422
    err = error(response)
    assert err["code"] == "DOCUMENT_INVALID"
    assert err["details"]["detected"] == "text"
    assert "text file" in err["message"]
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("data", "detected"),
    [
        (b"GIF89a" + b"\x00" * 100, "gif"),
        (b"PK\x03\x04" + b"\x00" * 100, "zip"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100, "heic"),
        (b"MZ\x90\x00" + b"\x00" * 100, "exe"),
        (bytes(range(256)), "unknown"),
        (b"%PD", "text"),
    ],
)
async def test_other_types_are_named(
    http: httpx.AsyncClient, settings: ServerSettings, data: bytes, detected: str
) -> None:
    headers = await headers_for(http)
    response = await upload(http, headers, data, filename="scan.pdf")
    assert response.status_code == 422
    assert error(response)["details"]["detected"] == detected
    assert stored_files(settings) == []


async def test_an_empty_file_is_refused(http: httpx.AsyncClient, settings: ServerSettings) -> None:
    headers = await headers_for(http)
    response = await upload(http, headers, b"", filename="gensen.pdf")
    assert response.status_code == 422
    err = error(response)
    assert err["code"] == "DOCUMENT_INVALID"
    assert err["details"]["detected"] == "empty"
    assert stored_files(settings) == []


async def test_exactly_the_limit_is_accepted_one_byte_more_is_413(
    http: httpx.AsyncClient, settings: ServerSettings
) -> None:
    headers = await headers_for(http)
    signature = b"\x89PNG\r\n\x1a\n"
    at_limit = await upload(http, headers, signature + b"\x00" * (MAX - len(signature)))
    assert at_limit.status_code == 201, at_limit.text
    assert at_limit.json()["size"] == MAX

    over = await upload(http, headers, signature + b"\x00" * (MAX + 1 - len(signature)))
    assert over.status_code == 413
    err = error(over)
    assert err["code"] == "DOCUMENT_TOO_LARGE"
    assert err["details"] == {"max_bytes": 10_485_760}
    assert len(stored_files(settings)) == 1  # only the first, no partial file left


def multipart_stream(boundary: str, file_bytes: int, counter: list[int]) -> AsyncIterator[bytes]:
    block = b"\x00" * (64 * 1024)

    async def body() -> AsyncIterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n'
            f"pay_slip\r\n--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="big.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode() + b"\x89PNG\r\n\x1a\n"
        while counter[0] < file_bytes:
            counter[0] += len(block)
            yield block
        yield f"\r\n--{boundary}--\r\n".encode()

    return body()


async def test_a_50_mib_stream_is_refused_without_buffering(
    http: httpx.AsyncClient, settings: ServerSettings
) -> None:
    headers = await headers_for(http)
    boundary = "acom-test-boundary"
    sent = [0]
    tracemalloc.start()
    try:
        response = await http.post(
            "/v1/me/documents",
            headers={**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
            content=multipart_stream(boundary, 50 * MIB, sent),
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 413
    assert error(response)["details"]["max_bytes"] == MAX
    # The server stopped reading just past the limit and held a few chunks at most.
    assert MAX <= sent[0] <= MAX + 2 * MIB
    assert peak < 4 * MIB, f"peak traced memory {peak} bytes"
    assert stored_files(settings) == []


async def test_a_declared_oversize_body_is_refused_before_reading(
    http: httpx.AsyncClient, settings: ServerSettings
) -> None:
    headers = await headers_for(http)
    boundary = "acom-test-boundary"
    sent = [0]
    response = await http.post(
        "/v1/me/documents",
        headers={
            **headers,
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(50 * MIB),
        },
        content=multipart_stream(boundary, 50 * MIB, sent),
    )
    assert response.status_code == 413
    assert sent[0] == 0


async def test_a_body_cut_short_stores_nothing(
    http: httpx.AsyncClient, settings: ServerSettings
) -> None:
    headers = await headers_for(http)
    boundary = "cut"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\npay_slip\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'
    ).encode() + png(32, 32)  # no closing boundary
    response = await http.post(
        "/v1/me/documents",
        headers={**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        content=body,
    )
    assert response.status_code == 422
    assert error(response)["code"] == "VALIDATION_ERROR"
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("data", "files", "field"),
    [
        ({}, {"file": ("a.png", png(8, 8), "image/png")}, "kind"),
        ({"kind": "passport"}, {"file": ("a.png", png(8, 8), "image/png")}, "kind"),
        ({"kind": "pay_slip", "note": "x"}, {"file": ("a.png", png(8, 8), "image/png")}, "note"),
    ],
)
async def test_form_fields_are_checked(
    http: httpx.AsyncClient,
    settings: ServerSettings,
    data: dict[str, str],
    files: dict[str, Any],
    field: str,
) -> None:
    headers = await headers_for(http)
    response = await http.post("/v1/me/documents", headers=headers, data=data, files=files)
    assert response.status_code == 422, response.text
    assert error(response)["details"]["field"] == field
    assert stored_files(settings) == []


async def test_the_file_field_is_required(http: httpx.AsyncClient) -> None:
    headers = await headers_for(http)
    boundary = "b"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\npay_slip\r\n'
        f"--{boundary}--\r\n"
    ).encode()
    response = await http.post(
        "/v1/me/documents",
        headers={**headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        content=body,
    )
    assert response.status_code == 422
    assert error(response)["details"]["field"] == "file"


async def test_not_multipart_is_415(http: httpx.AsyncClient) -> None:
    headers = await headers_for(http)
    response = await http.post("/v1/me/documents", headers=headers, json={"kind": "pay_slip"})
    assert response.status_code == 415
    assert error(response)["code"] == "UNSUPPORTED_MEDIA_TYPE"


async def test_upload_needs_a_member_token(
    http: httpx.AsyncClient, settings: ServerSettings
) -> None:
    response = await upload(http, {}, png(32, 32))
    assert response.status_code == 401
    assert stored_files(settings) == []


async def test_review_moves_with_the_clock(http: httpx.AsyncClient, clock: Clock) -> None:
    headers = await headers_for(http)
    good = (await upload(http, headers, png(32, 32), kind="pay_slip")).json()
    tiny = (await upload(http, headers, png(1, 1), kind="income_certificate")).json()
    assert len(png(1, 1)) < 1024 <= len(png(32, 32))

    clock.advance(timedelta(seconds=59))
    listed = (await http.get("/v1/me/documents", headers=headers)).json()["items"]
    assert [d["status"] for d in listed] == ["received", "received"]

    clock.advance(timedelta(seconds=1))
    listed = (await http.get("/v1/me/documents", headers=headers)).json()["items"]
    assert [d["status"] for d in listed] == ["under_review", "under_review"]
    assert listed[0]["status_updated_at"] == "2026-12-02T10:01:00+09:00"

    clock.advance(timedelta(minutes=59))
    headers = await headers_for(http)  # the first session went idle
    listed = (await http.get("/v1/me/documents", headers=headers)).json()["items"]
    by_id = {d["id"]: d for d in listed}
    assert by_id[good["id"]]["status"] == "accepted"
    assert by_id[good["id"]]["status_updated_at"] == "2026-12-02T11:00:00+09:00"
    assert by_id[good["id"]]["valid_until"] == "2029-12-02"
    assert by_id[tiny["id"]]["status"] == "rejected"
    assert by_id[tiny["id"]]["valid_until"] is None
    assert (
        "再提出" in by_id[tiny["id"]]["rejection_reason"]
        or "提出" in (by_id[tiny["id"]]["rejection_reason"])
    )


async def test_list_is_newest_first_and_paged(http: httpx.AsyncClient, clock: Clock) -> None:
    headers = await headers_for(http, "10000001")  # has the roster certificate
    ids = []
    for seed in range(3):
        clock.advance(timedelta(seconds=1))
        ids.append((await upload(http, headers, png(32, 32, seed))).json()["id"])
    first = (await http.get("/v1/me/documents?limit=2", headers=headers)).json()
    assert [d["id"] for d in first["items"]] == [ids[2], ids[1]]
    assert first["next_cursor"] is not None
    rest = await http.get(
        f"/v1/me/documents?limit=2&cursor={first['next_cursor']}", headers=headers
    )
    items = rest.json()["items"]
    assert [d["id"] for d in items] == [ids[0], "doc_roster_10000001"]
    roster = items[1]
    # Uploaded 365 days before the fixed clock, accepted, valid for 3 years from then.
    assert (roster["status"], roster["valid_until"]) == ("accepted", "2028-12-02")
    bad = await http.get("/v1/me/documents?cursor=abc", headers=headers)
    assert error(bad)["details"]["field"] == "cursor"


async def test_roster_members_without_a_certificate_have_none(
    http: httpx.AsyncClient, store: Store
) -> None:
    headers = await headers_for(http, "10000007")
    assert (await http.get("/v1/me/documents", headers=headers)).json()["items"] == []
    with store.read() as conn:
        numbers = [
            row["member_number"]
            for row in conn.execute("SELECT member_number FROM documents ORDER BY member_number")
        ]
    assert numbers == ["10000001", "10000004", "10000009", "10000010", "10000011"]


@pytest.mark.parametrize(
    ("head", "code"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\xff\xd8\xff\xdb", "jpeg"),
        (b"\x89PNG\r\n\x1a\n", "png"),
        (b"\x89PNG\r\n", "unknown"),
        ("源泉徴収票".encode()[:10], "text"),  # a character cut in half is still text
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
    ],
)
def test_sniff(head: bytes, code: str) -> None:
    assert sniff(head)[0] == code


def test_display_name() -> None:
    assert display_name("C:\\Users\\taro\\給与明細.pdf".encode(), "pdf") == "給与明細.pdf"
    assert display_name(b"a\x00b\x1b.png", "png") == "ab.png"
    assert display_name(b"", "jpeg") == "document.jpg"
