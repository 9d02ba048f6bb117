"""Repayment: the rules of the form, flows on the in-process mock, and snapshots.

On the frozen test clock (Wednesday 2 December 2026 10:00 JST) 10000001 owes 121,479 yen
(120,000 principal, 1,479 interest) with a minimum of 4,000; 10000008 is 5 days overdue
with 547 yen of late interest and a minimum of 9,000.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from money_support import enter_amount, figures, member_client, money_backend
from textual.pilot import Pilot
from textual.widgets import OptionList
from tui_support import fill_login, make_app, settle

from acom_contract.schemas import Bank
from acom_tui.api import errors
from acom_tui.api.demo import Demo
from acom_tui.dialogs.confirm_movement import ConfirmMovement
from acom_tui.i18n import set_language, t
from acom_tui.normalize import InputError
from acom_tui.screens.borrow import BorrowScreen
from acom_tui.screens.dashboard import DashboardScreen
from acom_tui.screens.receipt import ReceiptScreen
from acom_tui.screens.repay import (
    RepayScreen,
    bank_label,
    default_bank,
    repay_rule,
    repayment_banks,
    repayment_refusal,
)
from acom_tui.widgets.amount_input import read_amount
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.figures import Figures
from acom_tui.widgets.prose import Prose

SnapCompare = Callable[..., bool]
RAKUTEN = "0036"

# --- pure rules ---------------------------------------------------------------------------


def _bank(code: str, name: str, *, repay: bool = True, phone: bool = True) -> Bank:
    return Bank(
        code=code, name=name, instant_transfer=False, internet_repayment=repay, smartphone=phone
    )


def test_banks_for_repayment() -> None:
    set_language("ja")
    banks = [
        _bank("0005", "三菱UFJ銀行"),
        _bank("0034", "セブン銀行", repay=False),
        _bank("9900", "ゆうちょ銀行", phone=False),
    ]
    usable = repayment_banks(banks)
    assert [b.code for b in usable] == ["0005", "9900"]
    assert bank_label(usable[1]) == "ゆうちょ銀行（スマホ不可）"
    assert bank_label(usable[0]) == "三菱UFJ銀行"
    assert default_bank(usable, "9900") is usable[1]
    # A registered bank without internet repayment: the first that has it.
    assert default_bank(usable, "0034") is usable[0]
    assert default_bank([], "0005") is None


def test_amount_rule_of_repayment() -> None:
    set_language("ja")
    rule = repay_rule(121_479)
    assert read_amount("121,479円", rule).value == 121_479
    assert read_amount("１２３", rule).value == 123
    with pytest.raises(InputError) as over:
        read_amount("121480", rule)
    assert t(over.value.message_key, **over.value.params) == t(
        "money.amount.over_payoff", maximum="121,479円"
    )


def test_refusals_of_a_repayment() -> None:
    set_language("ja")
    over = errors.Overpayment("too much", details={"payoff_amount": 21_479, "amount": 50_000})
    assert repayment_refusal(over, {}) == t("money.repay.refusal.OVERPAYMENT", payoff="21,479円")
    nothing = errors.Overpayment("too much", details={"payoff_amount": 0})
    assert repayment_refusal(nothing, {}) == t("money.repay.refusal.nothing_owed")
    bank = errors.BankNotSupported("no", details={"supported": ["0036", "0005"]})
    names = {"0036": "楽天銀行", "0005": "三菱UFJ銀行"}
    assert repayment_refusal(bank, names).endswith("楽天銀行、三菱UFJ銀行")


# --- flows on the mock --------------------------------------------------------------------


async def open_repay(pilot: Pilot[Any], member_number: str) -> RepayScreen:
    await settle(pilot)
    await fill_login(pilot, member_number)
    await pilot.press("2")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RepayScreen)
    return screen


def bank_options(screen: RepayScreen) -> list[str]:
    menu = screen.query_one("#repay-banks", OptionList)
    return [str(menu.get_option_at_index(i).prompt) for i in range(menu.option_count)]


async def test_overdue_member_repays_the_minimum_as_quoted(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    backend, transport = money_backend(demo)
    app = make_app(backend, lang="ja")
    observer = await member_client(demo, "10000008")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill_login(pilot, "10000008")
        await pilot.press("1")
        await settle(pilot)
        borrow = app.screen
        assert isinstance(borrow, BorrowScreen)
        assert borrow.refusal is not None and borrow.refusal.code == "OVERDUE"
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RepayScreen)
        overdue = screen.query_one("#repay-overdue", Banner).text
        assert overdue.startswith("ご返済が5日遅れています（遅延損害金547円）")

        # F3 to the quick amounts, Enter on the minimum fills the field; Enter then shows
        # how it is applied.
        await pilot.press("f3", "enter")
        await settle(pilot)
        assert screen.query_one("#repay-quote").has_class("-hidden")
        await pilot.press("enter")
        await settle(pilot)
        quote = await observer.quote_repayment(9_000, RAKUTEN)
        assert quote.late_interest == 547 and quote.late_interest > 0
        shown = figures(pilot, "repay-quote")
        assert shown == {
            "遅延損害金": "547円",
            "利息": f"{quote.interest:,}円",
            "元金": f"{quote.principal:,}円",
            "ご返済後の残高": f"{quote.principal_after:,}円",
            "次回のご返済期日": "2027年1月6日(水)",
        }
        assert quote.late_interest + quote.interest + quote.principal == 9_000
        assert transport.money_posts("/v1/me/repayments") == []

        await pilot.press("enter")  # the focus is on "確認へ進む"
        await settle(pilot)
        assert isinstance(app.screen, ConfirmMovement)
        assert figures(pilot, "confirm-figures")["遅延損害金"] == "547円"
        await pilot.press("enter")
        await settle(pilot)
        receipt = app.screen
        assert isinstance(receipt, ReceiptScreen)
        given = dict(receipt.figures.rows)
        paid = (await observer.statements(kind="repayment", limit=1)).items[0]
        assert given["お取引番号"] == paid.id
        assert (paid.late_interest, paid.interest, paid.principal) == (
            quote.late_interest,
            quote.interest,
            quote.principal,
        )
        assert given["遅延損害金"] == "547円"
        assert given["次回のご返済期日"] == "2027年1月6日(水)"

        # Back to the borrow form, which now lets the member borrow again.
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is borrow
        assert borrow.refusal is None
        assert not borrow.query_one("#borrow-form").disabled
    account = await observer.account()
    assert account.overdue_days == 0
    assert account.principal == 200_000 - quote.principal
    assert len(transport.money_posts("/v1/me/repayments")) == 1
    await observer.aclose()
    await demo.aclose()


async def test_custom_amount_from_a_bank_flagged_for_smartphones(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_repay(pilot, "10000001")
        options = bank_options(screen)
        assert "ゆうちょ銀行（スマホ不可）" in options
        assert not any("セブン銀行" in option for option in options)  # no internet repayment
        assert screen.selected_bank is not None and screen.selected_bank.code == RAKUTEN
        assert screen.query_one("#repay-bank-note", Prose).text == t("money.repay.smartphone_note")

        await pilot.press("f3", "f3")  # the quick amounts, then the banks
        for _ in range(options.index("ゆうちょ銀行（スマホ不可）")):
            await pilot.press("down")
        await settle(pilot)
        assert screen.selected_bank is not None and screen.selected_bank.code == "9900"
        await pilot.press("f3", "tab", "tab", "enter")  # "Other amount": an empty field
        await enter_amount(pilot, "repay-amount", "５，０００円")
        assert screen.quote is not None
        assert (screen.quote.amount, screen.quote.bank_code) == (5_000, "9900")
        assert screen.query_one("#repay-message", Prose).text == "5,000円として受け付けます。"
        # Another bank voids the quote: it is only ever shown for what is on the form.
        await pilot.press("f3", "f3")
        await pilot.press("up")
        await settle(pilot)
        assert screen.quote is None
        await pilot.press("down")
        await pilot.press("enter")  # Enter on the list quotes for that bank again
        await settle(pilot)
        assert screen.quote is not None and screen.quote.bank_code == "9900"
        await pilot.press("enter")
        await settle(pilot)
        assert figures(pilot, "confirm-figures")["ご返済に使う金融機関"] == (
            "ゆうちょ銀行（スマホ不可）"
        )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptScreen)
        await pilot.press("escape")
        await settle(pilot)
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen)
        # 5,000 pays the 1,479 interest first, then 3,521 of principal.
        assert dashboard.query_one(Figures).value("principal") == "116,479円"
    await demo.aclose()


async def test_over_the_payoff_is_refused_inline_and_by_the_server(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, transport = money_backend(demo)
    app = make_app(backend, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_repay(pilot, "10000001")
        await enter_amount(pilot, "repay-amount", "121480")
        message = screen.query_one("#repay-message", Prose)
        assert message.text == t("money.amount.over_payoff", maximum="121,479円")
        assert "/v1/me/repayments/quote" not in [r.url.path for r in transport.requests]

        # Paid elsewhere meanwhile: the form's payoff is stale, the server's is not.
        other = await member_client(demo, "10000001")
        await other.repay(100_000, RAKUTEN, idempotency_key="elsewhere")
        await other.aclose()
        await enter_amount(pilot, "repay-amount", "121479")
        status = screen.query_one("#repay-status", Banner).text
        assert status == t("money.repay.refusal.OVERPAYMENT", payoff="21,479円")
        assert screen.quote is None
        assert figures(pilot, "repay-figures")["完済に必要な金額"] == "21,479円"
    assert transport.money_posts("/v1/me/repayments") == []
    await demo.aclose()


async def test_double_enter_on_the_confirmation_repays_once(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, transport = money_backend(demo)
    app = make_app(backend, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_repay(pilot, "10000001")
        await pilot.press("f3", "enter", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmMovement)
        transport.gate.clear()
        await pilot.press("enter")
        await pilot.press("enter")
        dialog.confirm()
        assert dialog.sends == 1
        transport.gate.set()
        await settle(pilot)
        assert isinstance(app.screen, ReceiptScreen)
    assert len(transport.money_posts("/v1/me/repayments")) == 1
    await demo.aclose()


# --- snapshots ----------------------------------------------------------------------------


def _quoted(member_number: str, *, receipt: bool = False) -> Any:
    async def run(pilot: Pilot[Any]) -> None:
        await open_repay(pilot, member_number)
        await pilot.press("f3", "enter", "enter")
        await settle(pilot)
        if receipt:
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)

    return run


@pytest.mark.parametrize(
    ("member_number", "lang"), [("10000008", "ja"), ("10000001", "ja"), ("10000001", "en")]
)
def test_snapshot_repay_quote(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo], member_number: str, lang: str
) -> None:
    app = make_app(make_demo(), lang=lang)
    assert snap_compare(app, run_before=_quoted(member_number))


def test_snapshot_repay_receipt(snap_compare: SnapCompare, make_demo: Callable[[], Demo]) -> None:
    app = make_app(make_demo(), lang="ja")
    assert snap_compare(app, run_before=_quoted("10000008", receipt=True))
