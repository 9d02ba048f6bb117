"""Login flows on the in-process mock: conversion, validation, wrong PINs, the lock."""

from __future__ import annotations

from collections.abc import Callable

from tui_support import fill_login, make_app, recorded_backend, settle, type_login

from acom_tui.api.demo import Demo
from acom_tui.i18n import t
from acom_tui.screens.dashboard import DashboardScreen
from acom_tui.screens.locked import LockedScreen
from acom_tui.screens.login import LoginScreen
from acom_tui.widgets.digits_input import MemberNumberInput, PinInput
from acom_tui.widgets.field_row import FieldRow
from acom_tui.widgets.prose import Prose


async def test_full_width_input_logs_in_and_says_it_converted(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, transport = recorded_backend(demo)
    app = make_app(backend, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await type_login(pilot, "１０００－０００１", "４８２９")
        assert isinstance(app.screen, DashboardScreen)
        login = app.login_screen
        assert login.query_one("#member-number", MemberNumberInput).value == "10000001"
        notice = login.query_one("#member-number-message", Prose)
        assert (
            notice.text == "全角の数字は半角に直し、スペースやハイフンは取り除いて受け付けました。"
        )
        assert notice.has_class("-note")
        # What reached the server was the converted number.
        assert transport.paths("POST") == ["/v1/sessions"]
        assert b'"member_number":"10000001"' in transport.requests[0].content
        assert app.session is not None and app.session.member_number == "10000001"
    await demo.aclose()


async def test_bad_input_is_refused_before_any_request(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    backend, transport = recorded_backend(demo)
    app = make_app(backend, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_login(pilot, "1000001", "4829")
        login = app.screen
        assert isinstance(login, LoginScreen)
        message = login.query_one("#member-number-message", Prose)
        assert message.text == "The member number has 8 digits (you entered 7)."
        assert message.has_class("-error")
        await fill_login(pilot, "10000001", "48a9")
        assert login.query_one("#pin-message", Prose).text == "Your PIN must be 4 digits."
        # A malformed PIN is never echoed and the field is emptied.
        assert login.query_one("#pin", PinInput).value == ""
        assert transport.requests == []
    await demo.aclose()


async def test_wrong_pin_says_how_many_attempts_are_left(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_login(pilot, "10000001", "1111")
        login = app.screen
        assert isinstance(login, LoginScreen)
        assert login.status_text == t("error.INVALID_CREDENTIALS", remaining=2)
        assert "あと2回" in login.status_text
        assert login.query_one("#pin", PinInput).value == ""
        assert app.focused is login.query_one("#pin")


async def test_third_wrong_pin_locks_and_shows_what_to_do(make_demo: Callable[[], Demo]) -> None:
    # 10000002 has two wrong PINs on record: one more locks it.
    demo = make_demo()
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_login(pilot, "10000002", "1111")
        assert isinstance(app.screen, LockedScreen)
        body = app.screen.query_one("#notice-body", Prose).text
        assert "むじんくん" in body and "0120-000-000" in body
        assert "運転免許証" in body
        # Back on the login screen the reason stays visible.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.status_text == t("error.ACCOUNT_LOCKED")
        # The correct PIN no longer helps: the account stays locked.
        await fill_login(pilot, "10000002", "4829")
        assert isinstance(app.screen, LockedScreen)


async def test_a_field_row_draws_its_label_and_a_click_on_the_field_focuses_it(
    make_demo: Callable[[], Demo],
) -> None:
    app = make_app(make_demo(), lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        row = app.screen.query_one("#pin-row", FieldRow)
        pin = app.screen.query_one("#pin", PinInput)
        # The label in the row's first cells, the input beside it in the 17th.
        label = row.render_line(0)
        assert label.text.rstrip() == "PIN"
        assert all(
            segment.style and segment.style.bold for segment in label if segment.text.strip()
        )
        assert (pin.region.x - row.region.x, pin.region.y) == (16, row.region.y)
        assert app.screen.get_widget_at(row.region.x, row.region.y)[0] is row
        await pilot.click("#pin")
        await pilot.pause()
        assert app.focused is pin
