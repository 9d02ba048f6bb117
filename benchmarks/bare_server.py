"""The baseline of benchmarks/server_load.py: bare FastAPI endpoints with no code of ours.

Served by uvicorn with the same settings as ``acom-mock-server`` (loopback, the same
number of workers, access log at info):

    python -m uvicorn benchmarks.bare_server:build --factory --workers N --port P

Its routes are plain ``def`` functions (they run in the thread pool), as issue 16 stated
the baseline: "bare FastAPI ``def`` route". The mock's session check and its measured
routes are ``async def`` since session 4 (docs/decisions.md says why); the baseline was
left as stated, so the ratios are against the same bare endpoint as before.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, StrictInt


class BorrowBody(BaseModel):
    amount: StrictInt


ACCOUNT = {
    "credit_limit": 500_000,
    "principal": 120_000,
    "available": 380_000,
    "interest_rate": "18.0",
    "accrued_interest": 1_234,
    "late_interest": 0,
    "payoff_amount": 121_234,
    "next_due_date": "2026-12-12",
    "minimum_payment": 15_000,
    "overdue_days": 0,
    "repayment_cycle": "35days",
    "interest_free_until": None,
    "status": "active",
}


def build() -> FastAPI:
    app = FastAPI()

    @app.get("/bare/account")
    def account() -> dict[str, Any]:
        return ACCOUNT

    @app.post("/bare/borrowings", status_code=201)
    def borrow(body: BorrowBody) -> dict[str, Any]:
        return {"id": "loan_1", "amount": body.amount, "principal_after": 121_000}

    return app
