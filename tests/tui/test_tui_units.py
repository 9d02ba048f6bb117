"""Plain functions of the TUI: idle phases, clock offset, wrapping, error texts, history."""

from __future__ import annotations

import ssl
from datetime import datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from tui_support import FIXED_NOW

from acom_contract.schemas import MaintenanceWindow, Statement
from acom_tui import errors_ui
from acom_tui.api import errors
from acom_tui.i18n import set_language
from acom_tui.screens.dashboard import balance_history, maintenance_warning
from acom_tui.screens.suspended import suspension_key
from acom_tui.session import ServerClock, idle_phase
from acom_tui.widgets.prose import wrap_text

WARNING = timedelta(seconds=60)


@pytest.mark.parametrize(
    ("seconds_left", "expected"),
    [
        (900.0, ("active", 900)),
        (61.0, ("active", 61)),
        (60.0, ("warning", 60)),
        (59.2, ("warning", 60)),  # rounded up: never claim less time than there is
        (0.4, ("warning", 1)),
        (0.0, ("expired", 0)),
        (-5.0, ("expired", 0)),
    ],
)
def test_idle_phase(seconds_left: float, expected: tuple[str, int]) -> None:
    expires = FIXED_NOW + timedelta(seconds=seconds_left)
    assert idle_phase(expires, FIXED_NOW, WARNING) == expected


def test_idle_phase_without_a_session_is_expired() -> None:
    assert idle_phase(None, FIXED_NOW, WARNING) == ("expired", 0)


def test_server_clock_follows_the_offset_it_observed() -> None:
    local = FIXED_NOW
    clock = ServerClock(lambda: local)
    assert clock.now() == FIXED_NOW
    # The terminal's clock is 3 minutes 20 seconds behind the server's.
    clock.observe(FIXED_NOW + timedelta(minutes=3, seconds=20))
    assert clock.offset == timedelta(seconds=200)
    assert clock.now() == datetime(2026, 12, 2, 10, 3, 20, tzinfo=FIXED_NOW.tzinfo)
    assert clock.local() == FIXED_NOW


# --- Japanese line breaking ----------------------------------------------------------------


def test_wrap_never_starts_a_line_with_closing_punctuation() -> None:
    # 10 cells: "あいうえお" fills a line; "。" may not start the next one.
    assert wrap_text("あいうえお。かきく", 10) == ["あいうえ", "お。かきく"]


def test_wrap_never_ends_a_line_with_an_opening_bracket() -> None:
    assert wrap_text("あいうえ（かき）", 10) == ["あいうえ", "（かき）"]


def test_wrap_keeps_ascii_runs_whole() -> None:
    assert wrap_text("電話 0120-000-000 へ", 12) == ["電話", "0120-000-000", "へ"]
    assert wrap_text("番号は0120-000-000です", 14) == ["番号は", "0120-000-000で", "す"]


def test_wrap_breaks_english_at_spaces_and_keeps_newlines() -> None:
    assert wrap_text("Log in to continue\n\nThanks", 9) == [
        "Log in to",
        "continue",
        "",
        "Thanks",
    ]


def test_wrap_splits_a_run_longer_than_the_line() -> None:
    assert wrap_text("abcdefghij", 4) == ["abcd", "efgh", "ij"]


def test_wrapped_lines_fit_their_width() -> None:
    text = "暗証番号を3回続けて間違えると、セキュリティのためログインできなくなります（ロック）。"
    for width in range(6, 40):
        for line in wrap_text(text, width):
            assert sum(2 if ord(c) > 0x2000 else 1 for c in line) <= width, (width, line)
        assert "".join(wrap_text(text, width)) == text


# --- error texts ---------------------------------------------------------------------------


def test_error_messages_in_both_languages() -> None:
    wrong = errors.InvalidCredentials("no", details={"remaining_attempts": 1})
    set_language("ja")
    assert "あと1回" in errors_ui.message_for(wrong)
    set_language("en")
    assert errors_ui.message_for(wrong).endswith(
        "Attempts left before login is locked for your security: 1."
    )


def test_maintenance_message_names_the_end_in_japan_time() -> None:
    set_language("ja")
    error = errors.Maintenance("m", details={"ends_at": "2026-12-06T20:00:00+00:00"})
    assert "2026年12月7日(月) 5:00に終了する予定です" in errors_ui.message_for(error)
    no_end = errors.Maintenance("m", details={"ends_at": None})
    assert errors_ui.message_for(no_end) == (
        "ただいまシステムメンテナンス中のため、ご利用いただけません。終了時刻は未定です。"
    )


