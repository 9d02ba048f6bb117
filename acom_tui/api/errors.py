"""Exceptions raised by the API client, mapped from the server's error code.

Every exception carries ``code``, ``message``, ``details``, ``request_id`` and ``status``
so that one place in the UI can turn any of them into a user message. Known codes get
their own class; an unknown code falls back to the family of its HTTP status, so a newer
server never crashes an older client.

This module imports nothing heavy (no httpx, no pydantic): the UI can import it at
start-up to build its error-to-message table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

__all__ = [
    "AccessDenied",
    "AccountLocked",
    "AccountSuspended",
    "ApiError",
    "AuthenticationError",
    "BankNotSupported",
    "CardLost",
    "Conflict",
    "ConnectionFailed",
    "DocumentInvalid",
    "DocumentTooLarge",
    "FieldError",
    "Forbidden",
    "IdempotencyInProgress",
    "IdempotencyKeyMissing",
    "IdempotencyKeyReused",
    "IncomeCertificateRequired",
    "InsecureURLError",
    "InvalidCredentials",
    "InvalidRequest",
    "LimitExceeded",
    "Maintenance",
    "NotFound",
    "Overdue",
    "Overpayment",
    "PinChangeRequired",
    "RateLimited",
    "Refused",
    "RequestTimeout",
    "ResponseTooLarge",
    "ServerError",
    "ServiceUnavailable",
    "SessionExpired",
    "StaffLocked",
    "TotalLendingLimit",
    "TransportError",
    "Unauthenticated",
    "UnexpectedResponse",
    "ValidationFailed",
    "WeakPin",
    "error_from_response",
]


class InsecureURLError(ValueError):
    """The server URL would send the PIN in clear text over a network."""


class ApiError(Exception):
    """Base of every error the client raises for a call that did not succeed."""

    default_code: ClassVar[str] = "API_ERROR"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: Mapping[str, Any] | None = None,
        request_id: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details: dict[str, Any] = dict(details or {})
        self.request_id = request_id
        self.status = status
        # Seconds the server asked us to wait (Retry-After), when it said so.
        self.retry_after = retry_after

    def __str__(self) -> str:
        suffix = f" (request {self.request_id})" if self.request_id else ""
        return f"[{self.code}] {self.message}{suffix}"

    def __repr__(self) -> str:
        # details are left out on purpose: they are server-controlled free text.
        return (
            f"{type(self).__name__}(code={self.code!r}, status={self.status!r}, "
            f"message={self.message!r}, request_id={self.request_id!r})"
        )


# --- no usable response -------------------------------------------------------------


class TransportError(ApiError):
    """No HTTP response came back (network down, DNS, TLS, timeout)."""

    default_code = "TRANSPORT_ERROR"


class ConnectionFailed(TransportError):
    default_code = "CONNECTION_FAILED"


class RequestTimeout(TransportError):
    """The server did not answer in time; for a money movement it may have committed."""

    default_code = "TIMEOUT"


class UnexpectedResponse(ApiError):
    """A response that is not our JSON envelope: a proxy's HTML page, a cut-off body."""

    default_code = "UNEXPECTED_RESPONSE"

    def __init__(self, message: str, *, content_type: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.content_type = content_type


class ResponseTooLarge(UnexpectedResponse):
    """The answer passed the client's size cap (``details["max_bytes"]``); the rest was not read.

    For a money movement the request may still have been processed: retry with the same key.
    """

    default_code = "RESPONSE_TOO_LARGE"


# --- 400 / 422: the request itself was wrong ------------------------------------------


class InvalidRequest(ApiError):
    default_code = "INVALID_REQUEST"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One failing field of a ``VALIDATION_ERROR`` (``field`` is a dotted path)."""

    field: str
    message: str


class ValidationFailed(InvalidRequest):
    """``VALIDATION_ERROR``: ``field`` names the first failing field, ``errors`` all of them."""

    default_code = "VALIDATION_ERROR"

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        raw_errors = self.details.get("errors")
        errors: list[FieldError] = []
        if isinstance(raw_errors, list):
            for item in raw_errors:
                if isinstance(item, Mapping):
                    errors.append(
                        FieldError(str(item.get("field", "")), str(item.get("message", "")))
                    )
        self.errors = errors
        field = self.details.get("field")
        if isinstance(field, str) and field:
            self.field: str | None = field
        else:
            self.field = errors[0].field if errors else None

    def __str__(self) -> str:
        base = super().__str__()
        return f"{base} [field: {self.field}]" if self.field else base


class IdempotencyKeyMissing(InvalidRequest):
    default_code = "IDEMPOTENCY_KEY_MISSING"


class IdempotencyKeyReused(InvalidRequest):
    """The key was already used for a different body: a programming error, not a retry."""

    default_code = "IDEMPOTENCY_KEY_REUSED"


class WeakPin(InvalidRequest):
    default_code = "WEAK_PIN"

    @property
    def reason(self) -> str | None:
        reason = self.details.get("reason")
        return reason if isinstance(reason, str) else None


class DocumentInvalid(InvalidRequest):
    default_code = "DOCUMENT_INVALID"


class DocumentTooLarge(InvalidRequest):
    default_code = "DOCUMENT_TOO_LARGE"


# --- 401: who are you ------------------------------------------------------------------


class AuthenticationError(ApiError):
    default_code = "UNAUTHENTICATED"


class InvalidCredentials(AuthenticationError):
    """Wrong member number or PIN; the server does not say which."""

    default_code = "INVALID_CREDENTIALS"

    @property
    def remaining_attempts(self) -> int | None:
        value = self.details.get("remaining_attempts")
        # bool is an int subclass; a True here would be a server bug, not "1 attempt".
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return None


class Unauthenticated(AuthenticationError):
    default_code = "UNAUTHENTICATED"


class SessionExpired(AuthenticationError):
    default_code = "SESSION_EXPIRED"


# --- 403 / 423: known, but not allowed -------------------------------------------------


class AccessDenied(ApiError):
    default_code = "FORBIDDEN"


class Forbidden(AccessDenied):
    default_code = "FORBIDDEN"


class AccountLocked(AccessDenied):
    default_code = "ACCOUNT_LOCKED"


class AccountSuspended(AccessDenied):
    default_code = "ACCOUNT_SUSPENDED"

    @property
    def reason(self) -> str | None:
        """Suspension reason of SPEC 2.4, e.g. ``DELINQUENCY``."""
        reason = self.details.get("reason")
        return reason if isinstance(reason, str) else None


class CardLost(AccessDenied):
    default_code = "CARD_LOST"


class PinChangeRequired(AccessDenied):
    """The session was opened with a one-time PIN: only the PIN change works until it is done."""

    default_code = "PIN_CHANGE_REQUIRED"


class StaffLocked(AccessDenied):
    """A staff ID locked after 5 wrong passwords; an administrator unlocks it."""

    default_code = "STAFF_LOCKED"


# --- 404 / 409 -------------------------------------------------------------------------


class NotFound(ApiError):
    default_code = "NOT_FOUND"


class Conflict(ApiError):
    default_code = "CONFLICT"


class IdempotencyInProgress(Conflict):
    """The first request with this key is still running; retry later with the same key."""

    default_code = "IDEMPOTENCY_IN_PROGRESS"


# --- business refusals of a money movement or application ------------------------------


class Refused(ApiError):
    """The request was well formed but a business rule of SPEC 2.5-2.7 refused it."""

    default_code = "REFUSED"


class LimitExceeded(Refused):
    default_code = "LIMIT_EXCEEDED"


class TotalLendingLimit(Refused):
    """総量規制: the total of all lenders' balances would exceed a third of the income."""

    default_code = "TOTAL_LENDING_LIMIT"


class IncomeCertificateRequired(Refused):
    default_code = "INCOME_CERTIFICATE_REQUIRED"


class Overdue(Refused):
    default_code = "OVERDUE"


class BankNotSupported(Refused):
    default_code = "BANK_NOT_SUPPORTED"


class Overpayment(Refused):
    default_code = "OVERPAYMENT"


# --- 429 -------------------------------------------------------------------------------


class RateLimited(ApiError):
    default_code = "RATE_LIMITED"


# --- 5xx -------------------------------------------------------------------------------


class ServerError(ApiError):
    default_code = "SERVER_ERROR"


class ServiceUnavailable(ServerError):
    default_code = "SERVICE_UNAVAILABLE"


class Maintenance(ServiceUnavailable):
    """Scheduled or ad-hoc maintenance; ``ends_at`` drives the UI's countdown."""

    default_code = "MAINTENANCE"

    @property
    def ends_at(self) -> datetime | None:
        raw = self.details.get("ends_at")
        if not isinstance(raw, str):
            return None
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            return None
        # A naive time cannot be placed on the countdown without guessing its zone.
        return value if value.tzinfo is not None else None


_BY_CODE: dict[str, type[ApiError]] = {
    cls.default_code: cls
    for cls in (
        ValidationFailed,
        IdempotencyKeyMissing,
        IdempotencyKeyReused,
        WeakPin,
        DocumentInvalid,
        DocumentTooLarge,
        InvalidCredentials,
        Unauthenticated,
        SessionExpired,
        Forbidden,
        AccountLocked,
        AccountSuspended,
        CardLost,
        PinChangeRequired,
        StaffLocked,
        NotFound,
        IdempotencyInProgress,
        LimitExceeded,
        TotalLendingLimit,
        IncomeCertificateRequired,
        Overdue,
        BankNotSupported,
        Overpayment,
        RateLimited,
        Maintenance,
    )
}


def _family_for_status(status: int) -> type[ApiError]:
    if status in (400, 413, 415, 422):
        return InvalidRequest
    if status == 401:
        return AuthenticationError
    if status in (403, 423):
        return AccessDenied
    if status == 404:
        return NotFound
    if status == 409:
        return Conflict
    if status == 429:
        return RateLimited
    if status == 503:
        return ServiceUnavailable
    if status >= 500:
        return ServerError
    return ApiError


def error_from_response(
    *,
    status: int,
    code: str,
    message: str,
    details: Mapping[str, Any] | None,
    request_id: str | None,
    retry_after: float | None,
) -> ApiError:
    """Build the exception for a parsed error envelope.

    The code decides the class; an unknown code gets the family of its status.
    """
    cls = _BY_CODE.get(code) or _family_for_status(status)
    return cls(
        message,
        code=code,
        details=details,
        request_id=request_id,
        status=status,
        retry_after=retry_after,
    )
