"""GET /v1/banks: public, so the repayment screen can show the list before any choice."""

from __future__ import annotations

from fastapi import APIRouter

from acom_contract.schemas import Bank
from mock_server.banks import BANKS
from mock_server.errors import responses

router = APIRouter(tags=["banks"])


@router.get("/v1/banks", response_model=list[Bank], responses=responses(503))
def list_banks() -> list[Bank]:
    """Every bank the mock knows: instant transfer, internet repayment, smartphone support."""
    return list(BANKS)
