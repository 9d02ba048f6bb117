"""Registered information (SPEC 2.10) and electronic-delivery consent (SPEC 2.9)."""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from datetime import date

from fastapi import APIRouter

from acom_contract.registered_info import MAX_INCOME, PREFECTURES
from acom_contract.schemas import (
    Address,
    BankAccount,
    ElectronicDelivery,
    ElectronicDeliveryUpdate,
    Employer,
    Profile,
    ProfileUpdate,
)
from mock_server import money_service
from mock_server.auth import Ctx, MemberId
from mock_server.banks import BY_CODE
from mock_server.errors import ApiError, responses
from mock_server.routes.pin import check_step_up, require_pin_format
from mock_server.store import audit, members
from mock_server.store import profile as profile_store
from mock_server.store.timefmt import iso, parse_opt

router = APIRouter(tags=["registered information"])

TEXT_LIMITS = {"city": 50, "line1": 100, "line2": 100, "employer.name": 100}

_POSTAL_CODE = re.compile(r"[0-9]{3}-[0-9]{4}")
# All digits, or three hyphen groups: 0312345678, 03-1234-5678, 090-1234-5678, 0120-123-456.
_PHONE_SHAPE = re.compile(r"0[0-9]{9,10}|0[0-9]{1,4}-[0-9]{1,4}-[0-9]{3,4}")
_MOBILE_PREFIXES = ("070", "080", "090")
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)


# --- field rules (plain functions: a message, or None when the value is fine) -------------


def phone_problem(value: str, *, mobile: bool) -> str | None:
    """Japanese numbers as written on forms, ASCII digits with optional hyphens.

    Landlines, toll-free and navi-dial numbers have 10 digits (0 + area code + number);
    mobiles (070/080/090) and IP phones (050) have 11.
    """
    digits = value.replace("-", "")
    if not _PHONE_SHAPE.fullmatch(value):
        return "must be a Japanese phone number such as 090-1234-5678 (ASCII digits, hyphens)"
    if mobile:
        if len(digits) != 11 or not digits.startswith(_MOBILE_PREFIXES):
            return "must be an 11-digit mobile number starting 070, 080 or 090"
        return None
    if len(digits) == 11 and digits.startswith((*_MOBILE_PREFIXES, "050")):
        return None
    if len(digits) == 10 and digits[1] != "0":
        return None
    return "must have 10 digits (landline) or 11 digits (mobile or 050)"


def email_problem(value: str) -> str | None:
    local, _, domain = value.rpartition("@")
    if len(value) > 254 or len(local) > 64 or not _EMAIL.fullmatch(value) or "." not in domain:
        return "must be an e-mail address such as name@example.jp"
    return None


def text_problem(value: str, limit: int, *, required: bool = True) -> str | None:
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in value):
        return "must not contain control characters"
    if required and not value.strip():
        return "must not be empty"
    if value != value.strip():
        return "must not start or end with spaces"
    if len(value) > limit:
        return f"must be at most {limit} characters"
    return None


def address_problems(address: Address) -> list[tuple[str, str]]:
    found = []
    if not _POSTAL_CODE.fullmatch(address.postal_code):
        found.append(("address.postal_code", "must be NNN-NNNN in ASCII digits, e.g. 160-0023"))
    if address.prefecture not in PREFECTURES:
        found.append(("address.prefecture", "must be one of the 47 prefectures, e.g. 東京都"))
    for name in ("city", "line1", "line2"):
        problem = text_problem(getattr(address, name), TEXT_LIMITS[name], required=name != "line2")
        if problem:
            found.append((f"address.{name}", problem))
    return found


def money_problem(value: int) -> str | None:
    if not 0 <= value < MAX_INCOME:
        return f"must be at least 0 and less than {MAX_INCOME:,} yen"
    return None


