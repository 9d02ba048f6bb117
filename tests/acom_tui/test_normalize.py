from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from string import Formatter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acom_tui.formatting import format_yen
from acom_tui.normalize import (
    MAX_AMOUNT_YEN,
    InputError,
    Normalized,
    normalize_digits,
    parse_amount_yen,
    parse_email,
    parse_member_number,
    parse_phone,
    parse_pin,
    parse_postal_code,
)

LOCALES = Path(__file__).parents[2] / "acom_tui" / "locales"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def full_width(text: str) -> str:
    return text.translate(FULL_WIDTH)


def catalogue(lang: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))
    return data


def error_of(parse: Callable[[str], object], text: str) -> InputError:
    with pytest.raises(InputError) as info:
        parse(text)
    return info.value


# --- normalize_digits ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "changed"),
    [
        ("12345678", "12345678", False),
        ("１２３４５６７８", "12345678", True),
        ("1234 5678", "12345678", True),
        ("1234\u30005678", "12345678", True),
        ("1234-5678", "12345678", True),
        ("１２３４ー５６７８", "12345678", True),
        ("1234－5678", "12345678", True),
        ("12\u201034\u201335\u2014", "123435", True),
        (" 1234\t", "1234", True),
        # Anything else is kept so that the parser can name it.
        ("12a4", "12a4", False),
        ("１２Ａ４", "12Ａ4", True),
        ("", "", False),
    ],
)
def test_normalize_digits(text: str, value: str, changed: bool) -> None:
    assert normalize_digits(text) == Normalized(value, changed)


@given(st.text())
def test_normalize_digits_is_idempotent(text: str) -> None:
    once = normalize_digits(text)
    twice = normalize_digits(once.value)
    assert twice == Normalized(once.value, False)


# --- member number -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "changed"),
    [
        ("10000001", "10000001", False),
        ("１００００００１", "10000001", True),
        ("1000 0001", "10000001", True),
        (" 10000001 ", "10000001", True),
        ("1000-0001", "10000001", True),
    ],
)
def test_parse_member_number(text: str, value: str, changed: bool) -> None:
    assert parse_member_number(text) == Normalized(value, changed)


@pytest.mark.parametrize(
    ("text", "code", "key", "params"),
    [
        ("", "EMPTY", "login.member_number.empty", {}),
        ("\u3000 - ", "EMPTY", "login.member_number.empty", {}),
        ("1000000a", "NOT_DIGITS", "login.member_number.not_digits", {"char": "a"}),
        ("1000000Ａ", "NOT_DIGITS", "login.member_number.not_digits", {"char": "Ａ"}),
        ("x1234567y", "NOT_DIGITS", "login.member_number.not_digits", {"char": "x"}),
        ("1000000\x00", "NOT_DIGITS", "login.member_number.not_digits", {"char": "U+0000"}),
        ("1000000", "WRONG_LENGTH", "login.member_number.wrong_length", {"length": 7}),
        ("１０００００００１", "WRONG_LENGTH", "login.member_number.wrong_length", {"length": 9}),
    ],
)
def test_parse_member_number_errors(
    text: str, code: str, key: str, params: dict[str, object]
) -> None:
    error = error_of(parse_member_number, text)
    assert (error.field, error.code, error.message_key, error.params) == (
        "member_number",
        code,
        key,
        params,
    )


@given(st.from_regex(r"[0-9]{8}", fullmatch=True))
def test_ascii_member_numbers_round_trip(number: str) -> None:
    assert parse_member_number(number) == Normalized(number, False)


@given(st.from_regex(r"[0-9]{8}", fullmatch=True), st.integers(min_value=0, max_value=8))
def test_full_width_member_numbers_parse_to_the_same_value(number: str, split: int) -> None:
    assert parse_member_number(full_width(number)) == Normalized(number, True)
    spaced = f"{number[:split]}\u3000{number[split:]}"
    assert parse_member_number(spaced) == Normalized(number, True)


@given(st.text(max_size=20))
def test_member_number_parser_only_raises_input_error(text: str) -> None:
    try:
        result = parse_member_number(text)
    except InputError:
        return
    assert len(result.value) == 8
    assert set(result.value) <= set("0123456789")


