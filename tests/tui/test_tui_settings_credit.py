"""Credit data shown read-only with how to report a change, and the one-time PIN gate.

Against the in-process mock: the figures and refusals come from the real server rules.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from settings_support import (
    STAFF_ID,
    STAFF_PASSWORD,
    member_client,
    open_settings,
    set_input,
    type_keys,
)
from textual.css.query import NoMatches
from textual.widgets import Input, Label
from tui_support import fill_login, running, settle

from acom_contract.schemas import ProfileUpdate
from acom_tui.api.client import NO_RETRY, StaffClient
from acom_tui.api.demo import DEMO_BASE_URL, Demo
from acom_tui.screens.dashboard import DashboardScreen
from acom_tui.screens.login import LoginScreen
from acom_tui.screens.pin_change import PinChangeScreen
from acom_tui.screens.profile import ProfileScreen
from acom_tui.widgets.prose import Prose

NEW_PIN = "5172"


async def one_time_pin_for(demo: Demo, member_number: str) -> str:
    """The support desk resets a forgotten PIN after an identity check (SPEC 2.17)."""
    staff = StaffClient(DEMO_BASE_URL, transport=demo.transport, retry=NO_RETRY)
    await staff.login(STAFF_ID, STAFF_PASSWORD)
    issued = await staff.reset_pin(
        member_number, reason="forgot PIN, identity checked", identity_document="passport"
    )
    await staff.aclose()
    return issued.one_time_pin.get_secret_value()


@pytest.mark.parametrize(
    ("lang", "others", "verified", "words"),
    [
        ("ja", "700,000円", "3,000,000円", ("信用情報機関", "0120-000-000", "収入証明書の提出")),
        ("en", "¥700,000", "¥3,000,000", ("credit bureau", "0120-000-000", "Income documents")),
    ],
)
async def test_other_lenders_and_verified_income_are_shown_read_only(
    make_demo: Callable[[], Demo], lang: str, others: str, verified: str, words: tuple[str, ...]
) -> None:
    demo = make_demo()
    async with running(demo, lang=lang) as pilot:
        await open_settings(pilot, "10000009", "1")
        screen = pilot.app.screen
        assert isinstance(screen, ProfileScreen)
        with pytest.raises(NoMatches):
            screen.query_one("#pf-other_lenders_balance", Input)
        assert str(screen.query_one("#pf-info-other_lenders", Label).content) == others
        assert str(screen.query_one("#pf-info-verified_income", Label).content) == verified
        notes = " ".join(
            screen.query_one(f"#pf-note-{key}", Prose).text
            for key in ("verified_income", "other_lenders")
        )
        for word in words:
            assert word in notes
    await demo.aclose()


async def test_a_new_income_is_shown_as_waiting_for_a_certificate(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    async with running(demo, lang="ja") as pilot:
        app = pilot.app
        await open_settings(pilot, "10000001", "1")
        screen = app.screen
        assert isinstance(screen, ProfileScreen)
        await set_input(pilot, "#pf-annual_income", "720万")
        await pilot.press("f8")
        await settle(pilot)
        await type_keys(pilot, "4829")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#pf-annual_income", Input).value == "7,200,000"
        assert str(screen.query_one("#pf-info-verified_income", Label).content) == "4,800,000円"
        note = screen.query_one("#pf-note-verified_income", Prose).text
        assert "7,200,000円" in note and "4,800,000円" in note
    await demo.aclose()


async def test_the_client_model_cannot_even_build_an_other_lenders_change() -> None:
    with pytest.raises(ValueError, match="read-only: from the credit bureau"):
        ProfileUpdate(other_lenders_balance=0)


async def test_pin_change_required_anywhere_leads_to_the_pin_change(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    one_time_pin = await one_time_pin_for(demo, "10000002")
    async with running(demo, lang="en") as pilot:
        app = pilot.app
        await fill_login(pilot, "10000002", one_time_pin)
        assert isinstance(app.screen, PinChangeScreen)
        # A client that ignored the login answer and went to the dashboard anyway: the
        # server refuses the dashboard's requests, and the refusal brings the form back.
        await app.open_screen(DashboardScreen())
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PinChangeScreen)
        assert screen.forced
        assert [type(s) for s in app.screen_stack].count(PinChangeScreen) == 2
        dashboard = app.screen_stack[-2]
        assert isinstance(dashboard, DashboardScreen)
        await set_input(pilot, "#pin-current", one_time_pin)
        await set_input(pilot, "#pin-new", NEW_PIN)
        await set_input(pilot, "#pin-again", NEW_PIN)
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert [type(s) for s in app.screen_stack] == [LoginScreen, DashboardScreen]
        assert not app.pin_change_required
    again = await member_client(demo, "10000002", NEW_PIN)
    assert (await again.account()).member_number == "10000002"
    await demo.aclose()


def test_the_refusal_has_words_in_both_languages() -> None:
    from acom_tui import errors_ui
    from acom_tui.api import errors
    from acom_tui.i18n import get_language, set_language

    refusal = errors.error_from_response(
        status=403,
        code="PIN_CHANGE_REQUIRED",
        message="change the PIN first",
        details={},
        request_id=None,
        retry_after=None,
    )
    assert isinstance(refusal, errors.PinChangeRequired)
    assert errors_ui.wants_screen(refusal, logged_in=True)
    assert not errors_ui.ends_session(refusal)
    before = get_language()
    try:
        for lang, word in (("ja", "暗証番号"), ("en", "PIN")):
            set_language(lang)
            text = errors_ui.message_for(refusal)
            assert word in text and "PIN_CHANGE_REQUIRED" not in text
    finally:
        set_language(before)
