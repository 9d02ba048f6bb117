"""The staff console's pure rules and wording, without an app or a server."""

from __future__ import annotations

import typing
from datetime import datetime

import pytest

from acom_contract import schemas
from acom_contract.jst import JST
from acom_tui.api import errors
from acom_tui.i18n import set_language
from acom_tui.staff import errors as staff_errors
from acom_tui.staff.rules import (
    IDENTITY_CHECKED,
    IDENTITY_DOCUMENTS,
    SUSPENSION_REASONS,
    ReasonError,
    available_actions,
    clean_reason,
    is_suspended,
)
from acom_tui.staff.screens.audit import clip
from acom_tui.staff.screens.pin import spaced
from acom_tui.staff.texts import audit_details, audit_time, member_rows, reason_code_label


def summary(**changes: object) -> schemas.MemberSummary:
    base: dict[str, object] = {
        "member_number": "10000003",
        "name": "鈴木 一郎",
        "status": "active",
        "locked": False,
        "failed_attempts": 0,
        "suspension_reason": None,
        "card_status": "active",
        "email_masked": "m***@example.jp",
        "phone_masked": "090-****-1000",
    }
    base.update(changes)
    return schemas.MemberSummary.model_validate(base)


def test_the_wire_values_are_the_schemas() -> None:
    assert typing.get_args(schemas.IdentityDocument) == IDENTITY_DOCUMENTS
    assert typing.get_args(schemas.SuspensionReason) == SUSPENSION_REASONS


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, ("pin_reset", "suspend", "card_lost")),
        (
            {"status": "locked", "locked": True, "failed_attempts": 3},
            ("unlock", "pin_reset", "suspend", "card_lost"),
        ),
        (
            {"status": "suspended", "suspension_reason": "DELINQUENCY"},
            ("pin_reset", "reinstate", "card_lost"),
        ),
        ({"status": "card_lost", "card_status": "lost"}, ("pin_reset", "suspend", "card_reissued")),
        # Suspended and card lost: the status shows the card, the suspension is still there.
        (
            {"status": "card_lost", "card_status": "lost", "suspension_reason": "OTHER_LENDERS"},
            ("pin_reset", "reinstate", "card_reissued"),
        ),
    ],
    ids=["active", "locked", "suspended", "card_lost", "suspended_and_card_lost"],
)
def test_available_actions(changes: dict[str, object], expected: tuple[str, ...]) -> None:
    assert available_actions(summary(**changes)) == expected


def test_is_suspended_reads_the_reason_too() -> None:
    assert not is_suspended(summary())
    assert is_suspended(summary(status="suspended", suspension_reason="DELINQUENCY"))
    assert is_suspended(summary(status="locked", locked=True, suspension_reason="DELINQUENCY"))


def test_clean_reason() -> None:
    assert clean_reason("  identity checked \n") == "identity checked"
    assert clean_reason("x" * 500) == "x" * 500
    with pytest.raises(ReasonError) as empty:
        clean_reason(" \u3000\t")
    assert empty.value.code == "EMPTY"
    with pytest.raises(ReasonError) as long:
        clean_reason("理" * 501)
    assert (long.value.code, long.value.length) == ("TOO_LONG", 501)


def test_member_rows_in_japanese() -> None:
    set_language("ja")
    rows = member_rows(
        summary(
            status="suspended",
            suspension_reason="DELINQUENCY",
            failed_attempts=2,
            phone_masked=None,
        )
    )
    assert rows == [
        ("氏名", "鈴木 一郎"),
        ("会員番号", "10000003"),
        ("状態", "利用停止中"),
        ("ロック", "ロックなし"),
        ("暗証番号の誤り", "2回"),
        ("利用停止", "延滞 (DELINQUENCY)"),
        ("カード", "有効"),
        ("メール", "m***@example.jp"),
        ("電話番号", "登録なし"),
    ]


def test_member_rows_in_english() -> None:
    set_language("en")
    rows = dict(member_rows(summary(status="card_lost", card_status="lost", locked=True)))
    assert rows["Status"] == "Card reported lost"
    assert rows["Lock"] == "Locked"
    assert rows["Card"] == "Reported lost or stolen"
    assert rows["Suspension"] == "None"


def test_audit_wording() -> None:
    set_language("ja")
    assert audit_time(datetime(2026, 12, 2, 1, 5, 59, tzinfo=JST)) == "2026-12-02 01:05"
    # A UTC time is shown in Japan time.
    assert audit_time(datetime.fromisoformat("2026-12-01T16:30:00+00:00")) == "2026-12-02 01:30"
    assert audit_details({"identity_document": "my_number_card"}) == (
        "本人確認書類: マイナンバーカード"
    )
    assert audit_details(
        {"reason_code": "UNREPORTED_CHANGES", "automatic": True, "sessions_revoked": 2}
    ) == ("停止理由: 変更の届出なし (UNREPORTED_CHANGES) / 自動: はい / 終了したログイン: 2")
    # What the catalogue does not know is shown as the server wrote it.
    assert audit_details({"new_thing": "x"}) == "new_thing: x"
    assert reason_code_label("SOMETHING_NEW") == "SOMETHING_NEW"


