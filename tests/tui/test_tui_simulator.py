"""The repayment simulator: what it reads, what the server answers, and how it is shown.

Figures worked out by hand follow the published method (SPEC 2.15): one payment every 30
days, interest ``floor(balance x 18.0% x 30 / 365)``. For 100,000 yen that is 1,479 yen in
the first period (1,800,000 / 365 = 1,479.45).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label
from tui_support import fill_login, make_app, settle

from acom_tui import errors_ui, i18n
from acom_tui.api.demo import Demo
from acom_tui.api.errors import ValidationFailed
from acom_tui.normalize import InputError
from acom_tui.screens.simulator import (
    SimulatorScreen,
    never_repays,
    parse_payment_count,
    parse_rate,
    payment_dates,
)
from acom_tui.widgets.balance_chart import (
    FULL,
    HALF,
    BalanceChart,
    axis_line,
    chart_rows,
    sample_bars,
)

SnapCompare = Callable[..., bool]


# --- helpers ------------------------------------------------------------------------------


async def open_simulator(pilot: Pilot[Any]) -> SimulatorScreen:
    """From the login screen with F4, as a visitor would."""
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SimulatorScreen)
    return screen


async def fill(pilot: Pilot[Any], **values: str) -> None:
    screen = pilot.app.screen
    for name, value in values.items():
        screen.query_one(f"#sim-{name}", Input).value = value


async def calculate(pilot: Pilot[Any]) -> None:
    await pilot.press("f8")
    await settle(pilot)


def summary(screen: SimulatorScreen) -> dict[str, str]:
    names = ("payments", "payoff", "monthly", "last", "interest", "total")
    return {name: str(screen.query_one(f"#sim-sum-{name}", Label).content) for name in names}


def table_rows(screen: SimulatorScreen) -> list[list[str]]:
    table = screen.query_one("#sim-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


# --- reading input (pure) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "changed"),
    [
        ("18", Decimal("18"), False),
        ("18.0", Decimal("18.0"), False),
        ("18.0%", Decimal("18.0"), True),
        ("１８．０％", Decimal("18.0"), True),
        (" 4.7 ", Decimal("4.7"), True),
    ],
)
def test_parse_rate(text: str, expected: Decimal, changed: bool) -> None:
    parsed = parse_rate(text)
    assert parsed.value == expected
    assert parsed.changed is changed


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "EMPTY"),
        ("%", "EMPTY"),
        ("-3", "NEGATIVE"),
        ("18,0", "NOT_A_NUMBER"),
        ("年18", "NOT_A_NUMBER"),
    ],
)
def test_parse_rate_refuses(text: str, code: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_rate(text)
    assert caught.value.code == code
    assert caught.value.field == "annual_rate"


def test_parse_payment_count() -> None:
    assert parse_payment_count("36").value == 36
    assert parse_payment_count("３６回").value == 36
    assert parse_payment_count("36回").changed is True
    with pytest.raises(InputError) as caught:
        parse_payment_count("3年")
    assert caught.value.code == "NOT_DIGITS"
    with pytest.raises(InputError):
        parse_payment_count("")


def test_never_repays_compares_with_one_period_of_interest() -> None:
    # 100,000 x 18.0% x 30 / 365 = 1,479.45 -> 1,479.
    assert never_repays(100_000, Decimal("18.0"), 1_479) == 1_479
    assert never_repays(100_000, Decimal("18.0"), 1_000) == 1_479
    assert never_repays(100_000, Decimal("18.0"), 1_480) is None
    # 500,000 x 4.5% x 30 / 365 = 1,849.31 -> 1,849.
    assert never_repays(500_000, Decimal("4.5"), 1_849) == 1_849


def test_payment_dates_are_thirty_days_apart() -> None:
    class Row:
        def __init__(self, day: int) -> None:
            self.day = day

    rows: list[Any] = [Row(30), Row(60), Row(90)]
    assert payment_dates(date(2026, 12, 2), rows) == [
        date(2027, 1, 1),
        date(2027, 1, 31),
        date(2027, 3, 2),
    ]


# --- the chart (pure) ---------------------------------------------------------------------


def test_bars_are_spread_evenly_and_centred() -> None:
    # 3 bars in 10 cells: 3 apart, the group (7 cells) centred -> columns 1, 4, 7.
    assert sample_bars([30, 20, 10], 10) == [(1, 30), (4, 20), (7, 10)]


def test_more_values_than_columns_show_the_first_of_each_share() -> None:
    assert sample_bars([8, 7, 6, 5, 4, 3], 3) == [(0, 8), (1, 6), (2, 4)]


def test_chart_rows_use_only_narrow_blocks() -> None:
    # 2 rows = 4 steps; 100 -> 4 steps, 50 -> 2 steps, 10 -> 1 step (rounded up).
    rows = chart_rows([100, 50, 10], 3, 2)
    assert rows == [FULL + "  ", FULL + FULL + HALF]
    assert set("".join(rows)) <= {FULL, HALF, " "}


def test_axis_line_puts_labels_at_both_ends() -> None:
    assert axis_line(12, "1回目", "9回目") == "1回目  9回目"
    assert axis_line(4, "#1", "#46") == "#46"


# --- the server's limits, in words -----------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "rate", "payment", "count", "field", "expected"),
    [
        (
            9_000_000,
            "18.0",
            300_000,
            None,
            "amount",
            "お借入れ金額は1円から8,000,000円までで試算できます。",
        ),
        (
            100_000,
            "20",  # the legal ceiling of late interest, above the lender's range
            10_000,
            None,
            "annual_rate",
            "金利は3.0%から18.0%までの範囲で入力してください（当社の貸付利率の範囲です）。",
        ),
        (
            100_000,
            "2.9",
            10_000,
            None,
            "annual_rate",
            "金利は3.0%から18.0%までの範囲で入力してください（当社の貸付利率の範囲です）。",
        ),
        (
            100_000,
            "18.0001",
            10_000,
            None,
            "annual_rate",
            "金利は小数点以下3桁までで入力してください。",
        ),
        # 16.0% is between listed rates: it takes the limits of 18.0%, the next one up.
        (
            100_000,
            "16.0",
            None,
            47,
            "payments",
            "この金利（18.0%の区分）では、返済回数は1回から46回までです。",
        ),
        (
            200_000,
            "15.0",
            3_000,
            None,
            "monthly_payment",
            "この金利（15.0%の区分）では、毎月のご返済額はお借入れ金額の2.0%（4,000円）以上が必要です。",
        ),
    ],
)
async def test_limits_are_said_in_japanese(
    make_demo: Callable[[], Demo],
    amount: int,
    rate: str,
    payment: int | None,
    count: int | None,
    field: str,
    expected: str,
) -> None:
    i18n.set_language("ja")
    demo = make_demo()
    with pytest.raises(ValidationFailed) as caught:
        await demo.client.simulate_repayment(
            amount, Decimal(rate), monthly_payment=payment, payments=count
        )
    await demo.aclose()
    assert caught.value.field == field
    assert errors_ui.field_message(caught.value) == expected


def test_an_error_without_a_limit_falls_back_to_the_general_message() -> None:
    i18n.set_language("en")
    error = ValidationFailed(
        "amount: must be even",
        code="VALIDATION_ERROR",
        details={"field": "amount", "errors": [{"field": "amount", "message": "must be even"}]},
    )
    assert errors_ui.field_message(error) == errors_ui.message_for(error)
    assert "must be even" in errors_ui.field_message(error)


# --- the screen against the mock ----------------------------------------------------------


async def test_by_payment_shows_the_servers_answer(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_simulator(pilot)
        screen.query_one("#sim-amount").focus()
        await pilot.press(*"100000", "enter")
        # The rate starts at 18.0 (no contract before login): Enter moves on.
        assert screen.query_one("#sim-rate", Input).value == "18.0"
        await pilot.press("enter")
        await pilot.press(*"10000", "enter")
        await settle(pilot)

        answer = await demo.client.simulate_repayment(
            100_000, Decimal("18.0"), monthly_payment=10_000
        )
        assert answer.payments == 11
        assert answer.schedule[0].interest == 1_479  # by hand, see the module docstring
        assert summary(screen) == {
            "payments": f"{answer.payments}回",
            "payoff": "2027年10月28日(木)",  # 2 Dec 2026 + 11 x 30 days
            "monthly": "10,000円",
            "last": f"{answer.final_payment:,}円",
            "interest": f"{answer.total_interest:,}円",
            "total": f"{answer.total_paid:,}円",
        }
        assert answer.total_paid == 10 * 10_000 + answer.final_payment
        rows = table_rows(screen)
        assert len(rows) == 11
        # 30 days after 2 Dec 2026; 10,000 - 1,479 = 8,521 off the principal.
        assert rows[0] == ["1", "2027/01/01", "10,000", "1,479", "91,479"]
        assert rows[-1][1:] == ["2027/10/28", f"{answer.final_payment:,}", rows[-1][3], "0"]
        chart = screen.query_one("#sim-chart", BalanceChart)
        assert chart.values == [100_000, *(row.balance for row in answer.schedule[:-1])]
    await demo.aclose()


async def test_by_count_shows_the_payment_the_server_found(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_simulator(pilot)
        await pilot.press("f3")
        assert screen.mode == "count"
        assert screen.query_one("#sim-count", Input).has_focus
        await fill(pilot, amount="100000", count="12")
        await calculate(pilot)

        answer = await demo.client.simulate_repayment(100_000, Decimal("18.0"), payments=12)
        # An annuity at 1.4795% a period gives 9,156.6 yen; whole yen, repaid in 12.
        assert 9_150 <= answer.monthly_payment <= 9_160
        assert answer.payments == 12
        values = summary(screen)
        assert values["monthly"] == f"{answer.monthly_payment:,}円"
        assert values["payments"] == "12回"
        assert values["total"] == f"{answer.total_paid:,}円"
        assert len(table_rows(screen)) == 12
        basis = str(screen.query_one("#sim-basis", Label).content)
        assert basis == "100,000円を年18.0%でお借入れし、12回で返済する場合"
    await demo.aclose()


async def test_too_many_payments_names_the_limit(make_demo: Callable[[], Demo]) -> None:
    app = make_app(make_demo(), lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_simulator(pilot)
        await pilot.press("f3")
        await fill(pilot, amount="100000", count="47")
        await calculate(pilot)
        message = screen.field_message("count")
        assert message == "この金利（18.0%の区分）では、返済回数は1回から46回までです。"
        assert screen.query_one("#sim-count-message").has_class("-error")
        assert screen.result is None
        assert screen.query_one("#sim-output").has_class("-hidden")
        assert screen.query_one("#sim-count", Input).has_focus


async def test_limit_in_english(make_demo: Callable[[], Demo]) -> None:
    app = make_app(make_demo(), lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_simulator(pilot)
        # 3.0% of the amount is the minimum at 18.0%: 3,000 yen on 100,000; 3,000 itself
        # needs 47 payments, and the server names the smallest payment that fits.
        await fill(pilot, amount="100000", payment="3000")
        await calculate(pilot)
        assert screen.field_message("payment") == (
            "At this rate (18.0% band) repayment may take at most 46 payments, and this "
            "payment would take more. Pay at least ¥3,012."
        )


async def test_a_payment_that_never_repays_is_refused_with_the_reason(
    make_demo: Callable[[], Demo],
) -> None:
    app = make_app(make_demo(), lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_simulator(pilot)
        await fill(pilot, amount="100000", payment="1000")
        await calculate(pilot)
        assert screen.field_message("payment").split("\n") == [
            "この金利（18.0%の区分）では、毎月のご返済額はお借入れ金額の3.0%（3,000円）以上が必要です。",
            "このご返済額は30日分の利息（1,479円）以下のため、残高が減らず、いつまでも完済できません。",
        ]
        assert screen.result is None


async def test_full_width_and_japanese_units_are_read(make_demo: Callable[[], Demo]) -> None:
    app = make_app(make_demo(), lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_simulator(pilot)
        await fill(pilot, amount="１０万円", rate="１８．０％", payment="1万")
        await calculate(pilot)
        assert screen.result is not None
        assert screen.result.amount == 100_000
        assert screen.result.monthly_payment == 10_000
        assert screen.result.payments == 11
        assert screen.field_message("amount") == "100,000円として受け付けます。"
        assert screen.field_message("payment") == "10,000円として受け付けます。"


async def test_input_errors_are_marked_on_every_field_before_any_request(
    make_demo: Callable[[], Demo],
) -> None:
    app = make_app(make_demo(), lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_simulator(pilot)
        await fill(pilot, amount="", rate="abc", payment="1万")
        await calculate(pilot)
        assert screen.field_message("amount") == "金額を入力してください。"
        assert screen.field_message("rate") == "金利は数字で入力してください（例: 18.0、15%）。"
        assert screen.query_one("#sim-amount", Input).has_focus
        assert screen.result is None


async def test_member_rate_is_the_default_after_login(make_demo: Callable[[], Demo]) -> None:
    app = make_app(make_demo(), lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await fill_login(pilot, "10000010")  # a 15.0% contract
        await pilot.press("6")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, SimulatorScreen)
        assert screen.query_one("#sim-rate", Input).value == "15.0"
        assert screen.field_message("rate") == "ご契約中の金利です"
        await pilot.press("escape")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "DashboardScreen"


async def test_escape_returns_to_login(make_demo: Callable[[], Demo]) -> None:
    app = make_app(make_demo(), lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_simulator(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is app.login_screen


# --- snapshots ----------------------------------------------------------------------------


def _simulate(mode: str, **values: str) -> Callable[[Pilot[Any]], Any]:
    async def run(pilot: Pilot[Any]) -> None:
        await open_simulator(pilot)
        if mode == "count":
            await pilot.press("f3")
        await fill(pilot, **values)
        await calculate(pilot)

    return run


@pytest.mark.parametrize(
    ("lang", "mode", "values"),
    [
        ("ja", "payment", {"amount": "100000", "payment": "10000"}),
        ("ja", "count", {"amount": "300000", "count": "36"}),
        ("ja", "count", {"amount": "100000", "count": "47"}),
        ("en", "payment", {"amount": "10万", "payment": "5000"}),
    ],
    ids=["ja_by_payment", "ja_by_count", "ja_refused", "en_by_payment"],
)
def test_simulator_snapshot(
    snap_compare: SnapCompare,
    make_demo: Callable[[], Demo],
    lang: str,
    mode: str,
    values: dict[str, str],
) -> None:
    app = make_app(make_demo(), lang=lang)
    assert snap_compare(app, run_before=_simulate(mode, **values))