def test_validation_error_names_the_field() -> None:
    set_language("ja")
    error = errors.ValidationFailed(
        "pin: bad",
        details={"field": "pin", "errors": [{"field": "pin", "message": "must be 4 digits"}]},
    )
    assert (
        errors_ui.message_for(error) == "入力内容をご確認ください（暗証番号: must be 4 digits）。"
    )


def test_unknown_codes_fall_back_to_their_family_with_a_reference() -> None:
    set_language("en")
    error = errors.ServerError("boom", code="DISK_FULL", request_id="abc-1", status=500)
    assert errors_ui.message_for(error) == (
        "Something went wrong on the server. Please try again later.\nReference number: abc-1"
    )
    assert errors_ui.message_for(ValueError("bug")) == errors_ui.message_for(
        errors.UnexpectedResponse("x")
    )


def test_tls_failure_is_told_apart_from_a_refused_connection() -> None:
    cert = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] self-signed")
    try:
        try:
            raise httpx.ConnectError("handshake failed") from cert
        except httpx.ConnectError as exc:
            raise errors.ConnectionFailed("could not connect") from exc
    except errors.ConnectionFailed as failed:
        assert errors_ui.transport_problem(failed) == "TLS"
    refused = errors.ConnectionFailed("could not connect")
    refused.__cause__ = httpx.ConnectError("[Errno 111] Connection refused")
    assert errors_ui.transport_problem(refused) == "CONNECTION"
    assert errors_ui.transport_problem(errors.RequestTimeout("slow")) == "TIMEOUT"


@pytest.mark.parametrize(
    ("error", "logged_in", "screen", "ends"),
    [
        (errors.AccountLocked("x"), False, True, True),
        (errors.InvalidCredentials("x"), False, False, False),
        (errors.RateLimited("x"), False, True, False),
        (errors.RateLimited("x"), True, False, False),
        (errors.ConnectionFailed("x"), False, True, False),
        (errors.ConnectionFailed("x"), True, False, False),
        (errors.SessionExpired("x"), True, False, True),
        (errors.Maintenance("x"), True, True, True),
        (errors.LimitExceeded("x"), True, False, False),
    ],
)
def test_which_errors_get_a_screen_or_end_the_session(
    error: errors.ApiError, logged_in: bool, screen: bool, ends: bool
) -> None:
    assert errors_ui.wants_screen(error, logged_in=logged_in) is screen
    assert errors_ui.ends_session(error) is ends


def test_suspension_reasons_have_their_own_guidance() -> None:
    assert suspension_key("DELINQUENCY") == "suspension.DELINQUENCY"
    assert suspension_key("SOMETHING_NEW") == "suspension.UNKNOWN"
    assert suspension_key(None) == "suspension.UNKNOWN"


# --- dashboard pieces ----------------------------------------------------------------------


def _statement(kind: str, day: int, balance: int | None) -> Statement:
    return Statement(
        id=f"s{day}",
        kind=kind,  # type: ignore[arg-type]
        occurred_at=FIXED_NOW.replace(day=day),
        amount=1000,
        balance_after=balance,
        interest_rate=Decimal("18.0"),
    )


def test_balance_history_is_oldest_first_and_skips_card_rows() -> None:
    rows = [
        _statement("repayment", 20, 90_000),
        _statement("card", 15, None),
        _statement("loan", 3, 100_000),
        _statement("loan", 25, 130_000),
    ]
    assert balance_history(rows) == [100_000, 90_000, 130_000]
    assert balance_history(rows, points=2) == [90_000, 130_000]


def test_maintenance_warning_starts_an_hour_before() -> None:
    set_language("en")
    window = MaintenanceWindow(
        kind="weekly",
        starts_at=FIXED_NOW + timedelta(minutes=45),
        ends_at=FIXED_NOW + timedelta(hours=4, minutes=45),
    )
    assert maintenance_warning(window, FIXED_NOW) == (
        "System maintenance from 10:45 JST to 14:45 JST (in 45 min). "
        "You will be logged out when it starts."
    )
    assert maintenance_warning(window, FIXED_NOW - timedelta(minutes=16)) is None
    assert maintenance_warning(window, FIXED_NOW + timedelta(minutes=45)) is None
    assert maintenance_warning(None, FIXED_NOW) is None