def test_clip_cuts_by_terminal_cells_without_an_ellipsis() -> None:
    assert clip("abc", 5) == "abc"
    assert clip("運転免許証を確認", 5) == "運転"
    assert clip("line one\nline two", 20) == "line one line two"
    assert clip("abcdef", 4) == "abcd"


def test_the_pin_is_spaced_for_reading_out() -> None:
    assert spaced("0261") == "0 2 6 1"


@pytest.mark.parametrize(
    ("error", "action", "expected"),
    [
        (errors.InvalidCredentials("x", code="INVALID_CREDENTIALS"), None, "INVALID_CREDENTIALS"),
        (errors.NotFound("x", code="NOT_FOUND"), "unlock", "NOT_FOUND"),
        (errors.Conflict("x", code="CONFLICT"), "suspend", "conflict.suspend"),
        (errors.Conflict("x", code="CONFLICT"), None, "CONFLICT"),
    ],
)
def test_staff_messages(error: errors.ApiError, action: str | None, expected: str) -> None:
    set_language("en")
    texts = {
        "INVALID_CREDENTIALS": "The staff ID or password is not correct.",
        "NOT_FOUND": "No member has this number. Check the number.",
        "conflict.suspend": (
            "This account is already suspended. To change the reason, reinstate it first, "
            "then suspend it again."
        ),
        "CONFLICT": (
            "The member's state has already changed, so nothing was done. "
            "The current state is shown."
        ),
    }
    assert staff_errors.message_for(error, action=action) == texts[expected]


def test_staff_validation_messages_name_the_field() -> None:
    set_language("ja")
    error = errors.ValidationFailed(
        "reason: must not be blank",
        details={
            "field": "reason",
            "errors": [{"field": "reason", "message": "must not be blank"}],
        },
    )
    assert (
        staff_errors.message_for(error) == "入力内容を確認してください（理由: must not be blank）。"
    )


def test_which_errors_end_the_staff_session() -> None:
    set_language("ja")
    idle = errors.SessionExpired("x", details={"reason": "idle_timeout"})
    assert staff_errors.ends_session(idle)
    assert staff_errors.session_end_reason(idle) == (
        "操作のない状態が続いたため、安全のためログアウトしました。もう一度ログインしてください。"
    )
    maintenance = errors.Maintenance("x", details={"ends_at": "2026-12-07T05:00:00+09:00"})
    assert staff_errors.ends_session(maintenance)
    assert "2026年12月7日(月) 5:00に終了する予定です" in staff_errors.session_end_reason(
        maintenance
    )
    assert not staff_errors.ends_session(errors.Conflict("x", code="CONFLICT"))
    assert not staff_errors.ends_session(errors.ConnectionFailed("x"))


def test_a_locked_staff_id_and_the_throttle_say_what_to_do() -> None:
    locked = errors.error_from_response(
        status=423, code="STAFF_LOCKED", message="x", details={}, request_id=None, retry_after=None
    )
    assert isinstance(locked, errors.StaffLocked)
    throttled = errors.error_from_response(
        status=429,
        code="RATE_LIMITED",
        message="x",
        details={"retry_after_s": 1790},
        request_id=None,
        retry_after=1790.0,
    )
    set_language("en")
    assert staff_errors.message_for(locked) == (
        "This staff ID is locked after 5 wrong passwords in a row. It cannot be used, even "
        "with the right password, until it is unlocked. Ask an administrator to unlock it."
    )
    assert staff_errors.message_for(throttled) == (
        "Too many failed logins from this terminal. Try again in about 30 min, "
        "or ask an administrator."
    )
    set_language("ja")
    assert staff_errors.message_for(locked).endswith("管理者にロックの解除を依頼してください。")
    assert "約30分後" in staff_errors.message_for(throttled)
    # A senseless Retry-After does not make a senseless sentence.
    absurd = errors.RateLimited("x", code="RATE_LIMITED", retry_after=float("inf"))
    assert "約60分後" in staff_errors.message_for(absurd)


def test_wrong_passwords_left_and_a_malformed_staff_id() -> None:
    set_language("ja")
    wrong = errors.InvalidCredentials(
        "x", code="INVALID_CREDENTIALS", details={"remaining_attempts": 2}
    )
    assert staff_errors.message_for(wrong) == (
        "スタッフIDまたはパスワードが正しくありません。あと2回間違えるとスタッフIDがロックされます。"
    )
    malformed = errors.ValidationFailed(
        "staff_id: bad", details={"field": "staff_id", "errors": []}
    )
    assert staff_errors.message_for(malformed).startswith("スタッフIDは半角の英数字・記号")


def test_actions_that_give_access_need_a_document() -> None:
    assert {"unlock", "pin_reset", "card_reissued"} == IDENTITY_CHECKED
    assert typing.get_args(schemas.IdentityDocument) == IDENTITY_DOCUMENTS
    for model in (schemas.UnlockRequest, schemas.PinResetRequest, schemas.CardReissueRequest):
        assert model.model_fields["identity_document"].is_required()