# --- PIN -----------------------------------------------------------------------------------


def test_parse_pin() -> None:
    assert parse_pin("4829") == Normalized("4829", False)
    assert parse_pin("４８２９") == Normalized("4829", True)


@pytest.mark.parametrize(
    ("text", "code", "key"),
    [
        ("", "EMPTY", "login.pin.empty"),
        ("98#7", "NOT_DIGITS", "login.pin.invalid"),
        ("98", "WRONG_LENGTH", "login.pin.invalid"),
        ("987654", "WRONG_LENGTH", "login.pin.invalid"),
    ],
)
def test_pin_errors_reveal_nothing_of_the_pin(text: str, code: str, key: str) -> None:
    error = error_of(parse_pin, text)
    assert (error.field, error.code, error.message_key, error.params) == ("pin", code, key, {})
    shown = f"{error!s} {error!r} {error.args!r}"
    assert not any(c in shown for c in text)
    # No earlier error holding the PIN may hang off this one either.
    assert error.__context__ is None and error.__cause__ is None


@given(st.from_regex(r"[0-9]{4}", fullmatch=True))
def test_full_width_pins_parse_to_the_same_value(pin: str) -> None:
    assert parse_pin(pin) == Normalized(pin, False)
    assert parse_pin(full_width(pin)) == Normalized(pin, True)


# --- amounts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "changed"),
    [
        ("10000", 10_000, False),
        ("１００００", 10_000, True),
        ("１０，０００", 10_000, True),
        ("10,000", 10_000, True),
        ("10,000円", 10_000, True),
        ("¥10,000", 10_000, True),
        ("￥10,000", 10_000, True),
        ("\\10,000", 10_000, True),
        (" 5000 ", 5_000, True),
        ("5000.0", 5_000, True),
        ("1万", 10_000, True),
        ("1万円", 10_000, True),
        ("1万5000", 15_000, True),
        ("1万5千", 15_000, True),
        ("１万５千円", 15_000, True),
        ("1万 2345", 12_345, True),
        ("1万0500", 10_500, True),
        ("3.5万", 35_000, True),
        ("1.5千", 1_500, True),
        ("5千500", 5_500, True),
        ("100万", 1_000_000, True),
        ("1,000万", 10_000_000, True),
        ("1", 1, False),
    ],
)
def test_parse_amount_yen(text: str, value: int, changed: bool) -> None:
    assert parse_amount_yen(text) == Normalized(value, changed)


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("", "EMPTY", {}),
        ("  ", "EMPTY", {}),
        ("-1000", "NEGATIVE", {}),
        ("－1000", "NEGATIVE", {}),
        ("−1000", "NEGATIVE", {}),
        ("¥-1000", "NEGATIVE", {}),
        ("100.5", "FRACTION", {}),
        ("1.23456万", "FRACTION", {}),
        ("1.00000000000000000000000000001", "FRACTION", {}),
        ("0", "ZERO", {}),
        ("0円", "ZERO", {}),
        ("0.0万", "ZERO", {}),
        ("abc", "NOT_A_NUMBER", {"char": "a"}),
        ("10000ドル", "NOT_A_NUMBER", {"char": "ド"}),
        ("1e5", "NOT_A_NUMBER", {"char": "e"}),
        ("+1000", "NOT_A_NUMBER", {"char": "+"}),
        ("10-000", "NOT_A_NUMBER", {"char": "-"}),
        ("1,00", "INVALID_FORMAT", {}),
        ("1万2万", "INVALID_FORMAT", {}),
        ("万", "INVALID_FORMAT", {}),
        ("円", "INVALID_FORMAT", {}),
        ("¥", "INVALID_FORMAT", {}),
        ("1..5", "INVALID_FORMAT", {}),
        ("1.", "INVALID_FORMAT", {}),
        ("1万10000", "INVALID_FORMAT", {}),
        ("5千1000", "INVALID_FORMAT", {}),
        ("1000000000000", "TOO_LARGE", {}),
    ],
)
def test_parse_amount_yen_errors(text: str, code: str, params: dict[str, object]) -> None:
    error = error_of(parse_amount_yen, text)
    assert (error.field, error.code, error.message_key, error.params) == (
        "amount",
        code,
        f"input.amount.{code.lower()}",
        params,
    )


