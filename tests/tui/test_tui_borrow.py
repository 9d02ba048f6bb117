"""Borrowing: the rules of the form, flows on the in-process mock, and snapshots.

The roster (SPEC 4) on the frozen test clock, Wednesday 2 December 2026 10:00 JST:
10000001 has 380,000 yen available at 18.0% with 楽天銀行 (instant transfers); 10000009
hits 総量規制 above 50,000 yen; 10000008 is 5 days overdue; 10000011's bank has no instant
transfers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from money_support import enter_amount, figures, member_client, money_backend
from textual.pilot import Pilot
from textual.widgets import Button
from tui_support import FIXED_NOW, fill_login, make_app, settle

from acom_contract.jst import JST
from acom_contract.money import interest_estimate, minimum_payment
from acom_contract.schemas import Account
from acom_tui.api import errors
from acom_tui.api.demo import Demo
from acom_tui.dialogs.confirm_movement import ConfirmMovement, classify_error
from acom_tui.i18n import set_language, t
from acom_tui.normalize import InputError
from acom_tui.screens.borrow import (
    BorrowScreen,
    borrow_rule,
    largest_borrowing,
    predict_transfer,
    refusal_for,
    refusal_from_account,
)
from acom_tui.screens.dashboard import DashboardScreen
from acom_tui.screens.receipt import ReceiptScreen
from acom_tui.screens.repay import RepayScreen
from acom_tui.widgets.amount_input import AmountInput, read_amount
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.figures import Figures
from acom_tui.widgets.prose import Prose

SnapCompare = Callable[..., bool]
# Textual's Button ignores a press within 0.2 s of the previous one; waited out where a
# test must press the same button again.
BUTTON_PRESS_EFFECT_S = 0.25

# --- pure rules ---------------------------------------------------------------------------


def jst(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=JST)


@pytest.mark.parametrize(
    ("now", "instant", "expected"),
    [
        (jst(2026, 12, 2, 10, 0), True, ("instant", jst(2026, 12, 2, 10, 1))),
        (jst(2026, 12, 2, 23, 49, 59), True, ("instant", jst(2026, 12, 2, 23, 50, 59))),
        # An instant bank outside 00:10-23:49 waits for the next 09:30 on a business day.
        (jst(2026, 12, 2, 0, 9), True, ("scheduled", jst(2026, 12, 2, 9, 30))),
        (jst(2026, 12, 2, 23, 50), True, ("scheduled", jst(2026, 12, 3, 9, 30))),
        (jst(2026, 12, 2, 10, 0), False, ("scheduled", jst(2026, 12, 3, 9, 30))),
        (jst(2026, 12, 2, 9, 29), False, ("scheduled", jst(2026, 12, 2, 9, 30))),
        (jst(2026, 12, 4, 18, 0), False, ("scheduled", jst(2026, 12, 7, 9, 30))),  # Fri -> Mon
        # Monday 23 November 2026 is 勤労感謝の日.
        (jst(2026, 11, 20, 18, 0), False, ("scheduled", jst(2026, 11, 24, 9, 30))),
        # The banks' year-end break: 31 December to 3 January.
        (jst(2026, 12, 30, 12, 0), False, ("scheduled", jst(2027, 1, 4, 9, 30))),
    ],
)
def test_predict_transfer(now: datetime, instant: bool, expected: tuple[str, datetime]) -> None:
    assert predict_transfer(now, instant) == expected


def test_interest_for_30_days_is_floored_exactly() -> None:
    # 10,000 x 18% x 30 / 365 = 147.94...; 30,000 -> 443.83...; 1,000,000 at 15% -> 12,328.76...
    day = date(2026, 11, 2)
    assert interest_estimate(10_000, Decimal("18.0"), day) == 147
    assert interest_estimate(30_000, Decimal("18.0"), day) == 443
    assert interest_estimate(1_000_000, Decimal("15.0"), day) == 12_328
    assert interest_estimate(1_000, Decimal("4.5"), day, days=1) == 0
    # Across the year end each year's part is floored on its own, as the account accrues:
    # 29 days of 2026 (12,328.76 * 29/30 -> 11,917) and 1 of 2027 (410).
    assert interest_estimate(1_000_000, Decimal("15.0"), date(2026, 12, 2)) == 12_327


def test_interest_estimate_leaves_out_the_interest_free_days() -> None:
    # 10000006: interest-free until 25 Dec; borrowing 30,000 on 2 Dec.
    day = date(2026, 12, 2)
    # 26-31 Dec (6 days: 88.76) and 1 Jan (14.79), each year floored on its own.
    assert interest_estimate(30_000, Decimal("18.0"), day, date(2026, 12, 25)) == 102
    assert interest_estimate(30_000, Decimal("18.0"), day, date(2027, 1, 1)) == 0
    assert interest_estimate(30_000, Decimal("18.0"), day, date(2026, 11, 30)) == 443


def test_estimated_minimum_payment() -> None:
    # Limit over 300,000: 3.0%; 130,000 x 3% = 3,900 -> 4,000.
    assert minimum_payment(130_000, 500_000, 131_479) == 4_000
    # Limit of 300,000 or less: 4.2%; 209,000 x 4.2% = 8,778 -> 9,000.
    assert minimum_payment(209_000, 300_000, 212_000) == 9_000
    # Never more than the payoff amount.
    assert minimum_payment(1_000, 100_000, 1_000) == 1_000


def test_amount_rule_of_borrowing() -> None:
    set_language("ja")
    rule = borrow_rule(380_000)
    read = read_amount("３万円", rule)
    assert (read.value, read.changed) == (30_000, True)
    assert read_amount("1万5千", rule).value == 15_000
    with pytest.raises(InputError) as under:
        read_amount("500", rule)
    assert under.value.code == "UNDER_MINIMUM"
    with pytest.raises(InputError) as unit:
        read_amount("15,500", rule)
    assert unit.value.code == "NOT_MULTIPLE"
    assert t(unit.value.message_key, **unit.value.params) == "1,000円単位の金額を入力してください。"
    with pytest.raises(InputError) as over:
        read_amount("381000", rule)
    assert over.value.code == "OVER_MAXIMUM"
    assert "380,000円" in t(over.value.message_key, **over.value.params)
    assert largest_borrowing(105_001) == 105_000


def _account(**changes: Any) -> Account:
    base: dict[str, Any] = {
        "member_number": "10000001",
        "name": "山田 太郎",
        "credit_limit": 500_000,
        "principal": 120_000,
        "available": 380_000,
        "interest_rate": Decimal("18.0"),
        "accrued_interest": 1_479,
        "late_interest": 0,
        "payoff_amount": 121_479,
        "next_due_date": date(2026, 12, 12),
        "minimum_payment": 4_000,
        "overdue_days": 0,
        "repayment_cycle": "35days",
        "interest_free_until": None,
        "status": "active",
        "as_of": FIXED_NOW,
    }
    return Account(**(base | changes))


def test_what_the_account_already_refuses() -> None:
    set_language("ja")
    assert refusal_from_account(_account()) is None
    overdue = refusal_from_account(_account(overdue_days=5, minimum_payment=9_000))
    assert overdue is not None
    assert (overdue.code, overdue.next_step, overdue.blocks) == ("OVERDUE", "repay", True)
    assert "5日遅れて" in overdue.text and "9,000円以上" in overdue.text
    suspended = refusal_from_account(
        _account(status="suspended", suspension_reason="FREQUENT_BORROWING")
    )
    assert suspended is not None
    assert suspended.text.startswith(t("suspension.FREQUENT_BORROWING.title") + "。")
    assert suspended.next_step == "repay"
    empty = refusal_from_account(_account(principal=499_500, available=500))
    assert empty is not None and empty.code == "NOTHING_AVAILABLE"


def test_refusals_say_what_to_do_next() -> None:
    set_language("ja")
    total = refusal_for("TOTAL_LENDING_LIMIT", {"max_amount": 50_000})
    assert total is not None and "総量規制" in total.text and "50,000円まで" in total.text
    assert (total.next_step, total.blocks) == ("settings", False)
    none_left = refusal_for("TOTAL_LENDING_LIMIT", {"max_amount": 0})
    assert none_left is not None and "いまは新たにお借入れいただけません" in none_left.text
    certificate = refusal_for("INCOME_CERTIFICATE_REQUIRED", {})
    assert certificate is not None and "「収入証明書の提出」" in certificate.text
    assert certificate.next_step == "settings"
    assert refusal_for("IDEMPOTENCY_KEY_REUSED", {}) is None


def test_what_a_failed_send_means() -> None:
    assert classify_error(errors.RequestTimeout("slow")) == "retry"
    assert classify_error(errors.ConnectionFailed("down")) == "retry"
    assert classify_error(errors.IdempotencyInProgress("busy")) == "retry"
    assert classify_error(errors.ServerError("oops")) == "retry"
    assert classify_error(errors.Overdue("late")) == "refused"
    assert classify_error(errors.TotalLendingLimit("law")) == "refused"
    # An automatic suspension keeps the session: explained on the form, not a logout.
    assert classify_error(errors.AccountSuspended("stop")) == "refused"
    assert classify_error(errors.SessionExpired("idle")) == "session"
    assert classify_error(errors.Maintenance("mon")) == "session"


# --- flows on the mock --------------------------------------------------------------------


async def open_borrow(pilot: Pilot[Any], member_number: str) -> BorrowScreen:
    await settle(pilot)
    await fill_login(pilot, member_number)
    await pilot.press("1")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BorrowScreen)
    return screen


async def test_borrowing_end_to_end(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    backend, transport = money_backend(demo)
    app = make_app(backend, lang="ja")
    observer = await member_client(demo, "10000001")
    loans_before = await observer.statements(kind="loan", date_from=FIXED_NOW.date())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_borrow(pilot, "10000001")
        shown = figures(pilot, "borrow-figures")
        assert shown["ご利用可能額"] == "380,000円"
        assert shown["お振込先"] == "楽天銀行 第一営業支店 普通 ****001"
        assert shown["お振込み"] == "即時振込 本日10:01ごろ着金"

        await enter_amount(pilot, "borrow-amount", "10000")
        dialog = app.screen
        assert isinstance(dialog, ConfirmMovement)
        review = figures(pilot, "confirm-figures")
        assert review["お借入れ金額"] == "10,000円"
        assert review["お借入れ後の残高"] == "130,000円"
        assert review["最低返済額（目安）"] == "4,000円"
        assert review["30日分の利息（目安）"] == "147円（実質年率18.0%）"
        assert review["次回のご返済期日"] == "2026年12月12日(土)（変わりません）"
        assert transport.money_posts("/v1/me/borrowings") == []

        await pilot.press("enter")
        await settle(pilot)
        receipt = app.screen
        assert isinstance(receipt, ReceiptScreen)
        given = dict(receipt.figures.rows)
        assert given["お借入れ後の残高"] == "130,000円"
        assert given["ご利用可能額"] == "370,000円"
        assert given["着金予定"] == "2026年12月2日(水) 10:01"
        assert given["次回のご返済期日"] == "2026年12月12日(土)"

        account = await observer.account()
        assert (account.principal, account.available) == (130_000, 370_000)
        loans = await observer.statements(kind="loan", date_from=FIXED_NOW.date())
        assert len(loans.items) == len(loans_before.items) + 1
        assert loans.items[0].amount == 10_000
        assert given["お取引番号"] == loans.items[0].id

        # Back on the dashboard, the figures are the new ones.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        shown = app.screen.query_one(Figures)
        assert shown.value("principal") == "130,000円"
        assert shown.value("available") == "370,000円"
    await observer.aclose()
    await demo.aclose()


async def test_double_enter_on_the_confirmation_borrows_once(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, transport = money_backend(demo)
    app = make_app(backend, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_borrow(pilot, "10000001")
        await enter_amount(pilot, "borrow-amount", "10000")
        dialog = app.screen
        assert isinstance(dialog, ConfirmMovement)
        transport.gate.clear()  # the first request stays in flight
        await pilot.press("enter")
        await pilot.press("enter")
        await pilot.pause(BUTTON_PRESS_EFFECT_S)
        await pilot.press("enter")
        dialog.confirm()  # however a second press arrives, it sends nothing
        await pilot.press("escape")  # leaving with a request in flight is not allowed
        await pilot.pause()
        assert dialog.sends == 1
        assert dialog.query_one("#confirm-ok").disabled
        assert app.screen is dialog
        transport.gate.set()
        await settle(pilot)
        assert isinstance(app.screen, ReceiptScreen)
    assert len(transport.money_posts("/v1/me/borrowings")) == 1
    observer = await member_client(demo, "10000001")
    assert (await observer.account()).principal == 130_000
    await observer.aclose()
    await demo.aclose()


async def test_a_lost_answer_is_sent_again_with_the_same_key(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, transport = money_backend(demo)
    app = make_app(backend, lang="ja")
    path = "/v1/me/borrowings"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_borrow(pilot, "10000001")
        await enter_amount(pilot, "borrow-amount", "10000")
        dialog = app.screen
        assert isinstance(dialog, ConfirmMovement)
        transport.drop_answers = 2  # committed, but the answer never arrives; twice
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        status = dialog.query_one("#confirm-status", Banner).text
        assert t("money.confirm.retry_is_safe") in status
        assert str(dialog.query_one("#confirm-ok", Button).label) == "もう一度送信する"

        # A button ignores presses for 0.2 s after one (Textual's press effect).
        await pilot.pause(BUTTON_PRESS_EFFECT_S)
        await pilot.press("enter")  # "send again": the same key
        await settle(pilot)
        assert dialog.sends == 2
        assert app.screen is dialog  # no answer again: still asking
        # The member gives up; the screen keeps the key for the same amount.
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#borrow-status", Banner).text == t("money.confirm.unknown")
        assert screen.pending is not None and screen.pending[0] == 10_000

        await enter_amount(pilot, "borrow-amount", "10000")
        again = app.screen
        assert isinstance(again, ConfirmMovement)
        assert again.idempotency_key == dialog.idempotency_key
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptScreen)
        assert dict(app.screen.figures.rows)["お借入れ後の残高"] == "130,000円"
    keys = transport.keys(path)
    assert len(keys) == 3 and len(set(keys)) == 1
    observer = await member_client(demo, "10000001")
    account = await observer.account()
    assert account.principal == 130_000  # three sends, one borrowing
    await observer.aclose()
    await demo.aclose()


async def test_total_lending_limit_is_explained(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    backend, transport = money_backend(demo)
    app = make_app(backend, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_borrow(pilot, "10000009")
        await enter_amount(pilot, "borrow-amount", "60000")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        text = screen.query_one("#borrow-status", Banner).text
        assert text == t("money.borrow.refusal.TOTAL_LENDING_LIMIT", max_amount="50,000円")
        assert screen.refusal is not None and screen.refusal.next_step == "settings"
        # F4 opens the linked screen: here Settings, the one next step offered.
        assert screen.active_bindings["f4"].binding.action == "settings"
        assert screen.active_bindings["f4"].enabled
        # The form stays usable: a smaller amount is the fix.
        assert not screen.query_one("#borrow-form").disabled
    assert len(transport.money_posts("/v1/me/borrowings")) == 1
    observer = await member_client(demo, "10000009")
    assert (await observer.account()).principal == 250_000
    await observer.aclose()
    await demo.aclose()


async def test_limit_changed_meanwhile_is_refused_by_the_server(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_borrow(pilot, "10000001")
        # Another terminal borrows 300,000 while the form still shows 380,000 available.
        other = await member_client(demo, "10000001")
        await other.borrow(300_000, idempotency_key="elsewhere")
        await other.aclose()
        await enter_amount(pilot, "borrow-amount", "100000")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        text = screen.query_one("#borrow-status", Banner).text
        assert text == t("money.borrow.refusal.LIMIT_EXCEEDED", available="80,000円")
        # The form now shows what is really available, and checks against it.
        assert figures(pilot, "borrow-figures")["ご利用可能額"] == "80,000円"
        await enter_amount(pilot, "borrow-amount", "100000")
        message = screen.query_one("#borrow-message", Prose).text
        assert message == t("money.amount.over_available", maximum="80,000円")
    await demo.aclose()


async def test_overdue_member_is_sent_to_repay(make_demo: Callable[[], Demo]) -> None:
    app = make_app(make_demo(), lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_borrow(pilot, "10000008")
        text = screen.query_one("#borrow-status", Banner).text
        assert text == t("money.borrow.refusal.OVERDUE", days=5, minimum="9,000円")
        assert screen.query_one("#borrow-form").disabled
        assert screen.active_bindings["f4"].binding.action == "repay"
        assert screen.active_bindings["f4"].enabled
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, RepayScreen)


async def test_scheduled_transfer_for_a_bank_without_instant_transfers(
    make_demo: Callable[[], Demo],
) -> None:
    app = make_app(make_demo(), lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_borrow(pilot, "10000011")
        shown = figures(pilot, "borrow-figures")
        assert shown["お振込先"] == "三菱UFJ銀行 第一営業支店 普通 ****011"
        assert shown["お振込み"] == "営業日9:30のお振込み 2026年12月3日(木) 9:30ごろ着金"
        await enter_amount(pilot, "borrow-amount", "10000")
        await pilot.press("enter")
        await settle(pilot)
        receipt = app.screen
        assert isinstance(receipt, ReceiptScreen)
        given = dict(receipt.figures.rows)
        assert given["お振込み"] == "営業日9:30のお振込み"
        assert given["着金予定"] == "2026年12月3日(木) 9:30"


async def test_amounts_are_read_and_refused_before_any_request(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, transport = money_backend(demo)
    app = make_app(backend, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_borrow(pilot, "10000001")
        field = screen.query_one("#borrow-amount", AmountInput)
        message = screen.query_one("#borrow-message", Prose)
        for typed, expected in (
            ("500", t("money.amount.under_minimum", minimum="1,000円")),
            ("15,500", t("money.amount.not_multiple", unit="1,000円")),
            ("400000", t("money.amount.over_available", maximum="380,000円")),
            ("三万", t("input.amount.not_a_number", char="三")),
        ):
            await enter_amount(pilot, "borrow-amount", typed)
            assert app.screen is screen, typed
            assert message.text == expected, typed
            assert message.has_class("-error")

        await enter_amount(pilot, "borrow-amount", "３万円")
        assert isinstance(app.screen, ConfirmMovement)
        assert figures(pilot, "confirm-figures")["お借入れ金額"] == "30,000円"
        assert field.value == "30000"
        assert message.text == "30,000円として受け付けます。"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        # "All available" (F3 to the quick amounts, the fourth) fills in everything
        # available, in whole thousands; only Enter goes on to the confirmation (a quick
        # amount never opens it: one behaviour with Repay).
        await pilot.press("f3", "tab", "tab", "tab", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert field.value == "380000"
        assert field.has_focus
        assert message.text == "380,000円を入力しました。Enterで確認画面に進みます。"
        await pilot.press("enter")
        await settle(pilot)
        assert figures(pilot, "confirm-figures")["お借入れ金額"] == "380,000円"
    assert transport.money_posts("/v1/me/borrowings") == []
    await demo.aclose()


# --- snapshots ----------------------------------------------------------------------------


def _to_borrow(member_number: str, amount: str | None = None, *, confirm: bool = False) -> Any:
    async def run(pilot: Pilot[Any]) -> None:
        await open_borrow(pilot, member_number)
        if amount is not None:
            await enter_amount(pilot, "borrow-amount", amount)
        if confirm:
            await pilot.press("enter")
            await settle(pilot)

    return run


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_snapshot_borrow_form(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo], lang: str
) -> None:
    app = make_app(make_demo(), lang=lang)
    assert snap_compare(app, run_before=_to_borrow("10000001"))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_snapshot_borrow_confirm(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo], lang: str
) -> None:
    app = make_app(make_demo(), lang=lang)
    assert snap_compare(app, run_before=_to_borrow("10000001", "30000"))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_snapshot_borrow_receipt(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo], lang: str
) -> None:
    app = make_app(make_demo(), lang=lang)
    assert snap_compare(app, run_before=_to_borrow("10000011", "30000", confirm=True))


def test_snapshot_borrow_refused_total_lending_limit(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo]
) -> None:
    app = make_app(make_demo(), lang="ja")
    assert snap_compare(app, run_before=_to_borrow("10000009", "60000", confirm=True))


def test_snapshot_borrow_overdue(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    app = make_app(make_demo(), lang="ja")
    assert snap_compare(app, run_before=_to_borrow("10000008"))
