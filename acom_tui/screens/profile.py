"""Registered information (SPEC 2.10): address, phones, e-mail, employer, income.

Credit data is shown, not edited: other lenders' balances come from the credit bureau
(a wrong figure is corrected by calling the desk), and beside the income as declared the
screen shows the income the credit rules use, which changes only once an income
certificate uploaded after the declaration has been accepted.

Every field is checked here as the member leaves it and again before saving, with the
rules the server applies (``docs/rules-services.md``), so a typo costs nothing. Only what
really changed is sent; a value typed again in another form (``09012345678`` for
``090-1234-5678``) is no change. Every real change needs the current PIN again (the mock
asks it for income too: it decides the credit line), through the step-up prompt. When the
server still refuses a field, its ``details.field`` puts the message beside that field.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Final

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label

from acom_contract.registered_info import MAX_INCOME, PREFECTURES
from acom_tui.dialogs.prefecture_picker import PrefecturePicker
from acom_tui.dialogs.step_up import StepUpOutcome, StepUpPrompt, join_names
from acom_tui.formatting import format_date, format_yen
from acom_tui.i18n import get_language, t
from acom_tui.normalize import (
    InputError,
    Normalized,
    parse_amount_yen,
    parse_email,
    parse_phone,
    parse_postal_code,
)
from acom_tui.screens.base import AcomScreen
from acom_tui.signals import AccountChanged
from acom_tui.support_desk import SUPPORT_PHONE
from acom_tui.widgets.banner import Banner, BannerVariant
from acom_tui.widgets.form_input import FormInput
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.plain_button import PlainButton
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from pydantic import SecretStr

    from acom_contract.schemas import Profile
    from acom_tui.api.errors import ValidationFailed

__all__ = [
    "FIELDS",
    "FormField",
    "ProfileChanges",
    "ProfileScreen",
    "collect_changes",
    "credit_notes",
    "field_problem",
    "form_values",
    "parse_field",
    "parse_prefecture",
]

log = logging.getLogger("acom_tui.profile")

_MOBILE_PREFIXES: Final = ("070", "080", "090")
_ELEVEN_DIGIT_PREFIXES: Final = (*_MOBILE_PREFIXES, "050")
_HYPHENATED_PHONE: Final = re.compile(r"0[0-9]{1,4}-[0-9]{1,4}-[0-9]{3,4}")


@dataclass(frozen=True, slots=True)
class FormField:
    """One input of the form; ``name`` is the API's field path (``address.postal_code``)."""

    name: str
    key: str
    """The field's name in the catalogue keys (``settings.profile.field.<key>``)."""
    section: str
    width: int
    yen: bool = False

    @property
    def input_id(self) -> str:
        return "pf-" + self.name.replace(".", "-")

    @property
    def label_key(self) -> str:
        return f"settings.profile.field.{self.key}"

    @property
    def rule_key(self) -> str:
        return f"settings.profile.rule.{self.key}"


FIELDS: Final[tuple[FormField, ...]] = (
    FormField("address.postal_code", "postal_code", "address", 12),
    FormField("address.prefecture", "prefecture", "address", 14),
    FormField("address.city", "city", "address", 34),
    FormField("address.line1", "street", "address", 34),
    FormField("address.line2", "building", "address", 34),
    FormField("home_phone", "home_phone", "contact", 18),
    FormField("mobile_phone", "mobile_phone", "contact", 18),
    FormField("email", "email", "contact", 34),
    FormField("employer.name", "employer_name", "work", 34),
    FormField("employer.phone", "employer_phone", "work", 18),
    FormField("annual_income", "annual_income", "work", 16, yen=True),
)
_BY_NAME: Final = {f.name: f for f in FIELDS}
SECTIONS: Final = ("address", "contact", "work")
_TEXT_LIMITS: Final = {
    "address.city": 50,
    "address.line1": 100,
    "address.line2": 100,
    "employer.name": 100,
}
_OPTIONAL: Final = frozenset({"address.line2", "home_phone", "mobile_phone", "email"})
_HINTS: Final = frozenset({"prefecture", "email"})


