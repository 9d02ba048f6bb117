"""The one place that turns API errors into what the user sees.

Every screen that calls the API hands its exceptions to the app, which asks this module
three questions: does the error end the session (:func:`ends_session`), does it deserve a
screen of its own (:func:`screen_for`), and what does it say (:func:`message_for`)? The
texts come from the catalogues (``error.<CODE>``); a code the catalogue does not know falls
back to its family, so a newer server never shows a raw code to a cardholder.

Imports stay light (the error classes need neither httpx nor pydantic): the login screen
imports this module before anything heavy is loaded. Screens are imported when built.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from acom_tui.api import errors
from acom_tui.formatting import format_datetime, format_duration_short, format_rate, format_yen
from acom_tui.i18n import catalogue, get_language, t

if TYPE_CHECKING:
    pass

__all__ = [
    "TransportProblem",
    "ends_session",
    "field_message",
    "format_when",
    "is_tls_failure",
    "maintenance_text",
    "message_for",
    "transport_problem",
    "wants_screen",
]

log = logging.getLogger("acom_tui.errors_ui")

TransportProblem = Literal["CONNECTION", "TLS", "TIMEOUT"]

# Errors after which the member must not stay logged in: the server has revoked the
# session (expiry, maintenance) or the account can no longer be used (staff action).
_SESSION_ENDERS = (
    errors.SessionExpired,
    errors.Unauthenticated,
    errors.AccountLocked,
    errors.AccountSuspended,
    errors.CardLost,
    errors.Maintenance,
)
# Errors whose explanation needs more room than a line under a form.
_SCREEN_ERRORS = (
    errors.PinChangeRequired,
    errors.AccountLocked,
    errors.AccountSuspended,
    errors.CardLost,
    errors.Maintenance,
    errors.RateLimited,
    errors.TransportError,
)
# A reference number helps the support desk find the request in the server's log; it is
# noise on a wrong PIN, so only failures the member cannot fix alone carry one.
_WITH_REFERENCE = (
    errors.ServerError,
    errors.UnexpectedResponse,
    errors.Conflict,
    errors.IdempotencyKeyMissing,
    errors.IdempotencyKeyReused,
)


def ends_session(error: BaseException) -> bool:
    return isinstance(error, _SESSION_ENDERS)


def wants_screen(error: BaseException, *, logged_in: bool) -> bool:
    """Whether the error gets its own screen rather than a line beside the form.

    While logged in, a lost connection or a busy server is a passing problem of one
    request: it is reported where the request was made and the member stays where they are.
    """
    passing = isinstance(error, errors.TransportError | errors.RateLimited)
    return isinstance(error, _SCREEN_ERRORS) and not (logged_in and passing)


def is_tls_failure(error: BaseException) -> bool:
    """Whether a connection failed on the certificate or TLS handshake."""
    import ssl

    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLError | ssl.CertificateError):
            return True
        text = str(current)
        if "CERTIFICATE_VERIFY_FAILED" in text or "SSL:" in text:
            return True
        current = current.__cause__ or current.__context__
    return False


def transport_problem(error: errors.TransportError) -> TransportProblem:
    if isinstance(error, errors.RequestTimeout):
        return "TIMEOUT"
    return "TLS" if is_tls_failure(error) else "CONNECTION"


def _known(key: str) -> bool:
    return key in catalogue(get_language())


def _field_label(field: str) -> str:
    # "address.postal_code" is labelled by its last part; unknown fields keep their name.
    name = field.rsplit(".", 1)[-1]
    return t(f"field.{name}") if _known(f"field.{name}") else field


def _validation_message(error: errors.ValidationFailed) -> str:
    field = error.field or "body"
    detail = next((e.message for e in error.errors if e.field == field), None)
    return t("error.VALIDATION_ERROR", field=_field_label(field), message=detail or error.message)


def format_when(moment: datetime | None) -> str:
    if moment is None:
        return t("maintenance.end_unknown")
    return format_datetime(moment, get_language())


def maintenance_text(ends_at: datetime | None) -> str:
    """The maintenance notice, with its planned end or saying there is none yet."""
    if ends_at is None:
        return t("maintenance.lead_no_end")
    return t("error.MAINTENANCE", ends_at=format_when(ends_at))


def _base_message(error: BaseException) -> str:
    if not isinstance(error, errors.ApiError):
        return t("error.UNEXPECTED")
    if isinstance(error, errors.PinChangeRequired):
        return t("settings.pin.required")
    if isinstance(error, errors.InvalidCredentials):
        remaining = error.remaining_attempts
        if remaining is None:
            return t("login.wrong_credentials")
        return t("error.INVALID_CREDENTIALS", remaining=remaining)
    if isinstance(error, errors.ValidationFailed):
        return _validation_message(error)
    if isinstance(error, errors.Maintenance):
        return maintenance_text(error.ends_at)
    if isinstance(error, errors.RateLimited):
        wait = int(error.retry_after) if error.retry_after is not None else 60
        return t("error.RATE_LIMITED", wait=format_duration_short(wait, get_language()))
    if isinstance(error, errors.TransportError):
        return t(f"error.{transport_problem(error)}")
    if isinstance(error, errors.UnexpectedResponse):
        return t("error.UNEXPECTED")
    if _known(f"error.{error.code}"):
        return t(f"error.{error.code}")
    if isinstance(error, errors.ServiceUnavailable):
        return t("error.SERVICE_UNAVAILABLE")
    if isinstance(error, errors.ServerError):
        return t("error.SERVER_ERROR")
    if isinstance(error, errors.AuthenticationError):
        return t("error.UNAUTHENTICATED")
    if isinstance(error, errors.AccessDenied):
        return t("error.FORBIDDEN")
    if isinstance(error, errors.NotFound):
        return t("error.NOT_FOUND")
    return t("error.UNEXPECTED")


def message_for(error: BaseException) -> str:
    """What to tell the member about ``error``, in the current language."""
    if not isinstance(error, errors.ApiError):
        # A bug of ours: the member gets a calm message, the log gets the details.
        log.error("unexpected error", exc_info=error)
    text = _base_message(error)
    if isinstance(error, _WITH_REFERENCE) and error.request_id:
        text += "\n" + t("error.request_id", request_id=error.request_id)
    return text


# --- limits beside a field (added with the repayment simulator) ----------------------------

# The simulator names the published limit it applied in ``details.limit`` and gives its
# figures beside it; a name ending ``_yen`` is an amount, ``_rate`` a rate in percent.


def _limit_param(name: str, value: object) -> str:
    lang = get_language()
    if name.endswith("_yen") and isinstance(value, int):
        return format_yen(value, lang)
    if name.endswith("_rate"):
        return format_rate(Decimal(str(value)), lang)
    return str(value)


def field_message(error: errors.ValidationFailed) -> str:
    """What is wrong with the failing field, for a line beside that field (no field name).

    A published limit (``details.limit``) is said in the member's language with its
    figures; anything else falls back to :func:`message_for`, which names the field and
    quotes the server.
    """
    limit = error.details.get("limit")
    key = f"simulator.limit.{limit}"
    if isinstance(limit, str) and _known(key):
        params = {
            name: _limit_param(name, value)
            for name, value in error.details.items()
            if name not in ("field", "errors", "limit")
        }
        return t(key, **params)
    return message_for(error)
