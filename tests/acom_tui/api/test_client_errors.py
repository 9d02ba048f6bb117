"""The exception hierarchy: code first, then the family of the status."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from acom_tui.api import errors
from acom_tui.api.errors import error_from_response


def build(status: int, code: str, **details: Any) -> errors.ApiError:
    return error_from_response(
        status=status,
        code=code,
        message="text from the server",
        details=details,
        request_id="req-7",
        retry_after=None,
    )


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (422, "VALIDATION_ERROR", errors.ValidationFailed),
        (401, "INVALID_CREDENTIALS", errors.InvalidCredentials),
        (423, "ACCOUNT_LOCKED", errors.AccountLocked),
        (403, "ACCOUNT_SUSPENDED", errors.AccountSuspended),
        (403, "CARD_LOST", errors.CardLost),
        (503, "MAINTENANCE", errors.Maintenance),
        (429, "RATE_LIMITED", errors.RateLimited),
        (401, "UNAUTHENTICATED", errors.Unauthenticated),
        (401, "SESSION_EXPIRED", errors.SessionExpired),
        (403, "FORBIDDEN", errors.Forbidden),
        (404, "NOT_FOUND", errors.NotFound),
        (422, "LIMIT_EXCEEDED", errors.LimitExceeded),
        (422, "TOTAL_LENDING_LIMIT", errors.TotalLendingLimit),
        (422, "INCOME_CERTIFICATE_REQUIRED", errors.IncomeCertificateRequired),
        (422, "OVERDUE", errors.Overdue),
        (422, "BANK_NOT_SUPPORTED", errors.BankNotSupported),
        (422, "OVERPAYMENT", errors.Overpayment),
        (400, "IDEMPOTENCY_KEY_MISSING", errors.IdempotencyKeyMissing),
        (422, "IDEMPOTENCY_KEY_REUSED", errors.IdempotencyKeyReused),
        (409, "IDEMPOTENCY_IN_PROGRESS", errors.IdempotencyInProgress),
        (422, "WEAK_PIN", errors.WeakPin),
        (422, "DOCUMENT_INVALID", errors.DocumentInvalid),
        (413, "DOCUMENT_TOO_LARGE", errors.DocumentTooLarge),
    ],
)
def test_each_known_code_has_its_class(status: int, code: str, cls: type[errors.ApiError]) -> None:
    error = build(status, code)
    assert type(error) is cls
    assert error.code == code
    assert error.status == status
    assert error.request_id == "req-7"
    assert error.message == "text from the server"


@pytest.mark.parametrize(
    ("status", "family"),
    [
        (400, errors.InvalidRequest),
        (422, errors.InvalidRequest),
        (401, errors.AuthenticationError),
        (403, errors.AccessDenied),
        (423, errors.AccessDenied),
        (404, errors.NotFound),
        (409, errors.Conflict),
        (429, errors.RateLimited),
        (500, errors.ServerError),
        (503, errors.ServiceUnavailable),
        (418, errors.ApiError),
    ],
)
def test_an_unknown_code_falls_back_to_the_family_of_its_status(
    status: int, family: type[errors.ApiError]
) -> None:
    error = build(status, "SOMETHING_NEW")
    assert type(error) is family
    assert error.code == "SOMETHING_NEW"


def test_families_group_what_the_ui_handles_alike() -> None:
    assert issubclass(errors.AccountLocked, errors.AccessDenied)
    assert issubclass(errors.CardLost, errors.AccessDenied)
    assert issubclass(errors.SessionExpired, errors.AuthenticationError)
    assert issubclass(errors.TotalLendingLimit, errors.Refused)
    assert issubclass(errors.Maintenance, errors.ServerError)
    assert issubclass(errors.RequestTimeout, errors.TransportError)
    assert issubclass(errors.UnexpectedResponse, errors.ApiError)
    assert issubclass(errors.InsecureURLError, ValueError)
    assert not issubclass(errors.InsecureURLError, errors.ApiError)


def test_invalid_credentials_carries_the_remaining_attempts() -> None:
    error = build(401, "INVALID_CREDENTIALS", remaining_attempts=1)
    assert isinstance(error, errors.InvalidCredentials)
    assert error.remaining_attempts == 1
    assert errors.InvalidCredentials("x").remaining_attempts is None
    # A boolean is not a count, whatever Python thinks of it.
    assert (
        errors.InvalidCredentials("x", details={"remaining_attempts": True}).remaining_attempts
        is None
    )


def test_suspension_carries_the_reason() -> None:
    error = build(403, "ACCOUNT_SUSPENDED", reason="DELINQUENCY")
    assert isinstance(error, errors.AccountSuspended)
    assert error.reason == "DELINQUENCY"


def test_maintenance_end_is_an_aware_time_or_none() -> None:
    error = build(503, "MAINTENANCE", ends_at="2026-12-07T05:00:00+09:00")
    assert isinstance(error, errors.Maintenance)
    assert error.ends_at is not None
    assert error.ends_at.utcoffset() == timedelta(hours=9)
    assert (error.ends_at.hour, error.ends_at.day) == (5, 7)
    # Ad-hoc maintenance with no announced end, a naive time, garbage: no countdown.
    for value in (None, "2026-12-07T05:00:00", "soon"):
        other = build(503, "MAINTENANCE", ends_at=value)
        assert isinstance(other, errors.Maintenance)
        assert other.ends_at is None


def test_validation_error_names_the_field() -> None:
    error = build(
        422,
        "VALIDATION_ERROR",
        field="address.postal_code",
        errors=[
            {"field": "address.postal_code", "message": "must be NNN-NNNN"},
            {"field": "email", "message": "not an e-mail address"},
        ],
    )
    assert isinstance(error, errors.ValidationFailed)
    assert error.field == "address.postal_code"
    assert error.errors == [
        errors.FieldError("address.postal_code", "must be NNN-NNNN"),
        errors.FieldError("email", "not an e-mail address"),
    ]
    assert (
        str(error)
        == "[VALIDATION_ERROR] text from the server (request req-7) [field: address.postal_code]"
    )


def test_validation_error_without_a_field_uses_the_first_error() -> None:
    error = build(422, "VALIDATION_ERROR", errors=[{"field": "amount", "message": "too small"}])
    assert isinstance(error, errors.ValidationFailed)
    assert error.field == "amount"
    empty = build(422, "VALIDATION_ERROR", errors="not a list")
    assert isinstance(empty, errors.ValidationFailed)
    assert (empty.field, empty.errors) == (None, [])


def test_weak_pin_carries_the_reason() -> None:
    error = build(422, "WEAK_PIN", reason="ascending")
    assert isinstance(error, errors.WeakPin)
    assert error.reason == "ascending"


def test_str_and_repr_leave_details_out() -> None:
    error = build(401, "INVALID_CREDENTIALS", remaining_attempts=2, echo="do-not-show")
    assert str(error) == "[INVALID_CREDENTIALS] text from the server (request req-7)"
    assert repr(error) == (
        "InvalidCredentials(code='INVALID_CREDENTIALS', status=401, "
        "message='text from the server', request_id='req-7')"
    )
    assert "do-not-show" not in str(error) + repr(error)


def test_a_local_error_has_its_default_code() -> None:
    error = errors.ConnectionFailed("no route to host")
    assert error.code == "CONNECTION_FAILED"
    assert error.status is None
    assert error.details == {}
    assert str(error) == "[CONNECTION_FAILED] no route to host"
