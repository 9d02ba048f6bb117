"""Random borrow / repay / clock sequences against a plain model built on the domain rules.

The member is 10000006 (contracted 10 days before the test clock, limit 100,000, nothing
borrowed): the model starts from ``account.new_account`` with the roster's terms, so it shares
nothing with the store but the pure rules. After every step the API's account must equal the
model's view, and the ledger must carry the invariant of SPEC 2.8 (checked with SQL).
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from acom_contract import eligibility
from acom_contract.money import OverpaymentError
from mock_server.app import create_app
from mock_server.clock import Clock
from mock_server.domain import account
from mock_server.settings import ServerSettings
from mock_server.store import Store
from tests.conftest import ADMIN_TOKEN, FIXED_NOW, TEST_SCRYPT

MEMBER = "10000006"
PIN = "4829"
LIMIT = 100_000
INCOME = 4_800_000
SETTINGS = ServerSettings(admin_token=ADMIN_TOKEN, scrypt=TEST_SCRYPT)


class MoneyMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        self.store = Store.open(Path(self.tmp.name) / "mock.sqlite3")
        self.clock = Clock(FIXED_NOW, frozen=True)
        app = create_app(self.store, self.clock, SETTINGS)
        self.loop = asyncio.new_event_loop()
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )
        self.state = account.new_account(
            credit_limit=LIMIT,
            interest_rate=Decimal("18.0"),
            contract_date=FIXED_NOW.date() - timedelta(days=10),
        )
        self.borrowed_at: list[datetime] = []
        self.suspension: str | None = None
        self.headers: dict[str, str] | None = None
        self.keys = 0

    def teardown(self) -> None:
        self.loop.run_until_complete(self.http.aclose())
        self.loop.close()
        self.store.close()
        self.tmp.cleanup()

    # --- helpers -------------------------------------------------------------------------

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response: httpx.Response = self.loop.run_until_complete(
            self.http.request(method, path, **kwargs)
        )
        return response

    def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        assert self.headers is not None
        self.keys += 1
        headers = self.headers | {"Idempotency-Key": f"key-{self.keys}"}
        return self.call("POST", path, json=body, headers=headers)

    @property
    def now(self) -> datetime:
        return self.clock.now()

    def login(self) -> None:
        response = self.call("POST", "/v1/sessions", json={"member_number": MEMBER, "pin": PIN})
        today = self.now.date()
        if self.suspension is None and account.overdue_days(self.state, today) >= 61:
            self.suspension = "DELINQUENCY"
        if self.suspension is not None:
            assert response.status_code == 403, response.text
            assert response.json()["error"]["details"] == {"reason": self.suspension}
            self.headers = None
            return
        assert response.status_code == 201, response.text
        self.headers = {"Authorization": f"Bearer {response.json()['token']}"}

    # --- rules ---------------------------------------------------------------------------

    @initialize()
    def start(self) -> None:
        self.login()

    @precondition(lambda self: self.headers is not None)
    @rule(thousands=st.integers(min_value=1, max_value=120))
    def borrow(self, thousands: int) -> None:
        amount = thousands * 1000
        today = self.now.date()
        response = self.post("/v1/me/borrowings", {"amount": amount})
        if self.suspension is not None:
            assert response.status_code == 403
            return
        refusal = eligibility.check_borrow(
            amount,
            principal=self.state.principal,
            credit_limit=LIMIT,
            other_lenders_balance=0,
            annual_income=INCOME,
            overdue=account.is_overdue(self.state, today),
            has_valid_certificate=False,
        )
        if refusal is not None:
            assert response.status_code == 422, response.text
            assert response.json()["error"]["code"] == refusal.value
            return
        assert response.status_code == 201, response.text
        self.state = account.borrow(self.state, amount, today)
        body = response.json()
        assert body["principal_after"] == self.state.principal
        assert body["next_due_date"] == _day(self.state.next_due_date)
        self.borrowed_at.append(self.now)
        window = self.now - timedelta(days=SETTINGS.frequent_borrowing_window_days)
        recent = [at for at in self.borrowed_at if at > window]
        if len(recent) >= SETTINGS.frequent_borrowing_count:
            self.suspension = "FREQUENT_BORROWING"

    @precondition(lambda self: self.headers is not None)
    @rule(share=st.integers(min_value=1, max_value=110), exact=st.booleans())
    def repay(self, share: int, exact: bool) -> None:
        today = self.now.date()
        payoff = account.view(self.state, today).payoff_amount
        # A share of the payoff (above 100%: an overpayment), or exactly the minimum.
        minimum = account.view(self.state, today).minimum_payment
        amount = minimum if exact and minimum else max(1, payoff * share // 100)
        response = self.post("/v1/me/repayments", {"amount": amount, "bank_code": "0005"})
        try:
            after, allocation = account.repay(self.state, amount, today)
        except OverpaymentError:
            assert response.status_code == 422, response.text
            assert response.json()["error"]["details"]["payoff_amount"] == payoff
            return
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["late_interest"], body["interest"], body["principal"]) == (
            allocation.late_interest,
            allocation.interest,
            allocation.principal,
        )
        assert body["next_due_date"] == _day(after.next_due_date)
        self.state = after

    @rule(days=st.integers(min_value=0, max_value=45), minutes=st.integers(0, 600))
    def advance(self, days: int, minutes: int) -> None:
        # Whole days keep the clock at 10:00-20:00 on some day: never in Monday maintenance.
        day_start = self.now.replace(hour=10, minute=0)
        self.clock.set(day_start + timedelta(days=days, minutes=minutes))
        self.login()

    # --- invariants ----------------------------------------------------------------------

    @invariant()
    def ledger_carries_the_principal(self) -> None:
        with self.store.read() as conn:
            row = conn.execute(
                "SELECT l.principal AS stored, m.credit_limit AS credit_limit, "
                "(SELECT COALESCE(SUM(CASE kind WHEN 'loan' THEN amount "
                "WHEN 'repayment' THEN -principal END), 0) FROM ledger "
                "WHERE member_number = l.member_number) AS from_ledger "
                "FROM loans l JOIN members m USING (member_number) WHERE l.member_number = ?",
                (MEMBER,),
            ).fetchone()
        assert row["stored"] == row["from_ledger"] == self.state.principal
        assert 0 <= row["stored"] <= row["credit_limit"]

    @invariant()
    def account_matches_the_model(self) -> None:
        if self.headers is None:
            return
        response = self.call("GET", "/v1/me/account", headers=self.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        today = self.now.date()
        seen = account.view(self.state, today)
        free = seen.interest_free_until
        expected = {
            "principal": seen.principal,
            "available": seen.available,
            "accrued_interest": seen.accrued_interest,
            "late_interest": seen.late_interest,
            "payoff_amount": seen.payoff_amount,
            "next_due_date": _day(seen.next_due_date),
            "minimum_payment": seen.minimum_payment,
            "overdue_days": seen.overdue_days,
            "interest_free_until": _day(free) if free and free >= today else None,
            "status": "suspended" if self.suspension else "active",
        }
        assert {k: body[k] for k in expected} == expected


def _day(value: object) -> str | None:
    return None if value is None else str(value)


MoneyMachine.TestCase.settings = settings(
    max_examples=10,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestMoneyModel = MoneyMachine.TestCase
