"""Turning what a person typed into what the API accepts: pure functions, stdlib only.

Japanese input methods readily produce full-width digits (１２３), ideographic spaces and
long-vowel marks (ー) where a hyphen was meant, and people copy numbers with separators
from their card or a letter. Each parser accepts those, returns the canonical value with
``changed=True`` so the screen can say it converted something, and otherwise raises
``InputError`` carrying a message key of ``acom_tui/locales`` and its parameters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Final, Generic, TypeVar

__all__ = [
    "HYPHENS",
    "MAX_AMOUNT_YEN",
    "MEMBER_NUMBER_LENGTH",
    "PIN_LENGTH",
    "InputError",
    "Normalized",
    "normalize_digits",
    "parse_amount_yen",
    "parse_email",
    "parse_member_number",
    "parse_phone",
    "parse_pin",
    "parse_postal_code",
]

T = TypeVar("T")

MEMBER_NUMBER_LENGTH: Final = 8
PIN_LENGTH: Final = 4
# Far above any credit line (8,000,000) yet safely inside SQLite's 64-bit integers.
MAX_AMOUNT_YEN: Final = 999_999_999_999

_ASCII_DIGITS: Final = frozenset("0123456789")
_FULL_WIDTH_DIGITS: Final = str.maketrans("０１２３４５６７８９", "0123456789")

HYPHENS: Final = frozenset(
    "-"  # U+002D hyphen-minus
    "\u2010"  # hyphen
    "\u2011"  # non-breaking hyphen
    "\u2012"  # figure dash
    "\u2013"  # en dash
    "\u2014"  # em dash
    "\u2015"  # horizontal bar
    "\u2212"  # minus sign
    "\u30fc"  # katakana long vowel mark: what an IME gives for "-" in kana mode
    "\uff0d"  # full-width hyphen-minus
    "\uff70"  # half-width katakana long vowel mark
    "\ufe63"  # small hyphen-minus
)


@dataclass(frozen=True, slots=True)
class Normalized(Generic[T]):
    """A canonical value, and whether it differs from the text the person typed."""

    value: T
    changed: bool


class InputError(ValueError):
    """Input that cannot be used; ``message_key`` and ``params`` go to ``i18n.t``.

    ``params`` never holds a PIN or any character of one.
    """

    def __init__(
        self,
        field: str,
        code: str,
        message_key: str,
        params: Mapping[str, str | int] | None = None,
    ) -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code
        self.message_key = message_key
        self.params: dict[str, str | int] = dict(params or {})

    def __repr__(self) -> str:
        return (
            f"InputError(field={self.field!r}, code={self.code!r}, "
            f"message_key={self.message_key!r}, params={self.params!r})"
        )


def _describe_char(char: str) -> str:
    """The character itself, or its code point when it would print as nothing."""
    return char if char.isprintable() and not char.isspace() else f"U+{ord(char):04X}"


def _strip_digit_noise(text: str) -> str:
    converted = text.translate(_FULL_WIDTH_DIGITS)
    return "".join(c for c in converted if not c.isspace() and c not in HYPHENS)


def normalize_digits(text: str) -> Normalized[str]:
    """Full-width digits to ASCII; spaces (any Unicode space) and hyphen-likes removed.

    Anything else is left in place so that the caller can name it in an error.
    """
    value = _strip_digit_noise(text)
    return Normalized(value, value != text)


def _first_non_digit(text: str) -> str | None:
    return next((c for c in text if c not in _ASCII_DIGITS), None)


def _check_digits(value: str, *, field_name: str, key_prefix: str, lengths: range) -> None:
    """``EMPTY``, then ``NOT_DIGITS`` naming the first offender, then ``WRONG_LENGTH``."""
    if not value:
        raise InputError(field_name, "EMPTY", f"{key_prefix}.empty")
    bad = _first_non_digit(value)
    if bad is not None:
        raise InputError(
            field_name, "NOT_DIGITS", f"{key_prefix}.not_digits", {"char": _describe_char(bad)}
        )
    if len(value) not in lengths:
        raise InputError(
            field_name, "WRONG_LENGTH", f"{key_prefix}.wrong_length", {"length": len(value)}
        )


def parse_member_number(text: str) -> Normalized[str]:
    """Exactly 8 ASCII digits after ``normalize_digits``."""
    normalized = normalize_digits(text)
    _check_digits(
        normalized.value,
        field_name="member_number",
        key_prefix="login.member_number",
        lengths=range(MEMBER_NUMBER_LENGTH, MEMBER_NUMBER_LENGTH + 1),
    )
    return normalized


def parse_pin(text: str) -> Normalized[str]:
    """Exactly 4 ASCII digits after ``normalize_digits``.

    The code still tells what was wrong, but the message is the same for every malformed
    PIN and carries no parameters: an error must never show a character of a PIN, nor how
    many were typed, to someone looking over the shoulder or reading a log. For the same
    reason no intermediate error holding them is ever created.
    """
    normalized = normalize_digits(text)
    value = normalized.value
    if not value:
        raise InputError("pin", "EMPTY", "login.pin.empty")
    if _first_non_digit(value) is not None:
        raise InputError("pin", "NOT_DIGITS", "login.pin.invalid")
    if len(value) != PIN_LENGTH:
        raise InputError("pin", "WRONG_LENGTH", "login.pin.invalid")
    return normalized


# --- amounts ------------------------------------------------------------------------------

_AMOUNT_WIDTH: Final = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "，": ",",
        "．": ".",
        "￥": "¥",
        # A Japanese keyboard's yen key types a backslash in many terminals and fonts.
        "\\": "¥",
    }
)
_AMOUNT_CHARS: Final = frozenset("0123456789,.万千¥円")
_NUMBER: Final = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_AMOUNT_RE: Final = re.compile(
    rf"(?:(?P<man>{_NUMBER})万)?(?:(?P<sen>{_NUMBER})千)?(?P<rest>{_NUMBER})?"
)


def _amount_error(code: str, **params: str | int) -> InputError:
    return InputError("amount", code, f"input.amount.{code.lower()}", dict(params))


def _decimal(part: str | None) -> Decimal:
    return Decimal(part.replace(",", "")) if part else Decimal(0)


def parse_amount_yen(text: str) -> Normalized[int]:
    """A whole, positive number of yen: ``10000``, ``１０，０００``, ``10,000円``,
    ``¥10,000``, ``1万``, ``1万5000``, ``1万5千``, ``3.5万`` (35000).

    ``changed`` is true whenever the text is not already the plain digits of the value, so
    that the screen can echo how it read ``1万5千`` before money moves.
    Codes: ``EMPTY``, ``NEGATIVE``, ``NOT_A_NUMBER`` (names the first character that has no
    place in an amount), ``INVALID_FORMAT`` (only amount characters, in no sensible order,
    such as ``1,00`` or ``万``), ``FRACTION`` (not a whole yen), ``ZERO``, ``TOO_LARGE``.
    """
    compact = "".join(c for c in text.translate(_AMOUNT_WIDTH) if not c.isspace())
    if not compact:
        raise _amount_error("EMPTY")
    if compact.removeprefix("¥")[:1] in HYPHENS:
        raise _amount_error("NEGATIVE")
    body = compact.removeprefix("¥").removesuffix("円")
    bad = next((c for c in body if c not in _AMOUNT_CHARS), None)
    if bad is not None:
        raise _amount_error("NOT_A_NUMBER", char=_describe_char(bad))
    match = _AMOUNT_RE.fullmatch(body)
    if not body or match is None or not any(match.groupdict().values()):
        raise _amount_error("INVALID_FORMAT")
    # Enough precision that no digit typed is ever rounded away (28 would turn
    # 1.00000000000000000000000000001 into a whole yen).
    with localcontext(prec=len(body) + 10):
        man, sen, rest = (_decimal(match[name]) for name in ("man", "sen", "rest"))
        # "1万15000" or "5千2000" is a typo, not an amount anyone means.
        if (match["man"] and sen * 1000 + rest >= 10_000) or (match["sen"] and rest >= 1000):
            raise _amount_error("INVALID_FORMAT")
        total = man * 10_000 + sen * 1000 + rest
    if total != total.to_integral_value():
        raise _amount_error("FRACTION")
    value = int(total)
    if value == 0:
        raise _amount_error("ZERO")
    if value > MAX_AMOUNT_YEN:
        raise _amount_error("TOO_LARGE")
    return Normalized(value, str(value) != text)


# --- postal code, phone, e-mail --------------------------------------------------------------


def parse_postal_code(text: str) -> Normalized[str]:
    """Seven digits, returned as ``NNN-NNNN`` (the API form); a leading 〒 is accepted."""
    digits = _strip_digit_noise(text).removeprefix("〒")
    _check_digits(
        digits, field_name="postal_code", key_prefix="input.postal_code", lengths=range(7, 8)
    )
    value = f"{digits[:3]}-{digits[3:]}"
    return Normalized(value, value != text)


_PHONE_PUNCTUATION: Final = frozenset("()（）")


def parse_phone(text: str, *, field_name: str = "phone") -> Normalized[str]:
    """A Japanese number: 10 or 11 digits starting with 0, returned as digits only.

    Digits only, because where the hyphens go in a landline number depends on the length
    of its area code (03-1234-5678, 0465-12-3456), which the server need not know.
    ``03(1234)5678``, ``+81 90-1234-5678`` and full-width digits are accepted.
    Codes: ``EMPTY``, ``NOT_DIGITS``, ``WRONG_LENGTH``, ``NOT_DOMESTIC``.
    """
    digits = "".join(c for c in _strip_digit_noise(text) if c not in _PHONE_PUNCTUATION)
    if digits.startswith(("+81", "＋81")):
        # +81 replaces the trunk 0; "+81 (0)3 ..." writes it anyway.
        digits = "0" + digits[3:].removeprefix("0")
    _check_digits(digits, field_name=field_name, key_prefix="input.phone", lengths=range(10, 12))
    if not digits.startswith("0"):
        raise InputError(field_name, "NOT_DOMESTIC", "input.phone.not_domestic")
    return Normalized(digits, digits != text)


_FULL_WIDTH_ASCII: Final = str.maketrans(
    {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
)
_LOCAL_CHARS: Final = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~."
)
_DOMAIN_LABEL_RE: Final = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def parse_email(text: str) -> Normalized[str]:
    """A plain ``local@domain`` address, full-width ASCII folded, domain lower-cased.

    Deliberately simple (no quoted local parts, no IP literals, ASCII only, because the
    reminder mails must reach it through any Japanese carrier). Consecutive dots and a dot
    right before ``@`` are accepted: older docomo and au addresses have them and their
    owners cannot change them. Codes: ``EMPTY``, ``INVALID_CHAR``, ``MISSING_AT``,
    ``INVALID_FORMAT``, ``TOO_LONG``.
    """
    value = text.translate(_FULL_WIDTH_ASCII).strip()
    prefix = "input.email"
    if not value:
        raise InputError("email", "EMPTY", f"{prefix}.empty")
    bad = next((c for c in value if not ("!" <= c <= "~")), None)
    if bad is not None:
        raise InputError(
            "email", "INVALID_CHAR", f"{prefix}.invalid_char", {"char": _describe_char(bad)}
        )
    if "@" not in value:
        raise InputError("email", "MISSING_AT", f"{prefix}.missing_at")
    if len(value) > 254:
        raise InputError("email", "TOO_LONG", f"{prefix}.too_long")
    local, _, domain = value.rpartition("@")
    labels = domain.split(".")
    valid = (
        0 < len(local) <= 64
        and all(c in _LOCAL_CHARS for c in local)
        and len(labels) >= 2
        and all(_DOMAIN_LABEL_RE.fullmatch(label) for label in labels)
        and labels[-1].isalpha()
        and len(labels[-1]) >= 2
    )
    if not valid:
        raise InputError("email", "INVALID_FORMAT", f"{prefix}.invalid_format")
    value = f"{local}@{domain.lower()}"
    return Normalized(value, value != text)
