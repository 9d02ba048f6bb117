"""What the member sees before deciding, and the notice lines after (issue 14).

The borrowing confirmation of a first borrowing shows the due date it will set and an
interest estimate that counts no interest-free day; the receipt carries the statement's
notice lines (lender, contract, plan at the minimum); a limit increase already bound to be
declined says so before anything is sent; a statement's detail shows the notice in the
language of the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from money_support import enter_amount, figures, member_client, money_backend
from settings_support import open_settings
from tui_support import fill_login, make_app, recorded_backend, settle

from acom_contract.schemas import JST, Lender, Statement
from acom_tui.api.demo import Demo
from acom_tui.dialogs.confirm_movement import ConfirmMovement
from acom_tui.formatting import format_date
from acom_tui.i18n import set_language, t
from acom_tui.screens.borrow import BorrowScreen
from acom_tui.screens.limit_increase import LimitConfirm, LimitIncreaseScreen, reason_text
from acom_tui.screens.receipt import ReceiptScreen
from acom_tui.screens.statement_detail import detail_fields
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.figure_table import FigureTable


async def test_first_borrowing_shows_what_will_apply(make_demo: Callable[[], Demo]) -> None:
    """10000006: contract 22 Nov, interest-free through 22 Dec, nothing borrowed yet."""
    demo = make_demo()
    backend, _transport = money_backend(demo)
    app = make_app(backend, lang="ja")
    observer = await member_client(demo, "10000006")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill_login(pilot, "10000006")
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, BorrowScreen)
        await enter_amount(pilot, "borrow-amount", "10000")
        assert isinstance(app.screen, ConfirmMovement)
        review = figures(pilot, "confirm-figures")
        # 30 days from 2 Dec end on 1 Jan; only 23 Dec-1 Jan carry interest:
        # floor(10,000 x 0.18 x 9 / 365) = 44 (2026) + floor(10,000 x 0.18 x 1 / 365) = 4.
        estimate = review[t("money.borrow.interest_estimate", days=30)]
        assert estimate.startswith("48円"), estimate
        # The first borrowing sets the due date: 2 Dec + 35 days.
        due = t("money.borrow.confirm.due_first", date=format_date(date(2027, 1, 6), "ja"))
        assert review[t("money.borrow.next_due")] == due

        await pilot.press("enter")
        await settle(pilot)
        receipt = app.screen
        assert isinstance(receipt, ReceiptScreen)
        assert receipt.statement_id is not None
        await settle(pilot)
        notice = dict(receipt.query_one("#receipt-notice", FigureTable).rows)
        statement = await observer.statement(receipt.statement_id)
        assert statement.expected_payments is not None
        assert statement.next_due_date == date(2027, 1, 6)
        assert notice[t("statements.field.plan_payments")] == t(
            "statements.plan.payments", count=statement.expected_payments
        )
        assert notice[t("statements.field.contract_number")] == "10000006-001"
        assert notice[t("statements.field.contract_date")] == format_date(date(2026, 11, 22), "ja")
        assert notice[t("statements.field.late_rate")] == "20.0%"
        assert notice[t("statements.field.lender_number")] == "関東財務局長(00)第00000号"
        assert notice[t("statements.field.method")] == "定率リボルビング方式（35日ごとのご返済）"


async def test_repayment_receipt_names_the_day_received_and_the_debt(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, _transport = money_backend(demo)
    app = make_app(backend, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill_login(pilot, "10000001")
        await pilot.press("2")
        await settle(pilot)
        await enter_amount(pilot, "repay-amount", "5000")  # the quote
        await pilot.press("enter")  # the confirmation
        await settle(pilot)
        assert isinstance(app.screen, ConfirmMovement)
        await pilot.press("enter")
        await settle(pilot)
        receipt = app.screen
        assert isinstance(receipt, ReceiptScreen)
        await settle(pilot)
        notice = dict(receipt.query_one("#receipt-notice", FigureTable).rows)
        # 5,000 pays 1,479 interest (25 days on 120,000) first: 116,479 of principal left.
        assert notice[t("statements.field.remaining_debt")] == "¥116,479"
        assert notice[t("statements.field.received_on")] == "Wed 2 Dec 2026"
        assert notice[t("statements.field.lender_name")] == "Demo Lending Co., Ltd. (fictional)"


async def test_limit_increase_bound_to_be_declined_is_not_sent(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, transport = recorded_backend(demo)
    app = make_app(backend, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, "10000006", "3")  # contract 10 days ago
        screen = app.screen
        assert isinstance(screen, LimitIncreaseScreen)
        assert screen.eligibility is not None
        assert screen.eligibility.declines == ("CONTRACT_UNDER_6_MONTHS",)
        assert screen.query_one("#limit-result", Banner).text == t("money.limit.will_decline")
        assert (
            reason_text("CONTRACT_UNDER_6_MONTHS")
            in screen.query_one("#limit-reasons").render().plain
        )  # type: ignore[attr-defined]
        screen.query_one("#limit-requested").value = "200000"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, LimitConfirm)
        assert "/v1/me/limit-increase-applications" not in transport.paths("POST")


def test_detail_shows_the_notice_in_the_screens_language() -> None:
    lender = Lender(
        name="デモ貸金株式会社（架空）",
        address="東京都千代田区丸の内0丁目0番0号（架空）",
        registration_number="関東財務局長(00)第00000号",
        name_en="Demo Lending Co., Ltd. (fictional)",
        address_en="0-0-0 Marunouchi, Chiyoda-ku, Tokyo (fictional)",
        registration_number_en="Director-General of the Kanto Local Finance Bureau (00) No. 00000",
    )
    loan = Statement(
        id="loan_1",
        kind="loan",
        occurred_at=datetime(2026, 12, 2, 10, tzinfo=JST),
        amount=10_000,
        balance_after=130_000,
        interest_rate=Decimal("18.0"),
        repayment_method="定率リボルビング方式 (毎月25日払い)",
        next_due_date=date(2026, 12, 25),
        next_due_amount=4000,
        expected_payments=48,
        expected_last_due_date=date(2030, 11, 25),
        lender=lender,
        contract_number="10000011-001",
        contract_date=date(2025, 8, 9),
        late_interest_rate=Decimal("20.0"),
        repayment_method_code="fixed_rate_revolving",
        repayment_cycle="monthly",
        monthly_due_day=25,
    )
    set_language("en")
    try:
        shown = dict(detail_fields(loan))
    finally:
        set_language("ja")
    assert shown["Payments at the minimum"] == "48 payments"
    assert shown["Period at the minimum"] == "Fri 25 Dec 2026 to Mon 25 Nov 2030"
    assert shown["Repayment method"] == "Fixed-rate revolving (a repayment on day 25 of each month)"
    assert shown["Lender's registration"] == lender.registration_number_en
    assert shown["Contract date"] == "Sat 9 Aug 2025"
    assert shown["Late interest (APR)"] == "20.0%"
    # No Japanese words of the server's on an English screen.
    assert "定率" not in " ".join(shown.values())