# --- the rules, as plain functions --------------------------------------------------------


def _error(name: str, code: str, **params: str | int) -> InputError:
    return InputError(name, code, f"settings.profile.error.{code.lower()}", params)


def parse_prefecture(text: str) -> Normalized[str]:
    """One of the 47, written in full; ``東京`` or ``大阪`` alone is completed when unique."""
    value = text.strip()
    if not value:
        raise _error("address.prefecture", "EMPTY")
    if value in PREFECTURES:
        return Normalized(value, value != text)
    matches = [p for p in PREFECTURES if p.startswith(value)]
    if len(matches) == 1:
        return Normalized(matches[0], True)
    raise _error("address.prefecture", "PREFECTURE")


def _parse_text(name: str, text: str) -> Normalized[str]:
    # Leading and trailing spaces (ideographic ones too) are trimmed rather than refused.
    value = text.strip()
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in value):
        raise _error(name, "CONTROL")
    if not value and name not in _OPTIONAL:
        raise _error(name, "EMPTY")
    limit = _TEXT_LIMITS[name]
    if len(value) > limit:
        raise _error(name, "TOO_LONG", limit=limit, length=len(value))
    return Normalized(value, value != text)


def _parse_phone(name: str, text: str, *, mobile: bool) -> Normalized[str]:
    parsed = parse_phone(text, field_name=name)
    digits = parsed.value
    # Hyphens where the member put them are kept: the server accepts both forms, and
    # 090-1234-5678 is easier to check than eleven digits in a row.
    if _HYPHENATED_PHONE.fullmatch(text.strip()):
        parsed = Normalized(text.strip(), text.strip() != text)
    if mobile:
        if len(digits) != 11 or not digits.startswith(_MOBILE_PREFIXES):
            raise _error(name, "MOBILE")
    elif len(digits) == 11 and not digits.startswith(_ELEVEN_DIGIT_PREFIXES):
        raise _error(name, "PHONE_ELEVEN")
    elif len(digits) == 10 and digits[1] == "0":
        raise _error(name, "PHONE_TEN")
    return parsed


def _parse_money(name: str, text: str) -> Normalized[int]:
    try:
        parsed = parse_amount_yen(text)
    except InputError as error:
        # No income (a student, a homemaker) is a value, not a mistake.
        if error.code == "ZERO":
            return Normalized(0, text.strip() != "0")
        raise InputError(name, error.code, error.message_key, error.params) from None
    if parsed.value >= MAX_INCOME:
        raise InputError(name, "TOO_LARGE", "input.amount.too_large")
    return parsed


def parse_field(name: str, text: str) -> Normalized[Any]:
    """The canonical value of one field; ``None`` for an optional field left empty.

    Raises ``InputError`` (``field`` is ``name``) with a catalogue key and parameters.
    """
    if name in _OPTIONAL and not text.strip():
        return Normalized(None if name != "address.line2" else "", bool(text))
    if name == "address.postal_code":
        try:
            return parse_postal_code(text)
        except InputError as error:
            raise InputError(name, error.code, error.message_key, error.params) from None
    if name == "address.prefecture":
        return parse_prefecture(text)
    if name in _TEXT_LIMITS:
        return _parse_text(name, text)
    if name in ("home_phone", "employer.phone"):
        return _parse_phone(name, text, mobile=False)
    if name == "mobile_phone":
        return _parse_phone(name, text, mobile=True)
    if name == "email":
        try:
            return parse_email(text)
        except InputError as error:
            raise InputError(name, error.code, error.message_key, error.params) from None
    if name == "annual_income":
        return _parse_money(name, text)
    raise KeyError(name)


def display_text(name: str, value: Any) -> str:
    """How a canonical value is written back into its input."""
    if value is None:
        return ""
    if _BY_NAME[name].yen:
        return f"{value:,}"
    return str(value)


