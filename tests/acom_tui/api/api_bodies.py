"""Answers of the member API, as a server sends them, for tests that play the server."""

from __future__ import annotations

STATUS_BODY = {
    "server_time": "2026-12-02T10:00:00+09:00",
    "maintenance_now": False,
    "current_maintenance": None,
    "next_maintenance": {
        "kind": "weekly",
        "starts_at": "2026-12-07T01:00:00+09:00",
        "ends_at": "2026-12-07T05:00:00+09:00",
    },
}

BORROWING_BODY = {
    "id": "b-1",
    "amount": 10_000,
    "created_at": "2026-12-02T10:00:00+09:00",
    "transfer": "instant",
    "arrives_at": "2026-12-02T10:01:00+09:00",
    "bank_account": {
        "bank_code": "0036",
        "bank_name": "楽天銀行",
        "branch_name": "第一営業支店",
        "account_type": "ordinary",
        "account_number_masked": "****567",
        "holder_kana": "アコム タロウ",
    },
    "principal_after": 130_000,
    "available_after": 370_000,
    "next_due_date": "2026-12-12",
    "minimum_payment": 16_000,
}
