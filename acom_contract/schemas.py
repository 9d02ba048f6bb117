"""The wire contract: every request and response body of the member-site API.

The mock server and the client import these same models, so the contract cannot drift.
Money is integer yen (a JSON integer; strings, booleans and fractions are refused), rates are
``Decimal`` serialised as JSON strings, times are timezone-aware.

Request models forbid unknown fields (a typo is an error that names the field); response
models ignore them, so a newer server may add fields without breaking older clients.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SecretStr,
    StrictBool,
    StrictInt,
    WithJsonSchema,
    field_validator,
)
from pydantic.config import JsonDict
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from acom_contract.jst import JST as JST  # Japan time: the one timezone of the contract

Yen = Annotated[StrictInt, Field(description="Integer yen")]
MemberNumber = Annotated[str, Field(pattern=r"^[0-9]{8}$", examples=["10000001"])]

AccountStatus = Literal["active", "locked", "suspended", "card_lost"]
SuspensionReason = Literal[
    "FREQUENT_BORROWING",
    "DELINQUENCY",
    "OVER_TOTAL_LENDING_LIMIT",
    "OTHER_LENDERS",
    "INCOME_CERTIFICATE_NOT_SUBMITTED",
    "UNREPORTED_CHANGES",
]
RepaymentCycle = Literal["35days", "monthly"]
StatementKind = Literal["loan", "repayment", "card"]
DocumentKind = Literal[
    "withholding_slip", "resident_tax_notice", "income_certificate", "tax_return", "pay_slip"
]
DocumentStatus = Literal["received", "under_review", "accepted", "rejected"]
NoticeKind = Literal["due_soon", "due_today", "overdue", "card_renewal", "campaign"]
LimitDecision = Literal["approved", "declined", "documents_required"]
IdentityDocument = Literal[
    "drivers_license", "health_insurance_card", "my_number_card", "passport", "residence_card"
]
TransferKind = Literal["instant", "scheduled"]

T = TypeVar("T")

# A secret the server hands out (session token, one-time PIN): hidden from repr() and logs
# on the client side, written out in full only on the wire.
IssuedSecret = Annotated[
    SecretStr,
    PlainSerializer(lambda value: value.get_secret_value(), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string"}),
]


class Request(BaseModel):
    """Base of request bodies: unknown fields are refused, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid")


class Response(BaseModel):
    """Base of response bodies: unknown fields are ignored for forward compatibility."""

    model_config = ConfigDict(extra="ignore")


# --- errors and pages ---------------------------------------------------------------------


class ErrorBody(Response):
    code: str = Field(examples=["ACCOUNT_LOCKED"])
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class ErrorEnvelope(Response):
    error: ErrorBody


