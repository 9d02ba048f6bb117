"""Request bodies are judged here, once, before any route parses one.

Every body that is not a multipart upload is small JSON in this API, so it is refused when
it is over ``max_json_bytes`` (by ``Content-Length`` before reading, or while reading when
there is none), when it is not UTF-8 or not JSON, when it repeats a key (JSON leaves open
which value counts: refusing beats guessing which ``amount`` was meant), or when it holds a
string that cannot be UTF-8 (a lone surrogate such as ``"\\ud800"``, which nothing
downstream can store or encode). Each is a 413 or a 422 ``VALIDATION_ERROR`` naming the
field (``body`` when the whole body is at fault); a body that passes is handed on unchanged.
Multipart uploads keep the limit of their route.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.errors import ApiError, validation_error

# Methods that carry a body in this API; other bodies are never read by any route.
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BodyRefused(Exception):
    def __init__(self, error: ApiError) -> None:
        super().__init__(error.message)
        self.error = error


class _DuplicateKey(ValueError):
    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        "PAYLOAD_TOO_LARGE",
        f"The request body is larger than {limit} bytes.",
        {"field": "body", "limit_bytes": limit},
    )


def _malformed(reason: str) -> ApiError:
    # The same answer as any other invalid input: the whole body is the field at fault.
    return validation_error("body", f"is not valid JSON ({reason})", reason=reason)


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string of a parsed document (keys too) with the dotted path naming it."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            yield where, key
            yield from _strings(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}" if path else str(index))


def _named(path: str) -> str:
    """A field path safe to send back: a lone surrogate in a key is shown escaped."""
    return path.encode("utf-8", "backslashreplace").decode("utf-8")[:200] or "body"


def check_json(body: bytes) -> None:
    """Raise ``BodyRefused`` unless ``body`` is one well-formed, unambiguous JSON document."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyRefused(_malformed("not UTF-8")) from None
    try:
        document = json.loads(text, object_pairs_hook=_pairs)
    except _DuplicateKey as duplicate:
        # The path of the key inside its object is not known here; the key names it.
        raise BodyRefused(
            validation_error(_named(duplicate.path), "appears more than once in the body")
        ) from None
    except ValueError:
        raise BodyRefused(_malformed("syntax error")) from None
    for field, string in _strings(document, ""):
        try:
            string.encode("utf-8")
        except UnicodeEncodeError:
            raise BodyRefused(
                validation_error(_named(field), "contains a character that is not valid text")
            ) from None


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media in ("", "application/json") or (
        media.startswith("application/") and media.endswith("+json")
    )


class BodyGuard:
    """Pure ASGI middleware: read (bounded), judge and hand on every non-multipart body."""

    def __init__(self, app: ASGIApp, max_json_bytes: int) -> None:
        self.app = app
        self.limit = max_json_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        if content_type.lower().startswith("multipart/"):
            await self.app(scope, receive, send)
            return
        try:
            body = await self._read(headers.get(b"content-length"), receive)
            if body:
                if not _is_json(content_type):
                    raise BodyRefused(
                        ApiError(
                            415,
                            "UNSUPPORTED_MEDIA_TYPE",
                            "Send the request body as application/json.",
                            {"field": "content-type"},
                        )
                    )
                check_json(body)
        except BodyRefused as refused:
            error = refused.error
            headers_out = dict(error.headers)
            if error.status == 413:
                # The rest of the body stays unread: the connection cannot be reused.
                headers_out["Connection"] = "close"
            response = JSONResponse(error.body(), status_code=error.status, headers=headers_out)
            await response(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read(self, declared: bytes | None, receive: Receive) -> bytes:
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length > self.limit:
                raise BodyRefused(too_large(self.limit))
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                raise BodyRefused(too_large(self.limit))
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
