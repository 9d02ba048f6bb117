"""The plain rules of the settings screens: field checks, file checks, limits, PINs."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from settings_support import png_bytes

from acom_contract.schemas import Address, BankAccount, Document, Employer, Profile
from acom_tui import i18n
from acom_tui.dialogs.file_picker import shows_path
from acom_tui.normalize import InputError
from acom_tui.screens.documents import (
    MAX_DOCUMENT_BYTES,
    FileRefused,
    check_document_file,
    display_path,
    path_from_input,
    progress_bar,
    sniff_document_type,
    validity_text,
)
from acom_tui.screens.limit_increase import parse_requested_limit, reason_text
from acom_tui.screens.pin_change import check_pin_entries, weak_pin_text
from acom_tui.screens.preferences import mask_member_number
from acom_tui.screens.profile import (
    collect_changes,
    field_problem,
    form_values,
    parse_field,
    parse_prefecture,
)


def profile(**changes: object) -> Profile:
    base = Profile(
        member_number="10000001",
        name="山田 太郎",
        name_kana="ヤマダ タロウ",
        birthday=date(1985, 7, 14),
        address=Address(
            postal_code="160-0023", prefecture="東京都", city="新宿区西新宿", line1="1-1-1"
        ),
        home_phone=None,
        mobile_phone="090-0001-1000",
        email="member01@example.jp",
        employer=Employer(name="株式会社デモ商事", phone="03-0000-0000"),
        annual_income=4_800_000,
        verified_annual_income=4_800_000,
        other_lenders_balance=0,
        bank_account=BankAccount(
            bank_code="0036",
            bank_name="楽天銀行",
            branch_name="第一営業支店",
            account_type="ordinary",
            account_number_masked="****001",
            holder_kana="ヤマダ タロウ",
        ),
    )
    return base.model_copy(update=changes)


# --- registered information ---------------------------------------------------------------


def test_prefecture_is_one_of_the_47_and_a_unique_start_is_completed() -> None:
    assert parse_prefecture("東京都").value == "東京都"
    assert parse_prefecture("大阪").value == "大阪府"
    assert parse_prefecture(" 北海道 ").changed
    with pytest.raises(InputError) as raised:
        parse_prefecture("東京県")
    assert raised.value.code == "PREFECTURE"
    # 「福」 starts 福井県, 福岡県 and 福島県: no guess.
    with pytest.raises(InputError):
        parse_prefecture("福")


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("address.postal_code", "〒１６０－００２３", "160-0023"),
        ("address.city", "　新宿区西新宿 ", "新宿区西新宿"),
        ("address.line2", "", ""),
        ("home_phone", "", None),
        ("home_phone", "03-1234-5678", "03-1234-5678"),
        ("home_phone", "０３（１２３４）５６７８", "0312345678"),
        ("mobile_phone", "+81 90-1234-5678", "09012345678"),
        ("email", "Taro@Example.JP", "Taro@example.jp"),
        ("annual_income", "480万", 4_800_000),
        ("annual_income", "0", 0),
        ("annual_income", "０円", 0),
    ],
)
def test_fields_are_normalised(name: str, text: str, value: object) -> None:
    assert parse_field(name, text).value == value


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        ("address.postal_code", "16000", "WRONG_LENGTH"),
        ("address.city", "", "EMPTY"),
        ("address.line1", "1-1\n2", "CONTROL"),
        ("address.line1", "あ" * 101, "TOO_LONG"),
        ("mobile_phone", "03-1234-5678", "MOBILE"),
        ("home_phone", "0212345678901", "WRONG_LENGTH"),
        ("home_phone", "01012345678", "PHONE_ELEVEN"),
        ("employer.phone", "0012345678", "PHONE_TEN"),
        ("email", "taro.example.jp", "MISSING_AT"),
        ("annual_income", "10,000,000,000", "TOO_LARGE"),
        ("annual_income", "-1", "NEGATIVE"),
    ],
)
def test_fields_are_refused_with_a_code(name: str, text: str, code: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_field(name, text)
    assert raised.value.code == code
    assert raised.value.field == name


def test_only_real_changes_are_sent() -> None:
    current = profile()
    values = form_values(current)
    # The same values written differently are no change.
    values["mobile_phone"] = "09000011000"
    values["address.postal_code"] = "1600023"
    values["annual_income"] = "480万"
    unchanged = collect_changes(current, values)
    assert unchanged.problems == {}
    assert unchanged.update == {}
    assert unchanged.normalized == {"address.postal_code": "160-0023", "annual_income": "4,800,000"}

    values["address.line2"] = "デモビル101"
    values["email"] = ""
    values["employer.phone"] = "03-9999-0000"
    changes = collect_changes(current, values)
    assert changes.changed == ["address", "email", "employer"]
    assert changes.update["address"].line2 == "デモビル101"
    assert changes.update["address"].postal_code == "160-0023"
    # An emptied e-mail is sent as null: it removes the address.
    assert changes.update["email"] is None
    assert changes.update["employer"] == Employer(name="株式会社デモ商事", phone="03-9999-0000")


def test_the_last_phone_cannot_be_removed() -> None:
    current = profile()
    values = form_values(current)
    values["mobile_phone"] = ""
    changes = collect_changes(current, values)
    assert set(changes.problems) == {"mobile_phone"}
    assert changes.problems["mobile_phone"].code == "ONE_PHONE"
    assert field_problem(current, values, "mobile_phone") is not None
    assert field_problem(current, values, "home_phone") is None
    values["home_phone"] = "03-1234-5678"
    assert collect_changes(current, values).update == {
        "home_phone": "03-1234-5678",
        "mobile_phone": None,
    }


# --- documents ----------------------------------------------------------------------------


def test_document_type_is_judged_by_the_first_bytes() -> None:
    assert sniff_document_type(b"%PDF-1.7\n") == "pdf"
    assert sniff_document_type(b"\xff\xd8\xff\xe0") == "jpeg"
    assert sniff_document_type(png_bytes()[:16]) == "png"
    assert sniff_document_type(b"GIF89a") is None
    assert sniff_document_type(b"PK\x03\x04") is None


def refusal(path: Path) -> tuple[str, dict[str, str | int]]:
    with pytest.raises(FileRefused) as raised:
        check_document_file(path)
    return raised.value.code, raised.value.params


def test_files_are_refused_before_upload_with_the_reason(tmp_path: Path) -> None:
    assert refusal(tmp_path / "none.pdf") == ("MISSING", {"name": "none.pdf"})
    assert refusal(tmp_path)[0] == "DIRECTORY"
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    assert refusal(empty) == ("EMPTY", {"name": "empty.png"})
    text = tmp_path / "gensen.pdf"
    text.write_text("not a pdf", encoding="utf-8")
    assert refusal(text) == ("NOT_A_DOCUMENT", {"name": "gensen.pdf"})
    big = tmp_path / "big.pdf"
    with big.open("wb") as handle:
        handle.write(b"%PDF-")
        handle.truncate(MAX_DOCUMENT_BYTES + 1)
    assert refusal(big) == ("TOO_LARGE", {"name": "big.pdf", "size": "10.0"})


def test_a_file_of_exactly_10_mib_and_a_renamed_png_are_accepted(tmp_path: Path) -> None:
    exact = tmp_path / "exact.pdf"
    with exact.open("wb") as handle:
        handle.write(b"%PDF-")
        handle.truncate(MAX_DOCUMENT_BYTES)
    assert check_document_file(exact).size == MAX_DOCUMENT_BYTES
    renamed = tmp_path / "scan.pdf"
    renamed.write_bytes(png_bytes())
    assert check_document_file(renamed).file_type == "png"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked.png"
    locked.write_bytes(png_bytes())
    locked.chmod(0)
    assert refusal(locked)[0] == "UNREADABLE"


def test_paths_as_typed_or_pasted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert path_from_input("  '~/書類/a b.pdf' ") == tmp_path / "書類" / "a b.pdf"
    assert path_from_input('"/tmp/x.png"') == Path("/tmp/x.png")
    assert path_from_input("   ") is None
    assert display_path(tmp_path / "書類" / "a.pdf") == "~/書類/a.pdf"
    assert display_path(Path("/srv/a.pdf")) == "/srv/a.pdf"


def test_the_browser_lists_folders_and_documents_by_name(tmp_path: Path) -> None:
    (tmp_path / "dir").mkdir()
    names = ["a.PDF", "b.jpeg", "c.jpg", "d.png", "e.txt", ".hidden.pdf", "f.docx"]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    shown = sorted(p.name for p in tmp_path.iterdir() if shows_path(p))
    assert shown == ["a.PDF", "b.jpeg", "c.jpg", "d.png", "dir"]


def test_progress_bar_is_ascii_and_bounded() -> None:
    assert progress_bar(0, 100, 17) == "[..........]   0%"
    assert progress_bar(50, 100, 17) == "[#####.....]  50%"
    assert progress_bar(100, 100, 17) == "[##########] 100%"
    assert progress_bar(5, 0, 17) == "[..........]   0%"
    assert progress_bar(200, 100, 17).endswith("100%")


# --- limit increase -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("505000", "STEP"),
        ("900万", "MAX"),
        ("300000", "NOT_ABOVE"),
        ("70万", "CEILING"),
        ("abc", "NOT_A_NUMBER"),
    ],
)
def test_requested_limit_is_checked_before_applying(text: str, code: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_requested_limit(
            text, current_limit=300_000, ceiling=8_000_000 if code == "MAX" else 600_000
        )
    assert raised.value.code == code


def test_requested_limit_accepts_man_units() -> None:
    assert parse_requested_limit("50万", current_limit=300_000, ceiling=600_000).value == 500_000


def test_unknown_decline_reasons_still_get_words() -> None:
    i18n.set_language("en")
    assert reason_text("RECENT_OVERDUE") == "A repayment was late in the last 6 months."
    assert reason_text("SOMETHING_NEW") == "Please contact the Card Loan Desk for details."


# --- PIN ----------------------------------------------------------------------------------


def test_pin_entries_are_checked_before_sending() -> None:
    entries, problems = check_pin_entries("4829", "５１７２", "5172")
    assert problems == {}
    assert entries is not None and (entries.current, entries.new) == ("4829", "5172")
    _, problems = check_pin_entries("4829", "5172", "5173")
    assert {k: v.code for k, v in problems.items()} == {"again": "MISMATCH"}
    _, problems = check_pin_entries("4829", "4829", "4829")
    assert {k: v.code for k, v in problems.items()} == {"new": "SAME_AS_CURRENT"}
    _, problems = check_pin_entries("", "12a4", "1234")
    assert {k: v.code for k, v in problems.items()} == {"current": "EMPTY", "new": "NOT_DIGITS"}
    # No message ever carries a digit of a PIN.
    assert all(not v.params for v in problems.values())


def test_every_weak_pin_reason_has_words_in_both_languages() -> None:
    for lang in ("ja", "en"):
        i18n.set_language(lang)
        general = i18n.t("error.WEAK_PIN")
        for reason in (
            "REPEATED_DIGIT",
            "SEQUENTIAL",
            "BIRTHDAY",
            "MEMBER_NUMBER",
            "PHONE_NUMBER",
            "COMMON_PIN",
            "SAME_AS_CURRENT",
        ):
            assert weak_pin_text(reason) != general
        assert weak_pin_text("NEW_RULE") == general
        assert weak_pin_text(None) == general


def test_member_number_is_masked() -> None:
    assert mask_member_number("10000001") == "****0001"


def test_settings_catalogue_has_the_same_keys_and_no_ambiguous_symbols() -> None:
    import json
    import unicodedata
    from importlib import resources

    root = resources.files("acom_tui").joinpath("locales")
    texts = {
        lang: json.loads(root.joinpath(lang, "settings.json").read_text(encoding="utf-8"))
        for lang in ("ja", "en")
    }
    assert texts["ja"].keys() == texts["en"].keys()
    assert all(key.startswith("settings.") for key in texts["ja"])
    for lang, catalogue in texts.items():
        for key, text in catalogue.items():
            wide = [c for c in text if unicodedata.east_asian_width(c) == "A"]
            assert wide == [], (lang, key, wide)


def test_validity_is_shown_for_accepted_documents_only() -> None:
    i18n.set_language("ja")
    uploaded = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    document = Document(
        id="doc_1",
        kind="withholding_slip",
        filename="gensen.pdf",
        content_type="application/pdf",
        size=2048,
        uploaded_at=uploaded,
        status="under_review",
        status_updated_at=uploaded,
    )
    today = date(2026, 12, 2)
    assert validity_text(document, today) == "-"
    accepted = document.model_copy(update={"status": "accepted", "valid_until": date(2029, 12, 2)})
    assert validity_text(accepted, today) == "2029/12/02"
    assert validity_text(accepted, date(2029, 12, 3)) == "期限切れ"
