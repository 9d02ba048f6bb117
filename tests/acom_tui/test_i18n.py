from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from string import Formatter

import pytest

from acom_tui import i18n

LOCALES = Path(i18n.__file__).parent / "locales"

# The symbols the style guide bans by name; the test below bans every "A" character.
NAMED_AMBIGUOUS = "※○●→①×★◆■□▲▼"

# SPEC 3.1 error codes, plus the client-side conditions the UI must explain.
ERROR_CODES = [
    "VALIDATION_ERROR",
    "INVALID_CREDENTIALS",
    "ACCOUNT_LOCKED",
    "ACCOUNT_SUSPENDED",
    "CARD_LOST",
    "MAINTENANCE",
    "RATE_LIMITED",
    "UNAUTHENTICATED",
    "SESSION_EXPIRED",
    "FORBIDDEN",
    "NOT_FOUND",
    "LIMIT_EXCEEDED",
    "TOTAL_LENDING_LIMIT",
    "INCOME_CERTIFICATE_REQUIRED",
    "OVERDUE",
    "BANK_NOT_SUPPORTED",
    "OVERPAYMENT",
    "IDEMPOTENCY_KEY_MISSING",
    "IDEMPOTENCY_KEY_REUSED",
    "IDEMPOTENCY_IN_PROGRESS",
    "WEAK_PIN",
    "DOCUMENT_INVALID",
    "DOCUMENT_TOO_LARGE",
    "CONNECTION",
    "TLS",
    "TIMEOUT",
    "UNEXPECTED",
]
SUSPENSION_REASONS = [
    "FREQUENT_BORROWING",
    "DELINQUENCY",
    "OVER_TOTAL_LENDING_LIMIT",
    "OTHER_LENDERS",
    "INCOME_CERTIFICATE_NOT_SUBMITTED",
    "UNREPORTED_CHANGES",
]
HELP_TOPICS = ["forgot_pin", "locked", "lost_card", "cannot_login", "maintenance", "fraud"]


@pytest.fixture(autouse=True)
def strict_and_restored() -> Iterator[None]:
    before = i18n.get_language(), i18n.STRICT
    i18n.STRICT = True
    yield
    i18n.set_language(before[0])
    i18n.STRICT = before[1]


def raw(lang: str) -> dict[str, str]:
    """The shared file and every area file of one language, merged."""
    data: dict[str, str] = json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))
    for area in sorted((LOCALES / lang).glob("*.json")):
        data.update(json.loads(area.read_text(encoding="utf-8")))
    return data


def test_area_files_exist_in_both_languages() -> None:
    names = {lang: sorted(p.name for p in (LOCALES / lang).glob("*.json")) for lang in ("ja", "en")}
    assert names["ja"] == names["en"]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


# --- language choice -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C"}, "en"),
        ({"LANG": "ja"}, "ja"),
        ({"LANG": "JA_JP.eucJP"}, "ja"),
        # LC_ALL wins over everything, even to switch Japanese off.
        ({"LC_ALL": "C", "LC_MESSAGES": "ja_JP.UTF-8", "LANG": "ja_JP.UTF-8"}, "en"),
        ({"LC_ALL": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"}, "ja"),
        # LC_MESSAGES comes before LANG.
        ({"LC_MESSAGES": "ja_JP.UTF-8", "LANG": "en_GB.UTF-8"}, "ja"),
        ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "ja_JP.UTF-8"}, "en"),
        # An empty variable counts as unset (POSIX), so the next one decides.
        ({"LC_ALL": "", "LC_MESSAGES": "", "LANG": "ja_JP.UTF-8"}, "ja"),
        # Other variables (LANGUAGE, LC_CTYPE) play no part.
        ({"LANGUAGE": "ja", "LC_CTYPE": "ja_JP.UTF-8"}, "en"),
    ],
)
def test_detect_language(environ: dict[str, str], expected: str) -> None:
    assert i18n.detect_language(environ) == expected


def test_set_language_switches_the_catalogue() -> None:
    i18n.set_language("ja")
    assert i18n.get_language() == "ja"
    assert i18n.t("login.pin.label") == "暗証番号"
    i18n.set_language("en")
    assert i18n.get_language() == "en"
    assert i18n.t("login.pin.label") == "PIN"


def test_set_language_refuses_unknown() -> None:
    i18n.set_language("en")
    with pytest.raises(ValueError, match="fr"):
        i18n.set_language("fr")
    assert i18n.get_language() == "en"


# --- t() ---------------------------------------------------------------------------------


