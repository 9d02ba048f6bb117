"""What the staff console and CLI say about an API error.

``acom_tui.errors_ui`` speaks to cardholders ("please visit a store"); a support agent
needs other words for the same codes (a wrong staff password, a member number that does
not exist, an action someone else already took). Those are decided here, from the
``staff.error.*`` texts; everything else (network, TLS, server errors, maintenance
times) is worded by ``errors_ui`` so that the two never drift apart.
"""

from __future__ import annotations

import math

from acom_tui import errors_ui
from acom_tui.api import errors
from acom_tui.i18n import catalogue, get_language, t

__all__ = ["ends_session", "message_for", "session_end_reason"]

# The staff session is over: the server said so, or maintenance revoked it at its start.
_SESSION_ENDERS = (errors.SessionExpired, errors.Unauthenticated, errors.Maintenance)


def ends_session(error: BaseException) -> bool:
    return isinstance(error, _SESSION_ENDERS)


def session_end_reason(error: BaseException) -> str:
    """What the login screen says after ``error`` ended the session."""
    if isinstance(error, errors.Maintenance):
        return t("staff.error.MAINTENANCE", ends_at=errors_ui.format_when(error.ends_at))
    if isinstance(error, errors.SessionExpired) and error.details.get("reason") == "idle_timeout":
        return t("staff.login.reason.idle")
    return t("staff.login.reason.expired")


def _field_label(field: str) -> str:
    key = f"staff.field.{field.rsplit('.', 1)[-1]}"
    return t(key) if key in catalogue(get_language()) else field


def _wait_minutes(error: errors.ApiError) -> int:
    """Minutes to wait, from Retry-After (or the body); a senseless figure reads as 1 hour."""
    seconds: float | None = error.retry_after
    if seconds is None:
        raw = error.details.get("retry_after_s")
        seconds = float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else None
    if seconds is None or not math.isfinite(seconds) or not 0 <= seconds <= 24 * 3600:
        seconds = 3600
    return max(1, math.ceil(seconds / 60))


def message_for(error: BaseException, *, action: str | None = None) -> str:
    """The text for ``error``; ``action`` (an ``ActionKind``) words a 409 precisely."""
    if isinstance(error, errors.InvalidCredentials):
        remaining = error.remaining_attempts
        if remaining is not None and remaining > 0:
            return t("staff.error.remaining", remaining=remaining)
        return t("staff.error.INVALID_CREDENTIALS")
    if isinstance(error, errors.StaffLocked):
        return t("staff.error.STAFF_LOCKED")
    if isinstance(error, errors.RateLimited):
        # Only a staff login is throttled on the staff API: say how long, and who can help.
        return t("staff.error.RATE_LIMITED", minutes=_wait_minutes(error))
    if isinstance(error, errors.NotFound):
        return t("staff.error.NOT_FOUND")
    if isinstance(error, errors.Conflict) and error.code == "CONFLICT":
        key = f"staff.conflict.{action}"
        return t(key) if action and key in catalogue(get_language()) else t("staff.error.CONFLICT")
    if isinstance(error, errors.Forbidden):
        return t("staff.error.FORBIDDEN")
    if isinstance(error, errors.SessionExpired | errors.Unauthenticated | errors.Maintenance):
        return session_end_reason(error)
    if isinstance(error, errors.ValidationFailed):
        field = error.field or "body"
        if field == "staff_id":
            return t("staff.error.staff_id_format")
        detail = next((e.message for e in error.errors if e.field == field), error.message)
        return t("staff.error.VALIDATION_ERROR", field=_field_label(field), message=detail)
    return errors_ui.message_for(error)