class Page(Response, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


# --- status and sessions ------------------------------------------------------------------


class MaintenanceWindow(Response):
    kind: Literal["weekly", "adhoc"]
    starts_at: AwareDatetime
    ends_at: AwareDatetime | None = Field(description="null: ad-hoc with no announced end")


class Status(Response):
    server_time: AwareDatetime
    maintenance_now: bool
    current_maintenance: MaintenanceWindow | None = None
    next_maintenance: MaintenanceWindow | None = None


# Rules the server checks in its own code (for its own messages), stated in the document too,
# so a request that matches the document is never refused as invalid. Documentation only:
# ``json_schema_extra`` changes no validation.
_EIGHT_DIGITS: JsonDict = {"pattern": "^[0-9]{8}$"}
_FOUR_DIGITS: JsonDict = {"pattern": "^[0-9]{4}$"}


class LoginRequest(Request):
    member_number: str = Field(
        description="8 ASCII digits printed on the loan card", json_schema_extra=_EIGHT_DIGITS
    )
    pin: SecretStr = Field(description="4 ASCII digits", json_schema_extra=_FOUR_DIGITS)


class LoginResult(Response):
    token: IssuedSecret
    expires_at: AwareDatetime = Field(description="When the session ends if it stays idle")
    absolute_expires_at: AwareDatetime
    idle_timeout_s: int
    member_number: str
    pin_change_required: bool = Field(
        default=False,
        description="The PIN is a one-time PIN from support staff: the member must change it now",
    )


# --- account ------------------------------------------------------------------------------


class Account(Response):
    member_number: str
    name: str
    credit_limit: int
    principal: int
    available: int
    interest_rate: Decimal
    accrued_interest: int
    late_interest: int
    payoff_amount: int
    next_due_date: date | None
    minimum_payment: int
    overdue_days: int
    repayment_cycle: RepaymentCycle
    monthly_due_day: int | None = None
    interest_free_until: date | None
    status: AccountStatus
    suspension_reason: SuspensionReason | None = None
    has_credit_card: bool = False
    contract_date: date | None = Field(
        default=None, description="The day of the card-loan contract (limit-increase rules)"
    )
    last_overdue_on: date | None = Field(
        default=None,
        description="The last day the loan was overdue (today while it is), null if never: "
        "with `contract_date`, what lets a client say before applying that a limit increase "
        "will be declined (SPEC 2.13)",
    )
    as_of: AwareDatetime


# --- banks, borrowing, repayment ----------------------------------------------------------


class Bank(Response):
    code: str
    name: str
    instant_transfer: bool
    internet_repayment: bool
    smartphone: bool


class BankAccount(Response):
    bank_code: str
    bank_name: str
    branch_name: str
    account_type: Literal["ordinary", "current", "savings"]
    account_number_masked: str = Field(examples=["****567"])
    holder_kana: str


class BorrowRequest(Request):
    amount: Yen = Field(
        description="1,000-yen units", json_schema_extra={"minimum": 1000, "multipleOf": 1000}
    )


class Borrowing(Response):
    id: str
    amount: int
    created_at: AwareDatetime
    transfer: TransferKind
    arrives_at: AwareDatetime
    bank_account: BankAccount
    principal_after: int
    available_after: int
    next_due_date: date | None
    minimum_payment: int


class RepaymentRequest(Request):
    amount: Yen = Field(json_schema_extra={"minimum": 1})
    bank_code: str = Field(min_length=1, max_length=8)


class RepaymentQuote(Response):
    amount: int
    bank_code: str
    late_interest: int
    interest: int
    principal: int
    principal_after: int
    payoff_amount: int = Field(description="Payoff amount before this repayment")
    next_due_date_after: date | None


class Repayment(Response):
    id: str
    amount: int
    bank_code: str
    created_at: AwareDatetime
    late_interest: int
    interest: int
    principal: int
    principal_after: int
    next_due_date: date | None
    minimum_payment: int


# --- statements and electronic delivery ---------------------------------------------------


RepaymentMethod = Literal["fixed_rate_revolving"]


class Lender(Response):
    """The lender a statement names (貸金業法 §17/§18), in Japanese and in English.

    Fictional in the mock. The client shows the fields of its language.
    """

    name: str
    address: str
    registration_number: str = Field(examples=["関東財務局長(00)第00000号"])
    name_en: str
    address_en: str
    registration_number_en: str


class Statement(Response):
    """One statement row. Fields not relevant to a kind are null.

    Loan and repayment statements are the written notices of 貸金業法 §17 and §18 (SPEC
    2.9), so both also carry the lender, the contract, the late-interest rate and the
    repayment method; a loan adds the plan at the minimum payment, a repayment the day it
    was received and the debt remaining.
    """

    id: str
    kind: StatementKind
    occurred_at: AwareDatetime
    amount: int
    balance_after: int | None = None
    # loan statement (貸付明細書)
    interest_rate: Decimal | None = None
    repayment_method: str | None = Field(
        default=None, description="The method in Japanese words; `repayment_method_code` is it"
    )
    next_due_date: date | None = None
    next_due_amount: int | None = None
    lender_registration: str | None = None
    expected_payments: int | None = Field(
        default=None,
        description="Loan: payments to repay the balance after it, paying only the minimum "
        "on each due date and borrowing nothing more (null if that never repays it)",
    )
    expected_last_due_date: date | None = Field(
        default=None,
        description="Loan: the due date of the last of those payments (the repayment period "
        "runs from `next_due_date` to it)",
    )
    # loan and repayment statements (the notices of 貸金業法 §17 and §18)
    lender: Lender | None = None
    contract_number: str | None = None
    contract_date: date | None = None
    late_interest_rate: Decimal | None = Field(
        default=None, description="遅延損害金, percent per year"
    )
    repayment_method_code: RepaymentMethod | None = None
    repayment_cycle: RepaymentCycle | None = None
    monthly_due_day: int | None = Field(default=None, description="Monthly cycle: day of month")
    # repayment statement (入金明細書)
    late_interest: int | None = None
    interest: int | None = None
    principal: int | None = None
    received_on: date | None = Field(
        default=None, description="Repayment: the day the payment was received (Japan time)"
    )
    remaining_debt: int | None = Field(
        default=None, description="Repayment: principal still owed after it (残存債務の額)"
    )
    # card statement (カード利用明細書)
    merchant: str | None = None
    description: str | None = None


class ElectronicDelivery(Response):
    consent: bool
    consented_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None = None


class ElectronicDeliveryUpdate(Request):
    consent: StrictBool


# --- registered information ---------------------------------------------------------------


class Address(BaseModel):
    model_config = ConfigDict(extra="forbid")

    postal_code: str = Field(
        examples=["160-0023"], json_schema_extra={"pattern": "^[0-9]{3}-[0-9]{4}$"}
    )
    prefecture: str = Field(description="One of the 47 prefectures, e.g. 東京都")
    city: str = Field(json_schema_extra={"maxLength": 50})
    line1: str = Field(json_schema_extra={"maxLength": 100})
    line2: str = Field(default="", json_schema_extra={"maxLength": 100})


class Employer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(json_schema_extra={"maxLength": 100})
    phone: str


class Profile(Response):
    member_number: str
    name: str
    name_kana: str
    birthday: date
    address: Address
    home_phone: str | None = None
    mobile_phone: str | None = None
    email: str | None = None
    employer: Employer
    annual_income: int = Field(description="The income as the member last declared it")
    verified_annual_income: int = Field(
        description="The income the credit rules use: the contract's, or the declared figure "
        "once an income certificate uploaded after the declaration was accepted"
    )
    income_certificate_needed: bool = Field(
        default=False,
        description="The declared income differs from the verified one: it counts only once "
        "an income certificate uploaded after the declaration is accepted",
    )
    other_lenders_balance: int = Field(
        description="From the credit bureau; read-only for the member",
        json_schema_extra={"readOnly": True},
    )
    bank_account: BankAccount
    employer_reported_at: AwareDatetime | None = None
    income_reported_at: AwareDatetime | None = None


_INCOME_RANGE: JsonDict = {"minimum": 0, "exclusiveMaximum": 10_000_000_000}


def _not_null(schema: JsonDict) -> None:
    """Drop ``null`` from an optional field's document: it may be left out, not set to null.

    (``SkipJsonSchema[None]`` would do it too, but it turns the field into a union, which
    changes the location pydantic gives its errors: ``address.Address.city``.)
    """
    options = schema.get("anyOf")
    if isinstance(options, list):
        kept = [o for o in options if o != {"type": "null"}]
        del schema["anyOf"]
        if len(kept) == 1 and isinstance(kept[0], dict):
            schema.update(kept[0])
        else:
            schema["anyOf"] = kept


def _income_not_null(schema: JsonDict) -> None:
    _not_null(schema)
    schema.update(_INCOME_RANGE)


READ_ONLY_OTHER_LENDERS = "read-only: from the credit bureau; ask the support desk if it is wrong"


class ProfileUpdate(Request):
    """Only the fields present are changed. Contact and employer changes need ``current_pin``.

    ``other_lenders_balance`` comes from the credit bureau: a body that names it is refused
    (``VALIDATION_ERROR`` naming the field). A new ``annual_income`` is recorded as reported;
    the credit rules use it once an income certificate uploaded after it is accepted.
    """

    # Phones and the e-mail address can be removed (null); these can only be changed, so
    # the document offers no null for them.
    address: Address | None = Field(default=None, json_schema_extra=_not_null)
    home_phone: str | None = None
    mobile_phone: str | None = None
    email: str | None = None
    employer: Employer | None = Field(default=None, json_schema_extra=_not_null)
    annual_income: Yen | None = Field(default=None, json_schema_extra=_income_not_null)
    # Credit data from the credit bureau (SPEC 2.10): named here only so that sending it is
    # refused with a message naming it, instead of "extra inputs are not permitted".
    other_lenders_balance: SkipJsonSchema[Any] = None
    current_pin: SecretStr | None = Field(default=None, json_schema_extra=_FOUR_DIGITS)

    @field_validator("other_lenders_balance", mode="before")
    @classmethod
    def _read_only(cls, value: object) -> None:
        raise PydanticCustomError("read_only", READ_ONLY_OTHER_LENDERS)


class OtherLendersBalanceUpdate(Request):
    """What the credit bureau reports (admin API): members cannot set it themselves."""

    other_lenders_balance: Yen = Field(ge=0, lt=10_000_000_000)
    reason: str = Field(min_length=1, max_length=500)


class CreditData(Response):
    """The figures the credit rules of SPEC 2.6 and 2.13 use for one member."""

    member_number: str
    other_lenders_balance: int
    annual_income: int
    verified_annual_income: int
    income_certificate_needed: bool


# --- e-mail service -----------------------------------------------------------------------


class NotificationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str | None
    due_reminders: StrictBool
    overdue_notices: StrictBool
    card_renewal: StrictBool
    campaigns: StrictBool


class Notice(Response):
    id: str
    kind: NoticeKind
    subject: str
    body: str
    created_at: AwareDatetime
    read: bool = False


class NoticePage(Page[Notice]):
    """A page of notices, with the member's unread count (the same on every page)."""

    unread: int = 0


# --- documents ----------------------------------------------------------------------------


class Document(Response):
    id: str
    kind: DocumentKind
    filename: str
    content_type: str
    size: int
    uploaded_at: AwareDatetime
    status: DocumentStatus
    status_updated_at: AwareDatetime
    valid_until: date | None = None
    rejection_reason: str | None = Field(
        default=None, description="Why it was rejected, in the Accept-Language (ja or en)"
    )
    rejection_code: str | None = Field(
        default=None, description="Why it was rejected, as a code (`illegible`)"
    )


# --- credit limit increase ----------------------------------------------------------------


class LimitIncreaseRequest(Request):
    requested_limit: Yen = Field(
        description="10,000-yen units, more than the current limit",
        json_schema_extra={"minimum": 10_000, "maximum": 8_000_000, "multipleOf": 10_000},
    )


class LimitIncreaseApplication(Response):
    id: str
    requested_limit: int
    status: LimitDecision
    reasons: list[str]
    decided_at: AwareDatetime
    new_limit: int | None = None
    new_rate: Decimal | None = None


# --- PIN ----------------------------------------------------------------------------------


class PinChangeRequest(Request):
    current_pin: SecretStr = Field(json_schema_extra=_FOUR_DIGITS)
    new_pin: SecretStr = Field(json_schema_extra=_FOUR_DIGITS)


# --- repayment simulator ------------------------------------------------------------------


class SimulationRequest(Request):
    """Give ``monthly_payment`` or ``payments``, not both."""

    amount: Yen = Field(json_schema_extra={"minimum": 1, "maximum": 8_000_000})
    annual_rate: Decimal = Field(
        description='Percent per year, e.g. "18.0": the published range, 3.0 to 18.0',
        json_schema_extra={
            "anyOf": [
                {"type": "number", "minimum": 3, "maximum": 18},
                {"type": "string", "pattern": r"^(?:[0-9]+(?:\.[0-9]{0,3})?|\.[0-9]{1,3})$"},
            ]
        },
    )
    monthly_payment: Yen | None = None
    payments: StrictInt | None = None


class SimulationRow(Response):
    number: int
    day: int = Field(description="Days after the borrowing day")
    payment: int
    interest: int
    principal: int
    balance: int


class Simulation(Response):
    amount: int
    annual_rate: Decimal
    payments: int
    monthly_payment: int
    final_payment: int
    total_interest: int
    total_paid: int
    schedule: list[SimulationRow]


# --- support staff ------------------------------------------------------------------------


# Visible ASCII only: a staff ID is written into the audit log and shown on terminals, so
# control characters and look-alike letters are refused before anything is counted.
STAFF_ID_PATTERN = r"^[!-~]{1,32}$"


class StaffLoginRequest(Request):
    staff_id: str = Field(
        min_length=1,
        max_length=32,
        pattern=STAFF_ID_PATTERN,
        description="1-32 visible ASCII characters",
        examples=["S0001"],
    )
    password: SecretStr


class StaffLoginResult(Response):
    token: IssuedSecret
    staff_id: str
    expires_at: AwareDatetime
    idle_timeout_s: int


class MemberSummary(Response):
    member_number: str
    name: str
    status: AccountStatus
    locked: bool
    failed_attempts: int
    suspension_reason: SuspensionReason | None = None
    card_status: Literal["active", "lost"]
    email_masked: str | None = None
    phone_masked: str | None = None


class StaffReason(Request):
    reason: str = Field(min_length=1, max_length=500)


class IdentityChecked(StaffReason):
    """An action that gives a person access: the identity document checked is required."""

    identity_document: IdentityDocument


class UnlockRequest(IdentityChecked):
    pass


class PinResetRequest(IdentityChecked):
    pass


class CardReissueRequest(IdentityChecked):
    pass


class SuspendRequest(StaffReason):
    reason_code: SuspensionReason


class OneTimePin(Response):
    member_number: str
    one_time_pin: IssuedSecret
    expires_at: AwareDatetime


class AuditEntry(Response):
    id: int
    at: AwareDatetime
    # "anonymous": a failed staff login, whose claimed ID is only data (details).
    actor_kind: Literal["staff", "member", "system", "admin", "anonymous"]
    actor: str
    action: str
    member_number: str | None = None
    reason: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)