def test_t_fills_placeholders() -> None:
    i18n.set_language("ja")
    assert i18n.t("support.today_at", time="9:00") == "本日9:00"
    assert i18n.t("error.request_id", request_id="req-42") == "お問い合わせ番号: req-42"
    assert "あと2回" in i18n.t("error.INVALID_CREDENTIALS", remaining=2)
    i18n.set_language("en")
    assert i18n.t("support.today_at", time="09:00 JST") == "today at 09:00 JST"
    assert i18n.t("error.INVALID_CREDENTIALS", remaining=1).endswith(
        "Attempts left before login is locked for your security: 1."
    )


def test_params_are_not_reinterpreted_as_templates() -> None:
    i18n.set_language("en")
    assert i18n.t("error.request_id", request_id="{remaining}") == "Reference number: {remaining}"


def test_missing_key_raises_in_strict_mode() -> None:
    with pytest.raises(KeyError, match=r"no\.such\.key"):
        i18n.t("no.such.key")


def test_missing_key_shows_the_key_at_runtime() -> None:
    i18n.STRICT = False
    assert i18n.t("no.such.key") == "no.such.key"


def test_missing_placeholder_raises_in_strict_mode() -> None:
    i18n.set_language("en")
    with pytest.raises(KeyError, match="remaining"):
        i18n.t("error.INVALID_CREDENTIALS")


def test_missing_placeholder_stays_visible_at_runtime() -> None:
    i18n.STRICT = False
    i18n.set_language("en")
    assert i18n.t("support.today_at") == "today at {time}"


def test_catalogue_is_loaded_once() -> None:
    assert i18n.catalogue("ja") is i18n.catalogue("ja")
    assert i18n.catalogue("ja") is not i18n.catalogue("en")


@pytest.fixture
def locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A catalogue folder of the test's own, read by fresh catalogues."""
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n.catalogue.cache_clear()
    (tmp_path / "en").mkdir()
    (tmp_path / "en.json").write_text('{"login.title": "Log in"}', encoding="utf-8")
    yield tmp_path
    i18n.catalogue.cache_clear()


def test_an_area_file_is_read_when_its_first_key_is_asked_for(locales: Path) -> None:
    # Not JSON: reading it at the start would fail, and the first screen does not.
    (locales / "en" / "money.json").write_text("{not json", encoding="utf-8")
    (locales / "en" / "demo.json").write_text('{"demo.title": "Demo"}', encoding="utf-8")
    i18n.set_language("en")
    assert i18n.t("login.title") == "Log in"
    assert i18n.t("demo.title") == "Demo"
    with pytest.raises(json.JSONDecodeError):
        i18n.t("money.title")
    # Counting or listing reads every area.
    with pytest.raises(json.JSONDecodeError):
        len(i18n.catalogue("en"))