@given(st.integers(min_value=1, max_value=MAX_AMOUNT_YEN))
def test_amounts_round_trip(amount: int) -> None:
    assert parse_amount_yen(str(amount)) == Normalized(amount, False)
    assert parse_amount_yen(full_width(str(amount))) == Normalized(amount, True)
    assert parse_amount_yen(f"{amount:,}円").value == amount


@given(st.integers(min_value=1, max_value=MAX_AMOUNT_YEN), st.sampled_from(["ja", "en"]))
def test_what_we_show_can_be_typed_back(amount: int, lang: str) -> None:
    assert parse_amount_yen(format_yen(amount, lang)).value == amount  # type: ignore[arg-type]


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=0, max_value=9999))
def test_man_notation(man: int, rest: int) -> None:
    text = f"{man}万{rest}" if rest else f"{man}万"
    assert parse_amount_yen(text) == Normalized(man * 10_000 + rest, True)


@given(st.text(max_size=30))
def test_amount_parser_only_raises_input_error(text: str) -> None:
    try:
        result = parse_amount_yen(text)
    except InputError:
        return
    assert 1 <= result.value <= MAX_AMOUNT_YEN


# --- postal code -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "changed"),
    [
        ("160-0023", "160-0023", False),
        ("1600023", "160-0023", True),
        ("〒160-0023", "160-0023", True),
        ("〒 １６０－００２３", "160-0023", True),
        ("160 0023", "160-0023", True),
    ],
)
def test_parse_postal_code(text: str, value: str, changed: bool) -> None:
    assert parse_postal_code(text) == Normalized(value, changed)


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("", "EMPTY", {}),
        ("〒", "EMPTY", {}),
        ("160-002a", "NOT_DIGITS", {"char": "a"}),
        ("16-0023", "WRONG_LENGTH", {"length": 6}),
        ("160-00231", "WRONG_LENGTH", {"length": 8}),
    ],
)
def test_parse_postal_code_errors(text: str, code: str, params: dict[str, object]) -> None:
    error = error_of(parse_postal_code, text)
    assert (error.field, error.code, error.params) == ("postal_code", code, params)


@given(st.from_regex(r"[0-9]{7}", fullmatch=True))
def test_postal_codes_round_trip(digits: str) -> None:
    canonical = f"{digits[:3]}-{digits[3:]}"
    assert parse_postal_code(canonical) == Normalized(canonical, False)
    assert parse_postal_code(full_width(digits)) == Normalized(canonical, True)


# --- phone -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "changed"),
    [
        ("09012345678", "09012345678", False),
        ("0312345678", "0312345678", False),
        ("090-1234-5678", "09012345678", True),
        ("03(1234)5678", "0312345678", True),
        ("03（1234）5678", "0312345678", True),
        ("０４６５－１２－３４５６", "0465123456", True),
        ("+81 90-1234-5678", "09012345678", True),
        ("+81 (0)3-1234-5678", "0312345678", True),
        ("0120-000-000", "0120000000", True),
    ],
)
def test_parse_phone(text: str, value: str, changed: bool) -> None:
    assert parse_phone(text) == Normalized(value, changed)


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("", "EMPTY", {}),
        ("03-1234-567x", "NOT_DIGITS", {"char": "x"}),
        ("+1 555 123 4567", "NOT_DIGITS", {"char": "+"}),
        ("03-1234-567", "WRONG_LENGTH", {"length": 9}),
        ("090-1234-56789", "WRONG_LENGTH", {"length": 12}),
        ("90-1234-5678", "NOT_DOMESTIC", {}),
    ],
)
def test_parse_phone_errors(text: str, code: str, params: dict[str, object]) -> None:
    error = error_of(parse_phone, text)
    assert (error.field, error.code, error.params) == ("phone", code, params)
    assert error.message_key == f"input.phone.{code.lower()}"