# --- mock control (admin API) -------------------------------------------------------------


class ClockState(Response):
    now: AwareDatetime
    frozen: bool


def _text_only(value: object) -> object:
    # FastAPI validates bodies in Python mode, where pydantic reads a number as seconds
    # since 1970: {"now": 0} would set the clock to 1970. On the wire a time is ISO text.
    if isinstance(value, int | float):
        raise PydanticCustomError("datetime_type", "Input should be an ISO 8601 text time")
    return value


RequestTime = Annotated[AwareDatetime, BeforeValidator(_text_only)]


def _whole_number(value: object) -> object:
    # JSON Schema counts 60.0 as an integer; a whole float is taken, a fraction refused.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class ClockSet(Request):
    now: RequestTime
    frozen: StrictBool | None = None


class ClockAdvance(Request):
    seconds: Annotated[StrictInt, BeforeValidator(_whole_number)] = Field(ge=0, le=10 * 366 * 86400)


class ClockFreeze(Request):
    frozen: StrictBool


class MaintenanceSwitch(Request):
    on: StrictBool
    ends_at: RequestTime | None = None


class FaultSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    latency_ms: StrictInt = Field(default=0, ge=0, le=60_000)
    error_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    drop_after_commit: StrictBool = False


class MailItem(Response):
    id: str
    member_number: str
    to: str | None
    notice: Notice