def test_a_key_defined_twice_or_in_another_area_s_file_is_an_error(locales: Path) -> None:
    (locales / "en" / "demo.json").write_text('{"demo.title": "Demo"}', encoding="utf-8")
    (locales / "en" / "money.json").write_text('{"login.title": "Again"}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"en/money\.json holds keys of other areas: login"):
        sorted(i18n.catalogue("en"))
    (locales / "en" / "money.json").write_text('{"money.a": "A"}', encoding="utf-8")
    (locales / "en.json").write_text('{"money.a": "B"}', encoding="utf-8")
    i18n.catalogue.cache_clear()
    with pytest.raises(ValueError, match=r"en/money\.json redefines money\.a"):
        dict(i18n.catalogue("en"))


def test_every_area_file_holds_only_its_own_keys() -> None:
    for lang in i18n.LANGUAGES:
        for path in sorted((LOCALES / lang).glob("*.json")):
            keys = json.loads(path.read_text(encoding="utf-8"))
            assert [k for k in keys if not k.startswith(f"{path.stem}.")] == [], path


# --- catalogue content -------------------------------------------------------------------


def test_catalogues_have_the_same_keys() -> None:
    ja, en = raw("ja"), raw("en")
    assert sorted(set(ja) - set(en)) == []
    assert sorted(set(en) - set(ja)) == []


def test_catalogues_have_the_same_placeholders_per_key() -> None:
    ja, en = raw("ja"), raw("en")
    different = {k: (placeholders(ja[k]), placeholders(en[k])) for k in ja if k in en}
    assert {k: v for k, v in different.items() if v[0] != v[1]} == {}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_placeholders_are_plain_names(lang: str) -> None:
    for key, template in raw(lang).items():
        for _, name, spec, conversion in Formatter().parse(template):
            if name is None:
                continue
            assert re.fullmatch(r"[a-z_]+", name), (key, name)
            assert not spec and conversion is None, key


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_keys_are_dotted_and_values_are_non_empty(lang: str) -> None:
    for key, value in raw(lang).items():
        assert re.fullmatch(r"[a-z_]+(\.[A-Za-z0-9_]+)+", key), key
        # A unit after a number may be nothing in one language ("3回" but "3").
        assert value.strip() == value and (value or ".unit." in key), key


def test_named_symbols_really_are_ambiguous_width() -> None:
    assert {unicodedata.east_asian_width(c) for c in NAMED_AMBIGUOUS} == {"A"}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_ambiguous_width_characters(lang: str) -> None:
    offenders = {
        key: sorted({c for c in text if unicodedata.east_asian_width(c) == "A"})
        for key, text in raw(lang).items()
    }
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_no_square_brackets(lang: str) -> None:
    # Textual markup reads "[System maintenance]" as a style tag and drops the words.
    assert [k for k, v in raw(lang).items() if "[" in v or "]" in v] == []


def test_japanese_catalogue_is_actually_japanese() -> None:
    ja = raw("ja")

    # Everything a user reads must be translated, apart from a few universal words.
    def words(value: str) -> str:  # the text around the placeholders
        return re.sub(r"\{[^}]*\}", "", value)

    untranslated = {
        k
        for k, v in ja.items()
        if re.search(r"[A-Za-z]", words(v)) and not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", v)
    }
    assert untranslated == {"common.ok"}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_required_keys_exist(lang: str) -> None:
    cat = raw(lang)
    required = (
        [f"error.{code}" for code in ERROR_CODES]
        + [f"suspension.{r}.{part}" for r in SUSPENSION_REASONS for part in ("title", "body")]
        + [f"help.{topic}.{part}" for topic in HELP_TOPICS for part in ("title", "body")]
        + [
            "app.title",
            "app.demo_banner",
            "login.member_number.label",
            "login.pin.label",
            "login.submit",
            "login.remember.label",
            "login.remember.unavailable",
            "login.normalized_notice",
            "login.fraud_warning",
            "login.link.forgot_pin",
            "login.link.lost_card",
            "login.link.cannot_login",
            "login.link.maintenance",
            "login.link.simulator",
            "support.hours",
            "support.open_now",
            "support.opens_at",
            "support.closed",
        ]
    )
    assert [k for k in required if k not in cat] == []


@pytest.mark.parametrize(
    ("key", "names"),
    [
        ("error.INVALID_CREDENTIALS", {"remaining"}),
        ("error.MAINTENANCE", {"ends_at"}),
        ("error.RATE_LIMITED", {"wait"}),
        ("error.VALIDATION_ERROR", {"field", "message"}),
        ("login.member_number.not_digits", {"char"}),
        ("login.member_number.wrong_length", {"length"}),
        ("login.pin.invalid", set()),
        ("support.opens_at", {"when"}),
    ],
)
def test_contracted_placeholders(key: str, names: set[str]) -> None:
    assert placeholders(raw("ja")[key]) == names


def test_help_follows_the_article() -> None:
    ja = raw("ja")
    forgot = ja["help.forgot_pin.body"]
    for needle in (
        "電話ではお伝えできません",
        "むじんくん",
        "運転免許証",
        "健康保険証",
        "マイナンバーカード",
    ):
        assert needle in forgot, needle
    lost = ja["help.lost_card.body"]
    for needle in ("0120-000-000", "架空", "警察", "再発行", "むじんくん"):
        assert needle in lost, needle
    assert "3回" in ja["help.locked.body"]
    assert "毎週月曜日の1:00～5:00" in ja["help.maintenance.body"]
    assert "臨時" in ja["help.maintenance.body"]
    fraud = ja["help.fraud.body"]
    assert "警察" in fraud and "電話" in fraud and "一切ありません" in fraud
    cannot = ja["help.cannot_login.body"]
    for needle in ("8桁", "ロック", "停止", "紛失", "メンテナンス", "9:00～18:00"):
        assert needle in cannot, needle


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_real_looking_phone_number_is_the_demo_one(lang: str) -> None:
    numbers = set()
    for text in raw(lang).values():
        numbers |= set(re.findall(r"0\d{1,4}-\d{1,4}-\d{3,4}", text))
    # The desk and the 24-hour lost or stolen card line (SPEC 2.16), both fictional.
    assert numbers <= {"0120-000-000", "0120-000-999"}


# --- start-up cost ---------------------------------------------------------------------


def test_light_modules_import_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "import acom_tui.i18n, acom_tui.formatting, acom_tui.normalize, acom_tui.support_desk\n"
        "heavy = {'textual', 'httpx', 'pydantic', 'keyring', 'fastapi', 'rich'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
