"""Who lends, as the statements name it (SPEC 2.9). Every figure here is fictional.

A real statement names the lender registered under 貸金業法 (its name, head office and
registration with a Local Finance Bureau). The mock's lender cannot be mistaken for a real
one: the registration number is all zeros and the name and address say they are not real.
"""

from __future__ import annotations

from acom_contract.schemas import Lender

LENDER = Lender(
    name="デモ貸金株式会社（架空）",
    address="東京都千代田区丸の内0丁目0番0号（架空）",
    registration_number="関東財務局長(00)第00000号",
    name_en="Demo Lending Co., Ltd. (fictional)",
    address_en="0-0-0 Marunouchi, Chiyoda-ku, Tokyo (fictional)",
    registration_number_en="Director-General of the Kanto Local Finance Bureau (00) No. 00000",
)


def contract_number(member_number: str) -> str:
    """The member's card-loan contract: one per member in the mock, numbered after it."""
    return f"{member_number}-001"
