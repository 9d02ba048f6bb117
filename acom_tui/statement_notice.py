"""The lines that make a loan or repayment statement the notice 貸金業法 §17/§18 asks for.

The lender, the contract, the late-interest rate, the repayment method; for a loan the
plan at the minimum payment, for a repayment the day received and the debt remaining (SPEC
2.9). The statement's detail, its CSV and the receipt after a movement show the same lines
from here, in the language asked for. Pure and UI-free.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from acom_tui.formatting import format_date, format_rate, format_yen
from acom_tui.i18n import Language, catalogue

if TYPE_CHECKING:
    from acom_contract.schemas import Lender, Statement

__all__ = ["lender_values", "method_text", "notice_rows", "plan_texts"]

Row = tuple[str, str]


def _t(lang: Language, key: str, **params: object) -> str:
    return catalogue(lang)[key].format(**params)


def method_text(statement: Statement, lang: Language) -> str:
    """``定率リボルビング方式（35日ごとのお支払い）`` from the method's code and cycle; the
    server's words when the code is missing (an older server)."""
    code, cycle = statement.repayment_method_code, statement.repayment_cycle
    if code is None or cycle is None:
        return statement.repayment_method or ""
    if cycle == "monthly":
        return _t(lang, f"statements.method.{code}.monthly", day=statement.monthly_due_day)
    return _t(lang, f"statements.method.{code}.35days")


def lender_values(lender: Lender | None, lang: Language) -> tuple[str, str, str]:
    """(name, address, registration number) in ``lang``; empty without a lender."""
    if lender is None:
        return "", "", ""
    if lang == "en":
        return lender.name_en, lender.address_en, lender.registration_number_en
    return lender.name, lender.address, lender.registration_number


def plan_texts(statement: Statement, lang: Language) -> tuple[str, str]:
    """(number of payments, repayment period) at the minimum payment, for a loan."""
    if statement.kind != "loan" or statement.next_due_date is None:
        return "", ""
    if statement.expected_payments is None or statement.expected_last_due_date is None:
        return _t(lang, "statements.plan.never"), ""
    payments = _t(lang, "statements.plan.payments", count=statement.expected_payments)
    period = _t(
        lang,
        "statements.plan.period",
        start=format_date(statement.next_due_date, lang),
        end=format_date(statement.expected_last_due_date, lang),
    )
    return payments, period


def notice_rows(statement: Statement, lang: Language) -> list[Row]:
    """The notice's lines of a loan or repayment statement (none for a card one), as
    (label, value); a line the server did not send has an empty value."""
    if statement.kind == "card":
        return []
    rows: list[Row] = []
    if statement.kind == "repayment":
        received = statement.received_on
        remaining = statement.remaining_debt
        rows += [
            (
                _t(lang, "statements.field.received_on"),
                format_date(received, lang) if received is not None else "",
            ),
            (
                _t(lang, "statements.field.remaining_debt"),
                format_yen(remaining, lang) if remaining is not None else "",
            ),
        ]
    if statement.kind == "loan":
        payments, period = plan_texts(statement, lang)
        rows += [
            (_t(lang, "statements.field.plan_payments"), payments),
            (_t(lang, "statements.field.plan_period"), period),
        ]
    late = statement.late_interest_rate
    contract_date = statement.contract_date
    name, address, number = lender_values(statement.lender, lang)
    rows += [
        (_t(lang, "statements.field.method"), method_text(statement, lang)),
        (_t(lang, "statements.field.late_rate"), format_rate(late, lang) if late else ""),
        (_t(lang, "statements.field.contract_number"), statement.contract_number or ""),
        (
            _t(lang, "statements.field.contract_date"),
            format_date(contract_date, lang) if contract_date is not None else "",
        ),
        (_t(lang, "statements.field.lender_name"), name),
        (_t(lang, "statements.field.lender_address"), address),
        (_t(lang, "statements.field.lender_number"), number),
    ]
    return rows
