"""The banks the mock knows: which ones transfer instantly and which take internet repayments."""

from __future__ import annotations

from acom_contract.schemas import Bank

# Codes are the real zengin bank codes; the flags follow the article (楽天銀行 is the bank
# with round-the-clock instant transfers) and are otherwise illustrative.
BANKS: tuple[Bank, ...] = (
    Bank(
        code="0036",
        name="楽天銀行",
        instant_transfer=True,
        internet_repayment=True,
        smartphone=True,
    ),
    Bank(
        code="0005",
        name="三菱UFJ銀行",
        instant_transfer=False,
        internet_repayment=True,
        smartphone=True,
    ),
    Bank(
        code="0009",
        name="三井住友銀行",
        instant_transfer=False,
        internet_repayment=True,
        smartphone=True,
    ),
    Bank(
        code="0001",
        name="みずほ銀行",
        instant_transfer=False,
        internet_repayment=True,
        smartphone=True,
    ),
    Bank(
        code="9900",
        name="ゆうちょ銀行",
        instant_transfer=False,
        internet_repayment=True,
        smartphone=False,
    ),
    Bank(
        code="0033",
        name="PayPay銀行",
        instant_transfer=False,
        internet_repayment=True,
        smartphone=True,
    ),
    Bank(
        code="0038",
        name="住信SBIネット銀行",
        instant_transfer=False,
        internet_repayment=True,
        smartphone=True,
    ),
    Bank(
        code="0010",
        name="りそな銀行",
        instant_transfer=False,
        internet_repayment=True,
        smartphone=False,
    ),
    Bank(
        code="0017",
        name="埼玉りそな銀行",
        instant_transfer=False,
        internet_repayment=True,
        smartphone=False,
    ),
    Bank(
        code="0034",
        name="セブン銀行",
        instant_transfer=False,
        internet_repayment=False,
        smartphone=False,
    ),
    Bank(
        code="0149",
        name="静岡銀行",
        instant_transfer=False,
        internet_repayment=False,
        smartphone=False,
    ),
)

BY_CODE = {bank.code: bank for bank in BANKS}
