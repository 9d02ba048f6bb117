"""The one error type of the mock server, rendered as the envelope of SPEC section 3."""

from __future__ import annotations

from typing import Any

from acom_contract.schemas import ErrorEnvelope


class ApiError(Exception):
    """An error answer: HTTP status, stable code, human message, machine details."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


def validation_error(field: str, message: str, **details: Any) -> ApiError:
    return ApiError(
        422,
        "VALIDATION_ERROR",
        f"{field}: {message}",
        {"field": field, "errors": [{"field": field, "message": message}], **details},
    )


_DESCRIPTIONS = {
    400: "Bad request",
    401: "Not logged in, wrong PIN, or session expired",
    403: "Not allowed: suspended, card lost, or wrong role",
    404: "Not found",
    409: "Conflict: the same request is still being processed",
    413: "Too large",
    422: "Invalid input or a business rule refused it",
    423: "Account locked",
    429: "Too many requests",
    503: "Maintenance",
}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` for the error statuses a route can answer, all enveloped."""
    return {
        status: {"model": ErrorEnvelope, "description": _DESCRIPTIONS.get(status, "Error")}
        for status in statuses
    }
