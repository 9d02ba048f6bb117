"""Staff-facing words for API values: statuses, documents, reason codes, audit entries.

Shared by the console and the scripting CLI's plain-text output. A value the catalogue
does not know (an audit action a newer server adds) is shown as the server wrote it,
never hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from acom_contract.jst import to_jst
from acom_tui.formatting import format_datetime
from acom_tui.i18n import catalogue, get_language, t

if TYPE_CHECKING:
    from acom_contract.schemas import AuditEntry, MemberSummary

__all__ = [
    "action_label",
    "audit_details",
    "audit_summary",
    "audit_time",
    "document_label",
    "member_rows",
    "reason_code_label",
    "status_label",
]


def _known(key: str) -> bool:
    return key in catalogue(get_language())


def _label(prefix: str, value: str) -> str:
    key = f"{prefix}.{value}"
    return t(key) if _known(key) else value


def status_label(status: str) -> str:
    return _label("staff.status", status)


def document_label(document: str) -> str:
    return _label("staff.document", document)


def reason_code_label(code: str) -> str:
    """``延滞 (DELINQUENCY)``: the words for the agent, the code for scripts and tickets."""
    key = f"staff.reason_code.{code}"
    return f"{t(key)} ({code})" if _known(key) else code


def action_label(action: str) -> str:
    return _label("staff.audit_action", action)


def member_rows(member: MemberSummary) -> list[tuple[str, str]]:
    """The member view as (label, value) lines, in the order staff read them out."""
    none = t("staff.value.none")
    lock = t("staff.value.locked") if member.locked else t("staff.value.not_locked")
    suspension = reason_code_label(member.suspension_reason) if member.suspension_reason else none
    card = t("staff.value.card_lost") if member.card_status == "lost" else t("staff.value.card_ok")
    return [
        (t("staff.member.name"), member.name),
        (t("staff.member.number"), member.member_number),
        (t("staff.member.status"), status_label(member.status)),
        (t("staff.member.lock"), lock),
        (t("staff.member.failed_attempts"), t("staff.value.times", count=member.failed_attempts)),
        (t("staff.member.suspension"), suspension),
        (t("staff.member.card"), card),
        (t("staff.member.email"), member.email_masked or t("staff.value.not_registered")),
        (t("staff.member.phone"), member.phone_masked or t("staff.value.not_registered")),
    ]


def audit_time(moment: datetime) -> str:
    """``2026-12-02 10:00`` in Japan time: sortable, the same in both languages."""
    return to_jst(moment).strftime("%Y-%m-%d %H:%M")


def _detail_value(name: str, value: Any) -> str:
    if name == "identity_document" and isinstance(value, str):
        return document_label(value)
    if name in ("reason_code", "previous_reason_code") and isinstance(value, str):
        return reason_code_label(value)
    if name == "expires_at" and isinstance(value, str):
        try:
            return format_datetime(datetime.fromisoformat(value), get_language())
        except ValueError:
            return value
    if isinstance(value, bool):
        return t("staff.value.yes") if value else t("staff.value.no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def audit_details(details: Mapping[str, Any]) -> str:
    """The entry's details as ``label: value`` pairs; unknown names keep their own name."""
    parts = []
    for name, value in details.items():
        label = _label("staff.detail", name)
        parts.append(f"{label}: {_detail_value(name, value)}")
    return " / ".join(parts)


def audit_summary(entry: AuditEntry) -> str:
    """One line for the table: the reason if there is one, else the details."""
    return entry.reason or audit_details(entry.details)
