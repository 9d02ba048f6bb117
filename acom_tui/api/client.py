"""The async API client: one method per endpoint, schemas in and out, safe retries.

Retry rules (see ``docs/api-client.md``):

* a connection that was never made (connect error or connect timeout) is retried for every
  request, because nothing reached the server;
* reads (GET), logout and money movements (which carry an ``Idempotency-Key``) are also
  retried when the answer was lost (read timeout, dropped connection) and on 502/503/504,
  honouring ``Retry-After`` up to a cap;
* ``503 MAINTENANCE`` and every 4xx are raised at once;
* attempts are bounded, and the backoff sleep is injectable so tests never really sleep;
* every call, retries and pauses included, ends by its deadline (``Deadlines``): a server
  that trickles its answer cannot hold the UI;
* answers are read as a stream and cut at ``max_response_bytes``: a server that floods
  cannot grow the client's memory;
* plain http (only to this machine) never goes through an environment proxy, which would
  see the PIN in clear; https may, as the tunnel keeps TLS.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import ssl
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar

import httpx
from pydantic import BaseModel, SecretStr, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from acom_contract.schemas import (
    Account,
    AuditEntry,
    Bank,
    Borrowing,
    BorrowRequest,
    CardReissueRequest,
    ClockAdvance,
    ClockFreeze,
    ClockSet,
    ClockState,
    Document,
    DocumentKind,
    ElectronicDelivery,
    ElectronicDeliveryUpdate,
    ErrorEnvelope,
    FaultSettings,
    IdentityDocument,
    LimitIncreaseApplication,
    LimitIncreaseRequest,
    LoginRequest,
    LoginResult,
    MailItem,
    MaintenanceSwitch,
    MemberSummary,
    Notice,
    NoticeKind,
    NoticePage,
    NotificationSettings,
    OneTimePin,
    Page,
    PinChangeRequest,
    PinResetRequest,
    Profile,
    ProfileUpdate,
    Repayment,
    RepaymentQuote,
    RepaymentRequest,
    Simulation,
    SimulationRequest,
    StaffLoginRequest,
    StaffLoginResult,
    StaffReason,
    Statement,
    StatementKind,
    Status,
    SuspendRequest,
    SuspensionReason,
    UnlockRequest,
)
from acom_tui.api import errors
from acom_tui.api.urls import is_loopback

if TYPE_CHECKING:
    from acom_tui.config import ServerSettings

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_RESPONSE_BYTES",
    "NO_RETRY",
    "AdminClient",
    "BaseClient",
    "CallKind",
    "Client",
    "Deadlines",
    "RetryPolicy",
    "StaffClient",
    "Timeouts",
    "check_server_url",
    "new_idempotency_key",
]

log = logging.getLogger("acom_tui.api")

CallKind = Literal["quick", "login", "money", "upload"]
Sleep = Callable[[float], Awaitable[None]]
Progress = Callable[[int, int], None]
M = TypeVar("M", bound=BaseModel)
SessionT = TypeVar("SessionT", LoginResult, StaffLoginResult)

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# The largest real answer is a 500-row page: about 0.9 MiB of notices or audit rows, 0.2 MiB
# of statements (docs/api-client.md). Anything far above that is a broken or hostile server.
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
# A Retry-After is reported (for a countdown) up to a day; more is no promise worth showing.
_MAX_RETRY_AFTER = 86_400.0
_UPLOAD_CHUNK = 64 * 1024
_RETRYABLE_STATUSES = frozenset({502, 503, 504})
_SESSION_HEADER = "X-Session-Expires-At"
# A login names its attempt; when its answer is lost, the same id ends what it opened.
LOGIN_ATTEMPT_HEADER = "Login-Attempt"
# The abandonment runs on after the login's error reached the user, on a server that was
# too slow for the login: it gets longer than a login, and closing the client waits for it
# at most ABANDON_WAIT_S.
ABANDON_DEADLINE_S = 60.0
ABANDON_WAIT_S = 1.0


# --- settings of the transport -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds to wait for an answer, by kind of call."""

    connect: float = 5.0
    quick: float = 10.0
    # A login is one slow password hash on the server, and logins queue behind each
    # other's (a room of consoles starting together, issue 16): its answer is worth the
    # wait a quick call's whole deadline allows. It is never sent twice.
    login: float = 30.0
    # A transfer touches the bank side; give it time before we declare the answer lost.
    money: float = 30.0
    upload: float = 120.0

    def for_kind(self, kind: CallKind) -> httpx.Timeout:
        seconds = {
            "quick": self.quick,
            "login": self.login,
            "money": self.money,
            "upload": self.upload,
        }[kind]
        return httpx.Timeout(seconds, connect=min(self.connect, seconds))


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded retries with exponential backoff and jitter."""

    max_attempts: int = 3
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    # A longer Retry-After is not waited for inside one call: the error goes to the UI,
    # which can show a countdown instead of a frozen spinner.
    retry_after_cap: float = 15.0

    def backoff(self, attempt: int, rand: float) -> float:
        """Delay before retry number ``attempt`` (1-based): half fixed, half random."""
        ceiling = min(self.backoff_max, self.backoff_initial * 2.0 ** (attempt - 1))
        return ceiling / 2 + ceiling / 2 * rand


NO_RETRY = RetryPolicy(max_attempts=1)


@dataclass(frozen=True, slots=True)
class Deadlines:
    """Seconds one call may take in all, every attempt and pause included, by kind of call.

    ``Timeouts`` bound each read; a server sending one byte just inside every read timeout
    would never trip them, so the whole call also has an end.
    """

    quick: float = 30.0
    login: float = 30.0
    # Three attempts at the 30 s money timeout: the retries that keep the key must fit.
    money: float = 90.0
    upload: float = 300.0

    def for_kind(self, kind: CallKind) -> float:
        return {
            "quick": self.quick,
            "login": self.login,
            "money": self.money,
            "upload": self.upload,
        }[kind]


# How a request may be repeated when its answer is lost.
_Replay = Literal["never", "safe"]


def new_idempotency_key() -> str:
    """A fresh key for one user action (borrow or repay); reuse it for every retry of it."""
    return str(uuid.uuid4())


def _check_idempotency_key(key: str) -> str:
    if not 1 <= len(key) <= 255 or not key.isascii() or not key.isprintable():
        raise ValueError("an idempotency key is 1-255 printable ASCII characters")
    return key


def check_server_url(url: str, *, allow_insecure_http: bool = False) -> httpx.URL:
    """The server URL, if it is safe to send a PIN to; else ``InsecureURLError``/``ValueError``.

    ``https`` is required, except for a loopback host (the local mock server) or when the
    caller explicitly allows plain http.
    """
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise ValueError(f"not a valid server URL: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"the server URL must be http(s)://host[:port], got {url!r}")
    if parsed.scheme == "http" and not (allow_insecure_http or is_loopback(parsed.host)):
        raise errors.InsecureURLError(
            f"refusing plain http to {parsed.host}: use https "
            "(plain http is only allowed to this machine, or with allow_insecure_http)"
        )
    return parsed


def ssl_context_for(url: httpx.URL, ca_bundle: str | Path | None = None) -> ssl.SSLContext:
    """The TLS settings of a client of ``url``: verification always on.

    A custom CA bundle only replaces whom we trust. A client of a plain-http server (this
    machine's, see :func:`check_server_url`) never opens a TLS connection: it sends every
    request to its base URL and follows no redirect. It gets a context that trusts nobody,
    so TLS would fail closed, instead of the system's CA certificates, which cost every
    console process 1.7 MiB (docs/performance.md).
    """
    if ca_bundle is not None:  # read even for http: a wrong path in the config is reported
        return ssl.create_default_context(cafile=str(Path(ca_bundle).expanduser()))
    if url.scheme == "http":
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return ssl.create_default_context()


# --- request bodies ------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """JSON-ready data with secrets revealed: only ever sent in a request body."""
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, BaseModel):
        return _plain(dict(value))
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _body(model: BaseModel) -> Any:
    """The request body of a model: only the fields that were given (PATCH semantics).

    ``model_dump(mode="json")`` would turn a ``SecretStr`` into asterisks; the PIN must
    reach the server, so secrets are revealed here and nowhere else.
    """
    return {name: _plain(getattr(model, name)) for name in model.model_fields_set}


def _build(model: type[BaseModel], **fields: Any) -> Any:
    """The body of a request model, checked here: wrong input fails like the server's check.

    A pydantic error would quote the input (maybe a PIN) and bypass the UI's handling of
    ``ValidationFailed``; the same shape as the server's ``VALIDATION_ERROR`` is raised.
    """
    try:
        instance = model(**fields)
    except PydanticValidationError as exc:
        raise _local_validation_error(exc) from None
    return _body(instance)


def _local_validation_error(exc: PydanticValidationError) -> errors.ValidationFailed:
    field_errors = [
        {"field": ".".join(str(p) for p in error["loc"]) or "body", "message": error["msg"]}
        for error in exc.errors(include_url=False, include_input=False)
    ]
    first = field_errors[0]
    return errors.ValidationFailed(
        f"{first['field']}: {first['message']}",
        details={"field": first["field"], "errors": field_errors},
    )


def _secret(value: SecretStr | str) -> SecretStr:
    return value if isinstance(value, SecretStr) else SecretStr(value)


def _guess_content_type(data: bytes) -> str:
    # The server judges by content; this only labels the part honestly.
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return "application/octet-stream"


# --- responses -----------------------------------------------------------------------------

_list_adapters: dict[type[BaseModel], TypeAdapter[Any]] = {}


def _describe_validation(exc: PydanticValidationError) -> str:
    # include_input=False: the body may hold a token or personal data.
    parts = []
    for error in exc.errors(include_url=False, include_input=False)[:3]:
        loc = ".".join(str(p) for p in error["loc"]) or "body"
        parts.append(f"{loc}: {error['msg']}")
    return "; ".join(parts)


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait, within 0 and a day; None if it said nothing usable.

    RFC 9110 allows only digits or an HTTP-date. A negative, fractional or garbled value is
    ignored (our own backoff applies); a huge one is clamped, never converted whole: 400
    digits overflowed ``float`` and 5,000 exceed Python's int parsing limit.
    """
    raw = response.headers.get("Retry-After")
    if raw is None:
        return None
    raw = raw.strip()
    if raw.isascii() and raw.isdigit():
        if len(raw) > len(str(int(_MAX_RETRY_AFTER))):
            return _MAX_RETRY_AFTER
        return min(float(int(raw)), _MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        seconds = (when - datetime.now(UTC)).total_seconds()
    except OverflowError:
        return None
    return min(max(0.0, seconds), _MAX_RETRY_AFTER)


def _request_id(response: httpx.Response) -> str | None:
    value: str | None = response.headers.get("X-Request-ID")
    return value


def _unexpected(response: httpx.Response, problem: str) -> errors.UnexpectedResponse:
    content_type = response.headers.get("Content-Type")
    return errors.UnexpectedResponse(
        f"the server answered HTTP {response.status_code} with {problem}",
        status=response.status_code,
        request_id=_request_id(response) or response.request.headers.get("X-Request-ID"),
        retry_after=_retry_after(response),
        content_type=content_type,
    )


def _error_for(response: httpx.Response, request_id: str) -> errors.ApiError:
    try:
        envelope = ErrorEnvelope.model_validate_json(response.content)
    except PydanticValidationError:
        content_type = response.headers.get("Content-Type") or "no content type"
        return _unexpected(response, f"a body that is not an API error ({content_type})")
    return errors.error_from_response(
        status=response.status_code,
        code=envelope.error.code,
        message=envelope.error.message,
        details=envelope.error.details,
        request_id=request_id,
        retry_after=_retry_after(response),
    )


def _parse(model: type[M], response: httpx.Response) -> M:
    try:
        return model.model_validate_json(response.content)
    except PydanticValidationError as exc:
        raise _mismatch(response, model.__name__, exc) from None


def _parse_list(model: type[M], response: httpx.Response) -> list[M]:
    adapter = _list_adapters.get(model)
    if adapter is None:
        adapter = _list_adapters[model] = TypeAdapter(list[model])  # type: ignore[valid-type]
    try:
        items: list[M] = adapter.validate_json(response.content)
    except PydanticValidationError as exc:
        raise _mismatch(response, f"list[{model.__name__}]", exc) from None
    return items


def _mismatch(
    response: httpx.Response, name: str, exc: PydanticValidationError
) -> errors.UnexpectedResponse:
    return _unexpected(response, f"a body that does not match {name} ({_describe_validation(exc)})")


def _transport_error(
    exc: httpx.TransportError, kind: CallKind, request_id: str
) -> errors.TransportError:
    name = type(exc).__name__
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        message = f"could not connect to the server in time ({name})"
        return errors.ConnectionFailed(message, request_id=request_id)
    if isinstance(exc, httpx.ConnectError):
        message = f"could not connect to the server ({name})"
        return errors.ConnectionFailed(message, request_id=request_id)
    if isinstance(exc, httpx.TimeoutException):
        message = f"the server did not answer in time ({name})"
    else:
        message = f"the connection broke before the answer arrived ({name})"
    if kind == "money":
        # The UI must not tell the user "nothing happened": it may have.
        message += "; the request may have been processed: retry with the same key"
    if isinstance(exc, httpx.TimeoutException):
        return errors.RequestTimeout(message, request_id=request_id)
    return errors.ConnectionFailed(message, request_id=request_id)


def _refused(error: errors.ApiError) -> bool:
    """Whether the server itself answered that it opened nothing: a 4xx, or its own 500
    (rolled back) or 503. A gateway's 502 or 504, or a 2xx we could not read, may hide a
    session the server opened."""
    status = error.status
    return status is not None and (400 <= status < 500 or status in (500, 503))


def _deadline_error(kind: CallKind, seconds: float, request_id: str) -> errors.RequestTimeout:
    message = f"no complete answer within the {seconds:g} s this call may take"
    if kind == "money":
        message += "; the request may have been processed: retry with the same key"
    return errors.RequestTimeout(message, request_id=request_id, details={"deadline": seconds})


async def _read_capped(
    response: httpx.Response, limit: int, kind: CallKind, request_id: str
) -> httpx.Response:
    """The answer with its body read, or ``ResponseTooLarge`` once it passes ``limit`` bytes.

    The body is read raw: we ask for ``identity`` and refuse any other encoding, because
    a compressed body is inflated chunk by chunk beyond any cap (a 64 KiB gzip chunk can
    hold 64 MiB). What is left unread stays unread: closing drops the connection.
    """

    def too_large(seen: str) -> errors.ResponseTooLarge:
        message = f"the server's answer is larger than {limit} bytes ({seen})"
        if kind == "money":
            message += "; the request may have been processed: retry with the same key"
        return errors.ResponseTooLarge(
            message,
            status=response.status_code,
            request_id=_request_id(response) or request_id,
            content_type=response.headers.get("Content-Type"),
            details={"max_bytes": limit},
        )

    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise _unexpected(response, f"a {encoding!r}-encoded body, which was not asked for")
    if response.is_stream_consumed:
        # A transport that answered from memory (the demo's own 500): nothing left to stream.
        if len(response.content) > limit:
            raise too_large(f"{len(response.content)} bytes")
        return response
    declared = response.headers.get("Content-Length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise too_large(f"{declared} bytes announced")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_raw():
        size += len(chunk)
        if size > limit:
            raise too_large("more than that sent")
        chunks.append(chunk)
    return httpx.Response(
        response.status_code,
        headers=response.headers,
        content=b"".join(chunks),
        request=response.request,
        extensions=response.extensions,
    )


class _ChunkedBody:
    """A request body that reports progress as the transport reads it; re-iterable per retry."""

    def __init__(self, data: bytes, progress: Progress | None) -> None:
        self._data = data
        self._progress = progress

    async def __aiter__(self) -> AsyncIterator[bytes]:
        total = len(self._data)
        sent = 0
        if self._progress is not None:
            self._progress(0, total)
        while sent < total:
            chunk = self._data[sent : sent + _UPLOAD_CHUNK]
            sent += len(chunk)
            yield chunk
            if self._progress is not None:
                self._progress(sent, total)


@dataclass(slots=True)
class _CallTrace:
    """The id of the attempt in flight, for the error raised when the deadline cuts it, and
    whether any attempt may have reached the server (a login to abandon)."""

    call_id: str
    request_id: str = ""
    in_flight: bool = False
    reached: bool = False

    @property
    def may_have_reached(self) -> bool:
        return self.reached or self.in_flight


@dataclass(frozen=True, slots=True)
class _Request:
    """One logical request, the same on every attempt (its Idempotency-Key included)."""

    method: str
    path: str
    kind: CallKind
    replay: _Replay
    json: Any
    params: Mapping[str, str] | None
    content: _ChunkedBody | None
    headers: Mapping[str, str]


# --- the transport core --------------------------------------------------------------------


class BaseClient:
    """Connection, retries, error mapping and logging shared by the member and staff clients."""

    def __init__(
        self,
        base_url: str,
        *,
        ca_bundle: str | Path | None = None,
        allow_insecure_http: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
        timeouts: Timeouts | None = None,
        deadlines: Deadlines | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        rand: Callable[[], float] = random.random,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        url = check_server_url(base_url, allow_insecure_http=allow_insecure_http)
        self._timeouts = timeouts or Timeouts()
        self._deadlines = deadlines or Deadlines()
        self._max_response_bytes = max_response_bytes
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._rand = rand
        self._token: SecretStr | None = None
        # Logins on their way (attempt id -> path), and abandonments of logins whose answer
        # was lost, still on their way to the server.
        self._logins: dict[str, str] = {}
        self._abandoning: set[asyncio.Task[None]] = set()
        self.session_expires_at: datetime | None = None
        """When the session ends if idle, as last reported by the server."""
        self.language: str | None = None
        """Sent as ``Accept-Language``: texts the server writes (notices, reasons) in it."""
        default_headers = {"Accept": "application/json", "User-Agent": "acom-tui/0.1"}
        default_headers.update(headers or {})
        # The size cap counts the bytes as they arrive; a compressed body would escape it.
        default_headers["Accept-Encoding"] = "identity"
        self._http = httpx.AsyncClient(
            base_url=url,
            transport=transport,
            verify=ssl_context_for(url, ca_bundle) if transport is None else True,
            headers=default_headers,
            # Redirects could carry a body with a PIN to another host; the API never uses them.
            follow_redirects=False,
            # An environment proxy would read a plain-http body (the PIN) in clear; through
            # https it only sees a TLS tunnel. trust_env is only about proxies here: the
            # trusted CAs come from the SSL context above either way.
            trust_env=transport is None and url.scheme == "https",
        )

    def __repr__(self) -> str:
        state = "logged in" if self._token is not None else "logged out"
        return f"{type(self).__name__}({str(self._http.base_url)!r}, {state})"

    @property
    def base_url(self) -> str:
        return str(self._http.base_url)

    @property
    def logged_in(self) -> bool:
        return self._token is not None

    async def aclose(self) -> None:
        # Nobody will read the answer of a login still on its way (the app is leaving, its
        # terminal gone): abandon it, so the session it may open is ended.
        for attempt in list(self._logins):
            self._abandon(attempt)
        if self._abandoning:
            await asyncio.wait(self._abandoning, timeout=ABANDON_WAIT_S)
        await self._http.aclose()

    @classmethod
    def from_settings(cls, settings: ServerSettings, **kwargs: Any) -> Self:
        return cls(
            settings.url,
            ca_bundle=settings.ca_bundle,
            allow_insecure_http=settings.allow_insecure_http,
            **kwargs,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    @staticmethod
    def new_idempotency_key() -> str:
        """A fresh key for one user action (see :func:`new_idempotency_key`)."""
        return new_idempotency_key()

    async def _start_session(self, path: str, body: Any, model: type[SessionT]) -> SessionT:
        """Log in; the client keeps the token and sends it on every later call.

        A login is never sent twice, but its answer can be lost (the deadline, a dropped
        connection, the caller cancelled) after the server opened the session: nobody could
        log that session out. So each login names its attempt, and when no clear refusal
        came back the client abandons the attempt (``DELETE {path}/attempt``), which ends
        that session, or keeps the login from opening one if it has not yet (see
        docs/decisions.md).
        """
        attempt = secrets.token_urlsafe(24)
        trace = _CallTrace(uuid.uuid4().hex[:16])
        self._logins[attempt] = path
        try:
            response = await self._call(
                "POST",
                path,
                kind="login",
                json=body,
                headers={LOGIN_ATTEMPT_HEADER: attempt},
                trace=trace,
            )
            result = _parse(model, response)
        except errors.ApiError as error:
            if trace.may_have_reached and not _refused(error):
                self._abandon(attempt)
            raise
        except asyncio.CancelledError:
            if trace.may_have_reached:
                self._abandon(attempt)
            raise
        finally:
            self._logins.pop(attempt, None)
        self._token = _secret(result.token)
        self.session_expires_at = result.expires_at
        return result

    def _abandon(self, attempt: str) -> None:
        path = self._logins.pop(attempt, None)
        if path is None:
            return  # abandoned already (the client was closed while it was on its way)
        task = asyncio.get_running_loop().create_task(self._send_abandon(path, attempt))
        self._abandoning.add(task)
        task.add_done_callback(self._abandoning.discard)

    async def _send_abandon(self, path: str, attempt: str) -> None:
        try:
            await self._call(
                "DELETE",
                f"{path}/attempt",
                replay="safe",
                headers={LOGIN_ATTEMPT_HEADER: attempt},
                deadline=ABANDON_DEADLINE_S,
            )
        except errors.ApiError as exc:
            # The server's idle timeout still ends the session; nothing more can be done.
            log.info("login attempt not abandoned on the server: %s", type(exc).__name__)
        else:
            log.info("login answer lost: attempt abandoned on the server")

    async def _end_session(self, path: str) -> None:
        """Log out; an already dead session counts as logged out."""
        if self._token is None:
            return
        try:
            await self._call("DELETE", path, replay="safe")
        except (errors.Unauthenticated, errors.SessionExpired):
            pass
        finally:
            self._forget_session()

    def _auth_headers(self) -> dict[str, str]:
        if self._token is None:
            return {}
        return {"Authorization": f"Bearer {self._token.get_secret_value()}"}

    def _forget_session(self) -> None:
        self._token = None
        self.session_expires_at = None

    async def _call(
        self,
        method: str,
        path: str,
        *,
        kind: CallKind = "quick",
        replay: _Replay = "never",
        json: Any = None,
        params: Mapping[str, str] | None = None,
        content: _ChunkedBody | None = None,
        headers: Mapping[str, str] | None = None,
        deadline: float | None = None,
        trace: _CallTrace | None = None,
    ) -> httpx.Response:
        """Send one logical request, retrying where safe; a 2xx response or an ``ApiError``.

        The whole call, retries and pauses included, ends by its deadline (the kind's,
        unless ``deadline`` is given) with ``RequestTimeout``; the caller's headers (an
        ``Idempotency-Key``) are the same on every attempt, so the user's retry after that
        error can send the same key again.
        """
        seconds = self._deadlines.for_kind(kind) if deadline is None else deadline
        # Our own request id, so a lost answer can still be traced in the server's log.
        call = trace if trace is not None else _CallTrace(uuid.uuid4().hex[:16])
        request = _Request(method, path, kind, replay, json, params, content, headers or {})
        try:
            async with asyncio.timeout(seconds) as scope:
                return await self._attempts(request, call, scope)
        except TimeoutError:
            if not scope.expired():
                raise
            log.debug("%s %s -> deadline of %g s %s", method, path, seconds, call.request_id)
            raise _deadline_error(kind, seconds, call.request_id) from None

    async def _attempts(
        self, request: _Request, call: _CallTrace, scope: asyncio.Timeout
    ) -> httpx.Response:
        method, path, kind = request.method, request.path, request.kind
        timeout = self._timeouts.for_kind(kind)
        attempt = 0
        while True:
            attempt += 1
            last = attempt >= self._retry.max_attempts
            request_id = call.request_id = f"{call.call_id}-{attempt}"
            sent_token = self._token
            request_headers = {
                **self._auth_headers(),
                **({"Accept-Language": self.language} if self.language else {}),
                **request.headers,
                "X-Request-ID": request_id,
            }
            started = time.perf_counter()
            call.in_flight = True
            try:
                streamed = await self._http.send(
                    self._http.build_request(
                        method,
                        path,
                        json=request.json,
                        params=request.params,
                        content=request.content,
                        headers=request_headers,
                        timeout=timeout,
                    ),
                    stream=True,
                )
                try:
                    response = await _read_capped(
                        streamed, self._max_response_bytes, kind, request_id
                    )
                finally:
                    await streamed.aclose()
            except httpx.TransportError as exc:
                # Rounded before logging: a raw float's digits could spell anything, a PIN included.
                elapsed = round((time.perf_counter() - started) * 1000, 1)
                log.debug(
                    "%s %s -> %s %s %.1f ms", method, path, type(exc).__name__, request_id, elapsed
                )
                never_sent = isinstance(
                    exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout
                )
                call.in_flight = False
                # A proxy that refused the tunnel never passed the request on either.
                unsent = never_sent or isinstance(exc, httpx.ProxyError)
                call.reached = call.reached or not unsent
                failure = _transport_error(exc, kind, request_id)
                if last or not (never_sent or request.replay == "safe"):
                    raise failure from exc
                await self._pause(method, path, attempt, None, failure, scope)
                continue

            call.in_flight, call.reached = False, True
            elapsed = round((time.perf_counter() - started) * 1000, 1)
            request_id = call.request_id = _request_id(response) or request_id
            log.debug(
                "%s %s -> %d %s %.1f ms", method, path, response.status_code, request_id, elapsed
            )
            self._note_session(response)
            if response.is_success:
                if response.headers.get("Idempotent-Replayed", "").lower() == "true":
                    log.debug("%s %s: replayed the stored answer (%s)", method, path, request_id)
                return response

            error = _error_for(response, request_id)
            # Only the session this request used is dead; a newer login may have replaced it.
            if (
                isinstance(error, errors.SessionExpired | errors.Unauthenticated)
                and sent_token is not None
                and self._token is sent_token
            ):
                self._forget_session()
            retryable = (
                request.replay == "safe"
                and response.status_code in _RETRYABLE_STATUSES
                and not isinstance(error, errors.Maintenance)
                and (error.retry_after is None or error.retry_after <= self._retry.retry_after_cap)
            )
            if last or not retryable:
                raise error
            await self._pause(method, path, attempt, error.retry_after, error, scope)

    async def _pause(
        self,
        method: str,
        path: str,
        attempt: int,
        retry_after: float | None,
        failure: errors.ApiError,
        scope: asyncio.Timeout,
    ) -> None:
        delay = (
            retry_after if retry_after is not None else self._retry.backoff(attempt, self._rand())
        )
        ends_at = scope.when()
        if ends_at is not None and asyncio.get_running_loop().time() + delay >= ends_at:
            # Waiting would only end in the deadline; the real reason is more useful.
            raise failure
        log.debug("%s %s: retry %d in %.2f s", method, path, attempt, round(delay, 2))
        await self._sleep(delay)

    def _note_session(self, response: httpx.Response) -> None:
        raw = response.headers.get(_SESSION_HEADER)
        if raw is None:
            return
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            return
        if value.tzinfo is not None:
            self.session_expires_at = value

    async def _get(self, model: type[M], path: str, params: Mapping[str, str] | None = None) -> M:
        response = await self._call("GET", path, replay="safe", params=params)
        return _parse(model, response)


def _query(**values: object) -> dict[str, str]:
    query: dict[str, str] = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, datetime | date):
            query[name] = value.isoformat()
        else:
            query[name] = str(value)
    return query


# --- the member client ---------------------------------------------------------------------


class Client(BaseClient):
    """The member site API (and the public endpoints)."""

    # public

    async def status(self) -> Status:
        """Server time and maintenance, now and next (answers even during maintenance)."""
        return await self._get(Status, "/v1/status")

    async def banks(self) -> list[Bank]:
        response = await self._call("GET", "/v1/banks", replay="safe")
        return _parse_list(Bank, response)

    async def simulate_repayment(
        self,
        amount: int,
        annual_rate: Decimal,
        *,
        monthly_payment: int | None = None,
        payments: int | None = None,
    ) -> Simulation:
        """Either ``monthly_payment`` (how long) or ``payments`` (how much each time)."""
        fields: dict[str, Any] = {"amount": amount, "annual_rate": annual_rate}
        if monthly_payment is not None:
            fields["monthly_payment"] = monthly_payment
        if payments is not None:
            fields["payments"] = payments
        body = _build(SimulationRequest, **fields)
        response = await self._call("POST", "/v1/simulations/repayment", json=body)
        return _parse(Simulation, response)

    # session

    async def login(self, member_number: str, pin: SecretStr | str) -> LoginResult:
        """Open a session; the client keeps the token and sends it on every later call."""
        body = _build(LoginRequest, member_number=member_number, pin=_secret(pin))
        return await self._start_session("/v1/sessions", body, LoginResult)

    async def logout(self) -> None:
        """End the session; an already dead session counts as logged out."""
        await self._end_session("/v1/sessions/current")

    # account

    async def account(self) -> Account:
        return await self._get(Account, "/v1/me/account")

    async def borrow(self, amount: int, *, idempotency_key: str) -> Borrowing:
        """Borrow by transfer to the registered account.

        Create the key once per user action with :meth:`new_idempotency_key` and pass the
        same key again if the user retries after a timeout: the server then replays the
        first answer instead of lending twice.
        """
        body = _build(BorrowRequest, amount=amount)
        response = await self._call(
            "POST",
            "/v1/me/borrowings",
            kind="money",
            replay="safe",
            json=body,
            headers={"Idempotency-Key": _check_idempotency_key(idempotency_key)},
        )
        return _parse(Borrowing, response)

    async def quote_repayment(self, amount: int, bank_code: str) -> RepaymentQuote:
        body = _build(RepaymentRequest, amount=amount, bank_code=bank_code)
        response = await self._call("POST", "/v1/me/repayments/quote", json=body)
        return _parse(RepaymentQuote, response)

    async def repay(self, amount: int, bank_code: str, *, idempotency_key: str) -> Repayment:
        """Repay by internet banking; the key works as for :meth:`borrow`."""
        body = _build(RepaymentRequest, amount=amount, bank_code=bank_code)
        response = await self._call(
            "POST",
            "/v1/me/repayments",
            kind="money",
            replay="safe",
            json=body,
            headers={"Idempotency-Key": _check_idempotency_key(idempotency_key)},
        )
        return _parse(Repayment, response)

    # statements

    async def statements(
        self,
        *,
        kind: StatementKind | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Page[Statement]:
        params = _query(kind=kind, cursor=cursor, limit=limit, to=date_to, **{"from": date_from})
        return await self._get(Page[Statement], "/v1/me/statements", params)

    async def statement(self, statement_id: str) -> Statement:
        return await self._get(Statement, f"/v1/me/statements/{_segment(statement_id)}")

    async def electronic_delivery(self) -> ElectronicDelivery:
        return await self._get(ElectronicDelivery, "/v1/me/electronic-delivery")

    async def set_electronic_delivery(self, consent: bool) -> ElectronicDelivery:
        body = _build(ElectronicDeliveryUpdate, consent=consent)
        response = await self._call("PUT", "/v1/me/electronic-delivery", json=body)
        return _parse(ElectronicDelivery, response)

    # registered information

    async def profile(self) -> Profile:
        return await self._get(Profile, "/v1/me/profile")

    async def update_profile(
        self, changes: ProfileUpdate, *, current_pin: SecretStr | str | None = None
    ) -> Profile:
        """Change the fields set in ``changes``; contact changes need ``current_pin``."""
        if current_pin is not None:
            changes = changes.model_copy(update={"current_pin": _secret(current_pin)})
            # model_copy does not mark the field as set; the body must carry it.
            changes.model_fields_set.add("current_pin")
        response = await self._call("PATCH", "/v1/me/profile", json=_body(changes))
        return _parse(Profile, response)

    # e-mail service

    async def notification_settings(self) -> NotificationSettings:
        return await self._get(NotificationSettings, "/v1/me/notification-settings")

    async def update_notification_settings(
        self, settings: NotificationSettings
    ) -> NotificationSettings:
        body = _plain(dict(settings))
        response = await self._call("PUT", "/v1/me/notification-settings", json=body)
        return _parse(NotificationSettings, response)

    async def notices(self, *, cursor: str | None = None, limit: int | None = None) -> NoticePage:
        """The member's notices, newest first, with the unread count."""
        return await self._get(NoticePage, "/v1/me/notices", _query(cursor=cursor, limit=limit))

    async def mark_notice_read(self, notice_id: str) -> Notice:
        response = await self._call("POST", f"/v1/me/notices/{_segment(notice_id)}/read")
        return _parse(Notice, response)

    # documents

    async def upload_document(
        self,
        kind: DocumentKind,
        filename: str,
        data: bytes,
        *,
        progress: Progress | None = None,
    ) -> Document:
        """Upload an income certificate; ``progress(sent, total)`` follows the bytes sent."""
        if len(data) > MAX_DOCUMENT_BYTES:
            # Refused here so nobody waits for 50 MB to upload only to be told no.
            raise errors.DocumentTooLarge(
                f"the file is {len(data)} bytes; the limit is {MAX_DOCUMENT_BYTES} bytes",
                details={"size": len(data), "max_size": MAX_DOCUMENT_BYTES},
            )
        prepared = self._http.build_request(
            "POST",
            "/v1/me/documents",
            data={"kind": kind},
            files={"file": (filename, data, _guess_content_type(data))},
        )
        encoded = prepared.read()
        response = await self._call(
            "POST",
            "/v1/me/documents",
            kind="upload",
            content=_ChunkedBody(encoded, progress),
            headers={
                "Content-Type": prepared.headers["Content-Type"],
                "Content-Length": str(len(encoded)),
            },
        )
        return _parse(Document, response)

    async def documents(
        self, *, cursor: str | None = None, limit: int | None = None
    ) -> Page[Document]:
        params = _query(cursor=cursor, limit=limit)
        return await self._get(Page[Document], "/v1/me/documents", params)

    # credit limit increase

    async def apply_limit_increase(self, requested_limit: int) -> LimitIncreaseApplication:
        body = _build(LimitIncreaseRequest, requested_limit=requested_limit)
        response = await self._call("POST", "/v1/me/limit-increase-applications", json=body)
        return _parse(LimitIncreaseApplication, response)

    async def limit_increase_applications(
        self, *, cursor: str | None = None, limit: int | None = None
    ) -> Page[LimitIncreaseApplication]:
        params = _query(cursor=cursor, limit=limit)
        return await self._get(
            Page[LimitIncreaseApplication], "/v1/me/limit-increase-applications", params
        )

    # PIN

    async def change_pin(self, current_pin: SecretStr | str, new_pin: SecretStr | str) -> None:
        """Change the PIN; a weak new PIN raises ``WeakPin`` with the reason."""
        body = _build(PinChangeRequest, current_pin=_secret(current_pin), new_pin=_secret(new_pin))
        await self._call("PUT", "/v1/me/pin", json=body)


def _segment(value: str) -> str:
    # An id with "/" or ".." must not walk to another endpoint.
    if not value or "/" in value or value in (".", ".."):
        raise ValueError(f"not a valid id: {value!r}")
    return value


# --- the staff client ----------------------------------------------------------------------


class StaffClient(BaseClient):
    """Support staff endpoints (SPEC 2.17); a member token cannot use them, nor vice versa."""

    async def login(self, staff_id: str, password: SecretStr | str) -> StaffLoginResult:
        body = _build(StaffLoginRequest, staff_id=staff_id, password=_secret(password))
        return await self._start_session("/v1/staff/sessions", body, StaffLoginResult)

    async def logout(self) -> None:
        await self._end_session("/v1/staff/sessions/current")

    async def member(self, member_number: str) -> MemberSummary:
        return await self._get(MemberSummary, f"/v1/staff/members/{_segment(member_number)}")

    async def unlock(
        self, member_number: str, *, reason: str, identity_document: IdentityDocument
    ) -> MemberSummary:
        body = _build(UnlockRequest, reason=reason, identity_document=identity_document)
        return await self._post_member(member_number, "unlock", body, MemberSummary)

    async def reset_pin(
        self, member_number: str, *, reason: str, identity_document: IdentityDocument
    ) -> OneTimePin:
        body = _build(PinResetRequest, reason=reason, identity_document=identity_document)
        return await self._post_member(member_number, "pin-reset", body, OneTimePin)

    async def suspend(
        self, member_number: str, *, reason_code: SuspensionReason, reason: str
    ) -> MemberSummary:
        body = _build(SuspendRequest, reason=reason, reason_code=reason_code)
        return await self._post_member(member_number, "suspend", body, MemberSummary)

    async def reinstate(self, member_number: str, *, reason: str) -> MemberSummary:
        body = _build(StaffReason, reason=reason)
        return await self._post_member(member_number, "reinstate", body, MemberSummary)

    async def mark_card_lost(self, member_number: str, *, reason: str) -> MemberSummary:
        body = _build(StaffReason, reason=reason)
        return await self._post_member(member_number, "card-lost", body, MemberSummary)

    async def reissue_card(
        self, member_number: str, *, reason: str, identity_document: IdentityDocument
    ) -> MemberSummary:
        body = _build(CardReissueRequest, reason=reason, identity_document=identity_document)
        return await self._post_member(member_number, "card-reissued", body, MemberSummary)

    async def audit_log(
        self,
        *,
        member_number: str | None = None,
        staff_id: str | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Page[AuditEntry]:
        """Newest first; filter by member and/or by the staff member who acted."""
        params = _query(member_number=member_number, staff_id=staff_id, cursor=cursor, limit=limit)
        return await self._get(Page[AuditEntry], "/v1/staff/audit", params)

    async def _post_member(self, member_number: str, action: str, body: Any, tp: type[M]) -> M:
        path = f"/v1/staff/members/{_segment(member_number)}/{action}"
        response = await self._call("POST", path, json=body)
        return _parse(tp, response)


# --- the admin client (mock control) -------------------------------------------------------


class AdminClient(BaseClient):
    """The mock server's control API (clock, maintenance, roster), with ``X-Admin-Token``."""

    def __init__(self, base_url: str, admin_token: SecretStr | str, **kwargs: Any) -> None:
        super().__init__(base_url, **kwargs)
        self._admin_token = _secret(admin_token)

    def __repr__(self) -> str:
        return f"AdminClient({self.base_url!r})"

    def _auth_headers(self) -> dict[str, str]:
        return {"X-Admin-Token": self._admin_token.get_secret_value()}

    async def clock(self) -> ClockState:
        return await self._get(ClockState, "/v1/admin/clock")

    async def set_clock(self, now: datetime, *, frozen: bool | None = None) -> ClockState:
        fields: dict[str, Any] = {"now": now}
        if frozen is not None:
            fields["frozen"] = frozen
        return await self._send(ClockState, "PUT", "/v1/admin/clock", _build(ClockSet, **fields))

    async def advance_clock(self, by: timedelta | int) -> ClockState:
        """Move the server clock forward (``by`` in seconds or as a timedelta)."""
        seconds = int(by.total_seconds()) if isinstance(by, timedelta) else by
        body = _build(ClockAdvance, seconds=seconds)
        return await self._send(ClockState, "POST", "/v1/admin/clock/advance", body)

    async def freeze_clock(self, frozen: bool = True) -> ClockState:
        body = _build(ClockFreeze, frozen=frozen)
        return await self._send(ClockState, "PUT", "/v1/admin/clock/freeze", body)

    async def maintenance(self, on: bool, *, ends_at: datetime | None = None) -> Status:
        """Switch ad-hoc maintenance on (until ``ends_at``, or until switched off) or off."""
        fields: dict[str, Any] = {"on": on}
        if ends_at is not None:
            fields["ends_at"] = ends_at
        body = _build(MaintenanceSwitch, **fields)
        return await self._send(Status, "PUT", "/v1/admin/maintenance", body)

    async def member_account(self, member_number: str) -> Account:
        """A member's account as the member would see it now, without their PIN."""
        return await self._get(Account, f"/v1/admin/members/{_segment(member_number)}/account")

    async def reset(self) -> None:
        """Restore every account, session and counter to the demo roster."""
        await self._call("POST", "/v1/admin/reset")

    async def unlock_staff(self, staff_id: str) -> None:
        """Clear a staff ID's lock after wrong passwords (``NotFound`` if never seen)."""
        await self._call("POST", f"/v1/admin/staff/{_segment(staff_id)}/unlock")

    async def faults(self) -> FaultSettings:
        return await self._get(FaultSettings, "/v1/admin/faults")

    async def set_faults(self, faults: FaultSettings, *, seed: int | None = None) -> FaultSettings:
        """Replace every fault setting (``FaultSettings()`` switches them all off).

        ``seed`` makes the choice of failing requests repeatable.
        """
        # A PUT replaces all of them: send the defaults too, not only the fields given.
        body = _plain(dict(faults))
        if seed is not None:
            body["seed"] = seed
        response = await self._call("PUT", "/v1/admin/faults", json=body)
        return _parse(FaultSettings, response)

    async def mail(
        self,
        *,
        member_number: str | None = None,
        kind: NoticeKind | None = None,
        cursor: str | None = None,
        limit: int | None = None,
    ) -> Page[MailItem]:
        """Every message the mock has sent, newest first."""
        params = _query(member_number=member_number, kind=kind, cursor=cursor, limit=limit)
        return await self._get(Page[MailItem], "/v1/admin/mail", params)

    async def _send(self, model: type[M], method: str, path: str, body: Any) -> M:
        response = await self._call(method, path, json=body)
        return _parse(model, response)