def form_values(profile: Profile) -> dict[str, str]:
    """The text each input starts with."""
    return {
        "address.postal_code": profile.address.postal_code,
        "address.prefecture": profile.address.prefecture,
        "address.city": profile.address.city,
        "address.line1": profile.address.line1,
        "address.line2": profile.address.line2,
        "home_phone": profile.home_phone or "",
        "mobile_phone": profile.mobile_phone or "",
        "email": profile.email or "",
        "employer.name": profile.employer.name,
        "employer.phone": profile.employer.phone,
        "annual_income": f"{profile.annual_income:,}",
    }


def _same_phone(old: str | None, new: str | None) -> bool:
    # The server keeps numbers as they were written (090-1234-5678); digits decide.
    def digits(value: str | None) -> str:
        return "".join(c for c in value or "" if c.isdigit())

    return digits(old) == digits(new)


_PHONES: Final = ("home_phone", "mobile_phone")


def _phone_left(profile: Profile, name: str, parsed: Mapping[str, Any]) -> InputError | None:
    """At least one phone must stay: the error goes on the one being emptied."""
    if any(parsed.get(phone) for phone in _PHONES):
        return None
    emptied = [phone for phone in _PHONES if getattr(profile, phone)] or ["mobile_phone"]
    return _error(name, "ONE_PHONE") if name in emptied else None


def field_problem(profile: Profile, values: Mapping[str, str], name: str) -> InputError | None:
    """The problem of one field as the member leaves it (its own rule and the phone rule)."""
    try:
        value = parse_field(name, values.get(name, "")).value
    except InputError as error:
        return error
    if name not in _PHONES:
        return None
    other = next(phone for phone in _PHONES if phone != name)
    try:
        other_value = parse_field(other, values.get(other, "")).value
    except InputError:
        return None
    return _phone_left(profile, name, {name: value, other: other_value})


@dataclass
class ProfileChanges:
    """What the form asks for: the PATCH body, or the problems to fix first."""

    update: dict[str, Any] = field(default_factory=dict)
    """Keyword arguments of ``ProfileUpdate``: only what changed."""
    problems: dict[str, InputError] = field(default_factory=dict)
    normalized: dict[str, str] = field(default_factory=dict)
    """Fields whose text was converted (full-width digits, 1万...), with the new text."""

    @property
    def changed(self) -> list[str]:
        """Names of the groups that change, in form order (``address``, ``email``...)."""
        return list(self.update)


def collect_changes(profile: Profile, values: Mapping[str, str]) -> ProfileChanges:
    """Check every field of the form and work out the change against ``profile``."""
    result = ProfileChanges()
    parsed: dict[str, Any] = {}
    for form_field in FIELDS:
        name = form_field.name
        text = values.get(name, "")
        try:
            value = parse_field(name, text)
        except InputError as error:
            result.problems[name] = error
            continue
        parsed[name] = value.value
        if value.changed and display_text(name, value.value) != text:
            result.normalized[name] = display_text(name, value.value)
    for name in _PHONES:
        if name in parsed and (problem := _phone_left(profile, name, parsed)) is not None:
            result.problems.setdefault(name, problem)
    if result.problems:
        return result

    from acom_contract.schemas import Address, Employer

    address = Address(
        postal_code=parsed["address.postal_code"],
        prefecture=parsed["address.prefecture"],
        city=parsed["address.city"],
        line1=parsed["address.line1"],
        line2=parsed["address.line2"],
    )
    if address != profile.address:
        result.update["address"] = address
    for name in ("home_phone", "mobile_phone"):
        if not _same_phone(getattr(profile, name), parsed[name]):
            result.update[name] = parsed[name]
    if parsed["email"] != profile.email:
        result.update["email"] = parsed["email"]
    employer = Employer(name=parsed["employer.name"], phone=parsed["employer.phone"])
    if employer.name != profile.employer.name or not _same_phone(
        employer.phone, profile.employer.phone
    ):
        result.update["employer"] = employer
    if parsed["annual_income"] != profile.annual_income:
        result.update["annual_income"] = parsed["annual_income"]
    return result


