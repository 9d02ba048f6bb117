"""FastAPI factory: ``create_app(store, clock, settings)``.

The admin token of an app is ``app.state.ctx.settings.admin_token``; pass your own
``ServerSettings(admin_token=...)`` to know it in advance (the CLI reads it from the
``ACOM_MOCK_ADMIN_TOKEN`` environment variable or prints a generated one).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import re
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server import faults, roster
from mock_server.body_guard import BodyGuard
from mock_server.clock import Clock
from mock_server.context import Context
from mock_server.domain import maintenance
from mock_server.errors import ApiError
from mock_server.hashing import hash_secret, pepper_for
from mock_server.idempotent import HEADER as IDEMPOTENCY
from mock_server.routes import (
    account,
    admin,
    banks,
    borrowings,
    documents,
    limit_increase,
    notifications,
    pin,
    profile,
    repayments,
    sessions,
    simulator,
    staff,
    statements,
    status,
)
from mock_server.settings import ServerSettings
from mock_server.store import Store

log = logging.getLogger("mock_server")

REQUEST_ID = "X-Request-ID"
_REQUEST_ID_OK = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Always reachable, even in maintenance or with faults injected: the status page, mock
# control, the API description.
_MAINTENANCE_EXEMPT = ("/v1/status", "/v1/admin/", "/openapi.json", "/docs", "/redoc")

_STATUS_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


def _envelope(error: ApiError, request_id: str | None = None) -> JSONResponse:
    headers = dict(error.headers)
    if request_id:
        headers[REQUEST_ID] = request_id
    return JSONResponse(error.body(), status_code=error.status, headers=headers)


class FrontDoor:
    """Pure ASGI middleware: request ids, the Host check, ``Cache-Control``, the maintenance
    gate and injected faults, before any route runs."""

    def __init__(self, app: ASGIApp, ctx: Context) -> None:
        self.app = app
        self.ctx = ctx
        self.faults = faults.FaultInjector(ctx.store)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _REQUEST_ID_OK.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = list(message.get("headers", []))
                names = {k.lower() for k, _ in out}
                if b"x-request-id" not in names:
                    out.append((b"x-request-id", request_id.encode("latin-1")))
                if b"cache-control" not in names:
                    # Answers carry tokens and personal data: no cache may keep any of them.
                    out.append((b"cache-control", b"no-store"))
                message["headers"] = out
            await send(message)

        async def refuse(error: ApiError) -> None:
            await _envelope(error, request_id)(scope, receive, send_with_id)

        host = headers.get(b"host")
        if self.ctx.settings.loopback_only and host is not None and not is_loopback_host(host):
            await refuse(_misdirected(host))
            return
        path: str = scope["path"]
        if not path.startswith(_MAINTENANCE_EXEMPT):
            now = self.ctx.now()
            window = maintenance.current_window(now, self.ctx.adhoc_window())
            if window is not None:
                wait = maintenance.retry_after_seconds(now, window)
                await refuse(
                    ApiError(
                        503,
                        "MAINTENANCE",
                        "The member site is under maintenance.",
                        {
                            "kind": window.kind,
                            "starts_at": window.starts_at.isoformat(),
                            "ends_at": None
                            if window.ends_at is None
                            else window.ends_at.isoformat(),
                        },
                        headers={"Retry-After": str(wait)},
                    )
                )
                return
        injected = None if path.startswith(_MAINTENANCE_EXEMPT) else self.faults.current()
        if injected is not None:
            if injected.latency_ms:
                await asyncio.sleep(injected.latency_ms / 1000)
            if self.faults.should_fail(injected):
                await refuse(faults.injected_error())
                return
            if injected.drop_after_commit:
                await faults.run_then_drop(self.app, scope, receive, send_with_id)
                return
        await self.app(scope, receive, send_with_id)


def is_loopback_host(header: bytes) -> bool:
    """Whether a ``Host`` header names this machine: localhost or a loopback address."""
    value = header.decode("latin-1").strip().lower()
    if value.startswith("["):  # [::1]:8080
        name = value[1 : value.find("]")] if "]" in value else value
    else:
        name = value.rsplit(":", 1)[0] if value.count(":") == 1 else value
    name = name.rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _misdirected(host: bytes) -> ApiError:
    shown = host.decode("latin-1")[:255]
    return ApiError(
        421,
        "MISDIRECTED_REQUEST",
        "This server answers only requests addressed to localhost; the Host header names "
        "another site.",
        {"field": "host", "host": shown},
    )


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = []
    for err in exc.errors():
        invalid_json = err.get("type") == "json_invalid"
        # A JSON error's location is a byte offset, not a field: name the body instead.
        field = "body" if invalid_json else _field(tuple(err.get("loc", ())))
        message = "invalid JSON" if invalid_json else str(err.get("msg"))
        # Never echo the input back: it may be a PIN or a password.
        errors.append({"field": field, "message": message})
    first = errors[0] if errors else {"field": "body", "message": "invalid request"}
    error = ApiError(
        422,
        "VALIDATION_ERROR",
        f"{first['field']}: {first['message']}",
        {"field": first["field"], "errors": errors},
    )
    return _envelope(error)


def _tighten(folder: Path) -> None:
    """Uploaded certificates are private: a folder an older version left open is closed."""
    if folder.is_dir():
        folder.chmod(0o700)
        for item in folder.iterdir():
            if item.is_file():
                item.chmod(0o600)


def create_app(store: Store, clock: Clock, settings: ServerSettings | None = None) -> FastAPI:
    settings = settings or ServerSettings()
    if not settings.scrypt.pepper:
        # The pepper lives in a file beside the database (0600), never in it.
        settings = replace(settings, scrypt=replace(settings.scrypt, pepper=pepper_for(store.path)))
    ctx = Context(
        store=store,
        clock=clock,
        settings=settings,
        dummy_hash=hash_secret("0000-not-a-pin", settings.scrypt),
    )
    _tighten(documents.files_dir(ctx))
    if store.fresh:
        with store.write() as conn:
            roster.seed(conn, clock.now(), settings.scrypt)
        store.fresh = False

    app = FastAPI(
        title="acom mock member-site API",
        version="1",
        description="The mock backend of acom-tui. Errors always use the envelope "
        '`{"error": {"code", "message", "details"}}`.',
    )
    app.state.ctx = ctx

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _envelope(exc)

    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "HTTP_ERROR")
        message = exc.detail if isinstance(exc.detail, str) else "HTTP error"
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # Starlette names the methods of the first route on the path only.
            headers["Allow"] = _allowed_methods(app, request.url.path)
        return _envelope(ApiError(exc.status_code, code, message, headers=headers))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        if not isinstance(exc, faults.DroppedResponse):  # dropped on purpose: not a bug
            log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _envelope(ApiError(500, "INTERNAL_ERROR", "Unexpected server error."))

    for module in (
        status,
        sessions,
        account,
        borrowings,
        repayments,
        statements,
        profile,
        notifications,
        documents,
        limit_increase,
        pin,
        banks,
        simulator,
        staff,
        admin,
    ):
        app.include_router(module.router)
    app.include_router(notifications.admin_router)

    # Added last, runs first: FrontDoor, then BodyGuard, then the routes.
    app.add_middleware(BodyGuard, max_json_bytes=settings.max_json_bytes)
    app.add_middleware(FrontDoor, ctx=ctx)
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _document_errors(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _allowed_methods(app: FastAPI, path: str) -> str:
    """Every method of every documented operation on ``path`` (HEAD comes with GET)."""
    methods: set[str] = set()
    for template, item in app.openapi()["paths"].items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path):
            methods |= {method.upper() for method in item}
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


_WARM_UP_SCOPE: dict[str, Any] = {
    "type": "http",
    "method": "GET",
    "path": "/.warm-up",  # matches no route, so every route is tried
    "root_path": "",
    "query_string": b"",
    "headers": [],
}


def warm_up(app: FastAPI) -> None:
    """Prepare every route now instead of at its first request.

    FastAPI builds a route's request and response models the first time a request is
    matched against it, about 60 ms for this app in all; without this the member's first
    login and dashboard pay for it. Matching a path no route has tries them all, with no
    request sent, so nothing is logged, counted or rate-limited.
    """
    for route in app.router.routes:
        route.matches(dict(_WARM_UP_SCOPE))


_ENVELOPE_REF = "#/components/schemas/ErrorEnvelope"
_FASTAPI_DEFAULTS = ("HTTPValidationError", "ValidationError")


_BODY_METHODS = ("post", "put", "patch", "delete")
# Answers of the front door and the body guard: any route may get them before it runs.
_FRONT_DOOR_ANSWERS = {
    "421": "Host header names another site while the server listens on loopback only "
    "(MISDIRECTED_REQUEST): a DNS-rebinding page",
}
_BODY_ANSWERS = {
    "413": "Body over 64 KiB (PAYLOAD_TOO_LARGE), refused before it is read",
    "415": "Body that is not JSON (UNSUPPORTED_MEDIA_TYPE)",
    "422": "Invalid input (VALIDATION_ERROR, names the field; `body` for a body that is not "
    "UTF-8 JSON or repeats a key)",
}


def _document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Make the document say what the server really answers.

    FastAPI documents request validation with its own ``HTTPValidationError`` body, which
    this server never sends (it answers ``VALIDATION_ERROR`` in the envelope); it cannot
    know that the front door may answer 421 or 503 and the body guard 413, 415 or 422
    before any route runs; and it sees ``Idempotency-Key`` as optional because the
    dependency answers its absence itself (400 ``IDEMPOTENCY_KEY_MISSING``).
    """
    envelope = {"application/json": {"schema": {"$ref": _ENVELOPE_REF}}}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            answers = operation.setdefault("responses", {})
            for code, answer in answers.items():
                ref = answer.get("content", {}).get("application/json", {}).get("schema", {})
                if ref.get("$ref", "").rsplit("/", 1)[-1] in _FASTAPI_DEFAULTS:
                    answers[code] = {"description": _BODY_ANSWERS["422"], "content": envelope}
            extra = dict(_FRONT_DOOR_ANSWERS)
            if method in _BODY_METHODS:
                extra.update(_BODY_ANSWERS)
            if not path.startswith(_MAINTENANCE_EXEMPT):
                extra["503"] = (
                    "Maintenance (MAINTENANCE) or an injected fault (INJECTED_FAULT), "
                    "with Retry-After"
                )
            for code, description in extra.items():
                answers.setdefault(code, {"description": description, "content": envelope})
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "header":
                    continue
                # A header is a string or absent, never JSON null (pydantic's `str | None`).
                kept = parameter.get("schema", {})
                parameter["schema"] = {
                    k: v for k, v in kept.items() if k not in ("anyOf", "default")
                } | {"type": "string"}
                if parameter.get("name") == IDEMPOTENCY:
                    parameter["required"] = True
    components = schema.get("components", {}).get("schemas", {})
    for name in _FASTAPI_DEFAULTS:
        components.pop(name, None)
    return schema


def openapi_json(app: FastAPI) -> str:
    return json.dumps(app.openapi(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