def test_parse_phone_names_the_field_it_was_given() -> None:
    with pytest.raises(InputError) as info:
        parse_phone("", field_name="mobile_phone")
    assert info.value.field == "mobile_phone"


@given(st.from_regex(r"0[0-9]{9,10}", fullmatch=True))
def test_phones_round_trip(number: str) -> None:
    assert parse_phone(number) == Normalized(number, False)
    assert parse_phone(full_width(number)) == Normalized(number, True)


# --- e-mail ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "changed"),
    [
        ("taro@example.jp", "taro@example.jp", False),
        (" Taro.Yamada@Example.CO.JP ", "Taro.Yamada@example.co.jp", True),
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp", True),
        ("taro+loan@mail-server.example.com", "taro+loan@mail-server.example.com", False),
        # Legacy Japanese carrier addresses that the member cannot change.
        ("taro..yamada.@docomo.ne.jp", "taro..yamada.@docomo.ne.jp", False),
    ],
)
def test_parse_email(text: str, value: str, changed: bool) -> None:
    assert parse_email(text) == Normalized(value, changed)


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("", "EMPTY", {}),
        ("\u3000", "EMPTY", {}),
        ("taro", "MISSING_AT", {}),
        ("太郎@example.jp", "INVALID_CHAR", {"char": "太"}),
        ("taro yamada@example.jp", "INVALID_CHAR", {"char": "U+0020"}),
        ("taro@localhost", "INVALID_FORMAT", {}),
        ("taro@-example.jp", "INVALID_FORMAT", {}),
        ("taro@example..jp", "INVALID_FORMAT", {}),
        ("taro@example.j", "INVALID_FORMAT", {}),
        ("taro@example.123", "INVALID_FORMAT", {}),
        ("@example.jp", "INVALID_FORMAT", {}),
        ("taro@", "INVALID_FORMAT", {}),
        ("a@b@example.jp", "INVALID_FORMAT", {}),
        ("t(aro)@example.jp", "INVALID_FORMAT", {}),
        ("a" * 64 + "@" + ("b" * 60 + ".") * 4 + "jp", "TOO_LONG", {}),
        ("a" * 65 + "@example.jp", "INVALID_FORMAT", {}),
    ],
)
def test_parse_email_errors(text: str, code: str, params: dict[str, object]) -> None:
    error = error_of(parse_email, text)
    assert (error.field, error.code, error.params) == ("email", code, params)


# --- every error speaks a message the catalogues have --------------------------------------

BAD_INPUTS: list[tuple[Callable[[str], object], str]] = [
    (parse_member_number, ""),
    (parse_member_number, "1234567a"),
    (parse_member_number, "1234567"),
    (parse_pin, ""),
    (parse_pin, "12a4"),
    (parse_pin, "123"),
    (parse_postal_code, ""),
    (parse_postal_code, "160-002a"),
    (parse_postal_code, "160-002"),
    (parse_phone, ""),
    (parse_phone, "03-1234-567x"),
    (parse_phone, "03-1234-567"),
    (parse_phone, "90-1234-5678"),
    (parse_email, ""),
    (parse_email, "太郎@example.jp"),
    (parse_email, "taro"),
    (parse_email, "taro@localhost"),
    (parse_email, "a" * 300 + "@example.jp"),
    *[(parse_amount_yen, text) for text in ("", "-1", "abc", "1,00", "0.5", "0", "9" * 13)],
]


@pytest.mark.parametrize(("parse", "text"), BAD_INPUTS)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_error_messages_exist_with_matching_placeholders(
    parse: Callable[[str], object], text: str, lang: str
) -> None:
    error = error_of(parse, text)
    template = catalogue(lang)[error.message_key]
    names = {n for _, n, _, _ in Formatter().parse(template) if n is not None}
    assert names == set(error.params)


def test_every_amount_code_is_covered_above() -> None:
    codes = {
        error_of(parse_amount_yen, text).code for p, text in BAD_INPUTS if p is parse_amount_yen
    }
    assert codes == {
        "EMPTY",
        "NEGATIVE",
        "NOT_A_NUMBER",
        "INVALID_FORMAT",
        "FRACTION",
        "ZERO",
        "TOO_LARGE",
    }