def credit_notes(profile: Profile) -> tuple[str, str]:
    """What the member is told about the income the rules use and other lenders' balances."""
    lang = get_language()
    if profile.income_certificate_needed:
        income = t(
            "settings.profile.note.income_pending",
            declared=format_yen(profile.annual_income, lang),
            verified=format_yen(profile.verified_annual_income, lang),
        )
    else:
        income = t("settings.profile.note.income")
    return income, t("settings.profile.note.other_lenders", phone=SUPPORT_PHONE)


# --- the screen ---------------------------------------------------------------------------


class ProfileScreen(AcomScreen[None]):
    CSS_PATH = "settings.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f8", "save", "settings.keys.save", id="profile.save"),
        Binding("f3", "pick_prefecture", "settings.keys.prefecture", id="profile.prefecture"),
        Binding("f5", "reload", "settings.keys.undo", id="profile.reload"),
        Binding("escape", "back", "keys.back", id="profile.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.profile: Profile | None = None
        self._leave_armed = False

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("settings.profile.title"))
        with VerticalScroll(id="profile-body", classes="form-body"):
            yield Banner("", variant="error", id="profile-status", classes="form-status")
            yield Label(t("settings.profile.section.member"), classes="section")
            for key in ("member_number", "name", "birthday", "bank"):
                with Horizontal(classes="form-row"):
                    yield Label(t(f"settings.profile.info.{key}"), classes="form-label")
                    yield Label("", id=f"pf-info-{key}", classes="form-value", markup=False)
            yield Prose(t("settings.profile.info.fixed"), classes="field-message")
            for section in SECTIONS:
                yield Label(t(f"settings.profile.section.{section}"), classes="section")
                for form_field in (f for f in FIELDS if f.section == section):
                    with Horizontal(classes="form-row"):
                        yield Label(t(form_field.label_key), classes="form-label")
                        yield FormInput(
                            enter_moves_on=True,
                            id=form_field.input_id,
                            compact=True,
                            max_length=120,
                            classes="profile-input",
                        ).set_styles(f"width: {form_field.width};")
                        if form_field.yen:
                            yield Label(t("settings.yen_unit"), classes="unit")
                    yield Prose(
                        self._hint(form_field.name),
                        id=f"{form_field.input_id}-message",
                        classes="field-message"
                        + ("" if self._hint(form_field.name) else " -empty"),
                    )
                if section == "work":
                    yield from self._credit_rows()
            with Horizontal(classes="actions"):
                yield PlainButton(
                    t("settings.profile.save"), id="profile-save", variant="primary", compact=True
                )
                yield PlainButton(t("common.back"), id="profile-back", compact=True)
        yield KeyBar()

    @staticmethod
    def _credit_rows() -> ComposeResult:
        """Read-only: the income the rules use and other lenders' balances, with how to
        report a change of each."""
        for key in ("verified_income", "other_lenders"):
            with Horizontal(classes="form-row"):
                yield Label(t(f"settings.profile.info.{key}"), classes="form-label")
                yield Label("", id=f"pf-info-{key}", classes="form-value", markup=False)
            yield Prose("", id=f"pf-note-{key}", classes="field-message")

    @staticmethod
    def _hint(name: str) -> str:
        key = _BY_NAME[name].key
        return t(f"settings.profile.hint.{key}") if key in _HINTS else ""

    def on_mount(self) -> None:
        for form_input in self.query(Input):
            if self.app.animation_level == "none":
                form_input.cursor_blink = False
        self.load()

    # --- loading ----------------------------------------------------------------------

    def load(self) -> None:
        """The registered details: fetched before the push, else now (afresh on reload)."""
        self.show_first(self._loaded, busy_on=self.query_one("#profile-body"), busy_after=0)

    async def fetch_first(self) -> Profile | Exception | None:
        session = self.acom.session
        if session is None:
            return None
        try:
            return await session.backend.client.profile()
        except Exception as error:
            return error

    def _loaded(self, profile: Profile | Exception | None) -> None:
        if profile is None:
            return
        if isinstance(profile, Exception):
            self.acom.report_error(profile, inline=self._status_error)
            return
        self.show_profile(profile)
        self.query_one(f"#{FIELDS[0].input_id}").focus()

    def show_profile(self, profile: Profile) -> None:
        """Fill the form from ``profile``; every message beside a field is reset."""
        self.profile = profile
        lang = get_language()
        bank = profile.bank_account
        info = {
            "member_number": profile.member_number,
            "name": f"{profile.name}（{profile.name_kana}）",
            "birthday": format_date(profile.birthday, lang),
            "bank": f"{bank.bank_name} {bank.branch_name} {bank.account_number_masked}",
        }
        info["verified_income"] = format_yen(profile.verified_annual_income, lang)
        info["other_lenders"] = format_yen(profile.other_lenders_balance, lang)
        for key, value in info.items():
            self.query_one(f"#pf-info-{key}", Label).update(value)
        income_note, others_note = credit_notes(profile)
        self.query_one("#pf-note-verified_income", Prose).update(income_note)
        self.query_one("#pf-note-other_lenders", Prose).update(others_note)
        for name, text in form_values(profile).items():
            self.query_one(f"#{_BY_NAME[name].input_id}", Input).value = text
            self._field_message(name, self._hint(name), "hint")
        self._leave_armed = False

    # --- messages beside the fields -----------------------------------------------------

    def _field_message(self, name: str, text: str, kind: str = "hint") -> None:
        message = self.query_one(f"#{_BY_NAME[name].input_id}-message", Prose)
        message.update(text)
        message.set_class(not text, "-empty")
        message.set_class(kind == "error", "-error")
        message.set_class(kind == "note", "-note")

    def field_message(self, name: str) -> str:
        return self.query_one(f"#{_BY_NAME[name].input_id}-message", Prose).text

    def _status(self, text: str, variant: BannerVariant = "error") -> None:
        self.query_one("#profile-status", Banner).show(text, variant)
        self.query_one("#profile-body", VerticalScroll).scroll_home(animate=False)

    def _status_error(self, text: str) -> None:
        self._status(text, "error")

    @property
    def status_text(self) -> str:
        return self.query_one("#profile-status", Banner).text

    def _values(self) -> dict[str, str]:
        return {f.name: self.query_one(f"#{f.input_id}", Input).value for f in FIELDS}

    @property
    def dirty(self) -> bool:
        return self.profile is not None and self._values() != form_values(self.profile)

    def _name_of(self, form_input: Input) -> str | None:
        return next((f.name for f in FIELDS if f.input_id == form_input.id), None)

    @on(Input.Blurred, ".profile-input")
    def _check_one(self, event: Input.Blurred) -> None:
        name = self._name_of(event.input)
        if name is None or self.profile is None:
            return
        problem = field_problem(self.profile, self._values(), name)
        if problem is not None:
            self._field_message(name, t(problem.message_key, **problem.params), "error")
            return
        if name == "email" and not event.value.strip() and self.profile.email:
            self._field_message(name, t("settings.profile.email_removed"), "note")
        else:
            self._field_message(name, self._hint(name), "hint")

    @on(Input.Changed, ".profile-input")
    def _edited(self) -> None:
        self._leave_armed = False

    # --- saving -----------------------------------------------------------------------

    @on(Button.Pressed, "#profile-save")
    def action_save(self) -> None:
        if self.profile is None:
            return
        self.query_one("#profile-status", Banner).clear()
        changes = collect_changes(self.profile, self._values())
        for name in (f.name for f in FIELDS):
            problem = changes.problems.get(name)
            if problem is not None:
                self._field_message(name, t(problem.message_key, **problem.params), "error")
            elif name in changes.normalized:
                self.query_one(f"#{_BY_NAME[name].input_id}", Input).value = changes.normalized[
                    name
                ]
                self._field_message(name, t("settings.profile.converted"), "note")
            else:
                self._field_message(name, self._hint(name), "hint")
        if changes.problems:
            self._status(t("settings.profile.fix_errors", count=len(changes.problems)))
            first = next(f for f in FIELDS if f.name in changes.problems)
            self.query_one(f"#{first.input_id}").focus()
            return
        if not changes.update:
            self._status(t("settings.profile.no_changes"), "info")
            return
        labels = [t(f"settings.profile.group.{name}") for name in changes.changed]
        self.app.push_screen(
            StepUpPrompt(
                title=t("settings.profile.stepup_title"),
                changes=labels,
                action=self._sender(changes.update),
            ),
            self._saved,
        )

    def _sender(self, update: Mapping[str, Any]) -> Callable[[SecretStr], Any]:
        session = self.acom.session

        async def send(pin: SecretStr) -> Profile:
            from acom_contract.schemas import ProfileUpdate
            from acom_tui.api.errors import Unauthenticated

            if session is None:
                raise Unauthenticated("not logged in")
            changes = ProfileUpdate(**update)
            return await session.backend.client.update_profile(changes, current_pin=pin)

        return send

    def _saved(self, outcome: StepUpOutcome[Profile] | None) -> None:
        if outcome is None or outcome.cancelled:
            self._status(t("settings.profile.not_saved"), "info")
            return
        if outcome.error is not None:
            self._server_refused(outcome.error)
            return
        before = self.profile
        assert outcome.value is not None
        self.show_profile(outcome.value)
        # A declared income or employer can change what the account shows (a certificate
        # asked for, the credit check): the dashboard fetches it again.
        self.acom.account_changed.publish(AccountChanged())
        changed = collect_changes(before, form_values(outcome.value)).changed if before else []
        labels = join_names([t(f"settings.profile.group.{n}") for n in changed])
        self._status(t("settings.profile.saved", changes=labels), "success")
        if "annual_income" in changed and outcome.value.income_certificate_needed:
            self.notify(t("settings.profile.reported_pending"), timeout=8)
        elif {"employer", "annual_income"} & set(changed):
            self.notify(t("settings.profile.reported"), timeout=8)

    def _server_refused(self, error: BaseException) -> None:
        from acom_tui.api.errors import ValidationFailed

        if isinstance(error, ValidationFailed) and self._show_field_errors(error):
            self._status(t("settings.profile.server_refused"))
            return
        self.acom.report_error(error, inline=self._status_error)

    def _show_field_errors(self, error: ValidationFailed) -> bool:
        fields = [e.field for e in error.errors] or ([error.field] if error.field else [])
        shown = [name for name in fields if name in _BY_NAME]
        for name in shown:
            # The server's words are English; the rule of the field says the same, translated.
            log.info("server refused %s", name)
            self._field_message(name, t(_BY_NAME[name].rule_key), "error")
        if shown:
            self.query_one(f"#{_BY_NAME[shown[0]].input_id}").focus()
        return bool(shown)

    # --- keys -------------------------------------------------------------------------

    def action_pick_prefecture(self) -> None:
        target = self.query_one(f"#{_BY_NAME['address.prefecture'].input_id}", Input)

        def picked(value: str | None) -> None:
            if value:
                target.value = value
                self._field_message("address.prefecture", self._hint("address.prefecture"))
            target.focus()

        self.app.push_screen(PrefecturePicker(target.value.strip(), PREFECTURES), picked)

    def action_reload(self) -> None:
        self.query_one("#profile-status", Banner).clear()
        self.load()

    @on(Button.Pressed, "#profile-back")
    def action_back(self) -> None:
        if self.dirty and not self._leave_armed:
            self._leave_armed = True
            self._status(t("settings.profile.unsaved"), "warning")
            return
        self.dismiss()