def update_problems(update: ProfileUpdate, fields: set[str]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for name in ("address", "employer", "annual_income"):
        if name in fields and getattr(update, name) is None:
            found.append((name, "cannot be removed, only changed"))
    if update.address is not None:
        found += address_problems(update.address)
    for name in ("home_phone", "mobile_phone"):
        value = getattr(update, name)
        if value is not None and (problem := phone_problem(value, mobile=name == "mobile_phone")):
            found.append((name, problem))
    if update.email is not None and (problem := email_problem(update.email)):
        found.append(("email", problem))
    if update.employer is not None:
        if problem := text_problem(update.employer.name, TEXT_LIMITS["employer.name"]):
            found.append(("employer.name", problem))
        if problem := phone_problem(update.employer.phone, mobile=False):
            found.append(("employer.phone", problem))
    if update.annual_income is not None and (problem := money_problem(update.annual_income)):
        found.append(("annual_income", problem))
    return found


def field_errors(problems: list[tuple[str, str]]) -> ApiError:
    first_field, first_message = problems[0]
    return ApiError(
        422,
        "VALIDATION_ERROR",
        f"{first_field}: {first_message}",
        {
            "field": first_field,
            "errors": [{"field": field, "message": message} for field, message in problems],
        },
    )


# --- the resource -------------------------------------------------------------------------


def _mask(account_number: str) -> str:
    return "*" * max(0, len(account_number) - 3) + account_number[-3:]


def profile_from_row(member: sqlite3.Row, income: money_service.Income) -> Profile:
    bank = BY_CODE.get(member["bank_code"])
    return Profile(
        member_number=member["member_number"],
        name=member["name"],
        name_kana=member["name_kana"],
        birthday=date.fromisoformat(member["birthday"]),
        address=Address(
            postal_code=member["postal_code"],
            prefecture=member["prefecture"],
            city=member["city"],
            line1=member["line1"],
            line2=member["line2"],
        ),
        home_phone=member["home_phone"],
        mobile_phone=member["mobile_phone"],
        email=member["email"],
        employer=Employer(name=member["employer_name"], phone=member["employer_phone"]),
        annual_income=income.declared,
        verified_annual_income=income.verified,
        income_certificate_needed=income.certificate_needed,
        other_lenders_balance=member["other_lenders_balance"],
        bank_account=BankAccount(
            bank_code=member["bank_code"],
            bank_name=bank.name if bank else member["bank_code"],
            branch_name=member["branch_name"],
            account_type=member["account_type"],
            account_number_masked=_mask(member["account_number"]),
            holder_kana=member["holder_kana"],
        ),
        employer_reported_at=parse_opt(member["employer_reported_at"]),
        income_reported_at=parse_opt(member["income_reported_at"]),
    )


def changed_columns(
    member: sqlite3.Row, update: ProfileUpdate, fields: set[str]
) -> dict[str, object]:
    """The member columns this update really changes (a value sent unchanged is no change)."""
    wanted: dict[str, object] = {}
    if update.address is not None:
        wanted.update(update.address.model_dump())  # its names are the column names
    for name in ("home_phone", "mobile_phone", "email"):
        if name in fields:
            wanted[name] = getattr(update, name)
    if update.employer is not None:
        wanted["employer_name"] = update.employer.name
        wanted["employer_phone"] = update.employer.phone
    if update.annual_income is not None:
        wanted["annual_income"] = update.annual_income
    return {column: value for column, value in wanted.items() if member[column] != value}


@router.get("/v1/me/profile", response_model=Profile, responses=responses(401, 403, 503))
def get_profile(member_number: MemberId, ctx: Ctx) -> Profile:
    with ctx.store.read() as conn:
        member = members.get(conn, member_number)
        assert member is not None  # a session exists only for a member
        return profile_from_row(member, money_service.income(conn, member, ctx.now()))


@router.patch(
    "/v1/me/profile", response_model=Profile, responses=responses(401, 403, 422, 423, 503)
)
def update_profile(body: ProfileUpdate, member_number: MemberId, ctx: Ctx) -> Profile:
    """Change the fields sent. Any real change needs ``current_pin`` (step-up, SPEC 2.2)."""
    fields = set(body.model_fields_set) - {"current_pin"}
    problems = update_problems(body, fields)
    if problems:
        raise field_errors(problems)
    pin = body.current_pin.get_secret_value() if body.current_pin is not None else None
    if pin is not None:
        require_pin_format("current_pin", pin)
    now = ctx.now()
    error: ApiError | None = None
    with ctx.store.write() as conn:
        member = members.get(conn, member_number)
        assert member is not None
        changes = changed_columns(member, body, fields)
        if changes:
            if ("home_phone" in changes or "mobile_phone" in changes) and not _keeps_a_phone(
                member, changes
            ):
                field = "mobile_phone" if "mobile_phone" in changes else "home_phone"
                raise field_errors([(field, "at least one phone number must stay registered")])
            if pin is None:
                raise field_errors([("current_pin", "required for this change")])
            error = check_step_up(conn, member, pin, now, "profile_update", ctx.settings.scrypt)
        if changes and error is None:
            if {"employer_name", "employer_phone"} & changes.keys():
                changes["employer_reported_at"] = iso(now)
            if "annual_income" in changes:
                changes["income_reported_at"] = iso(now)
                # A declaration still waiting for its certificate is settled first: one
                # accepted by now has made its figure the verified one.
                verified = money_service.income(conn, member, now).verified
                profile_store.set_verified_income(conn, member_number, verified)
            profile_store.update(conn, member_number, changes)
            audit.add(
                conn,
                now,
                "member",
                member_number,
                "profile_update",
                member_number,
                # Field names only: the audit log is read by staff, the values are personal.
                details={"fields": sorted(changes)},
            )
        member = members.get(conn, member_number)
        assert member is not None
        income = money_service.income(conn, member, now)
    if error is not None:
        raise error
    return profile_from_row(member, income)


def _keeps_a_phone(member: sqlite3.Row, changes: dict[str, object]) -> bool:
    home = changes.get("home_phone", member["home_phone"])
    mobile = changes.get("mobile_phone", member["mobile_phone"])
    return bool(home or mobile)


# --- electronic delivery (電磁交付) ---------------------------------------------------------


def _delivery(conn: sqlite3.Connection, member: sqlite3.Row) -> ElectronicDelivery:
    consent = bool(member["e_delivery"])
    updated = profile_store.e_delivery_updated_at(conn, member["member_number"])
    consented_at = parse_opt(member["e_delivery_at"]) if consent else None
    return ElectronicDelivery(
        consent=consent,
        consented_at=consented_at,
        # Never changed through the API: the last change is the consent given at contract.
        updated_at=parse_opt(updated) if updated is not None else consented_at,
    )


@router.get(
    "/v1/me/electronic-delivery",
    response_model=ElectronicDelivery,
    responses=responses(401, 403, 503),
)
def get_electronic_delivery(member_number: MemberId, ctx: Ctx) -> ElectronicDelivery:
    with ctx.store.read() as conn:
        member = members.get(conn, member_number)
        assert member is not None
        return _delivery(conn, member)


@router.put(
    "/v1/me/electronic-delivery",
    response_model=ElectronicDelivery,
    responses=responses(401, 403, 422, 503),
)
def put_electronic_delivery(
    body: ElectronicDeliveryUpdate, member_number: MemberId, ctx: Ctx
) -> ElectronicDelivery:
    """Give or withdraw consent. Repeating the current choice keeps its original time."""
    now = ctx.now()
    with ctx.store.write() as conn:
        member = members.get(conn, member_number)
        assert member is not None
        if bool(member["e_delivery"]) != body.consent:
            profile_store.set_e_delivery(conn, member_number, body.consent, now)
            audit.add(
                conn,
                now,
                "member",
                member_number,
                "electronic_delivery_consent" if body.consent else "electronic_delivery_withdrawn",
                member_number,
            )
            member = members.get(conn, member_number)
            assert member is not None
        return _delivery(conn, member)
