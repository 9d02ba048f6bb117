"""The staff console driven by keys on the in-process demo, checked against the server.

Each flow ends by asking the server (a member login, the audit log as a second staff
client reads it), not the console, whether the change really happened.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from staff_support import (
    STAFF_PASSWORD,
    act,
    audit_of,
    look_up,
    make_staff_app,
    staff_backend,
    staff_login,
    type_text,
)
from textual.widgets import DataTable, Input, OptionList, Static
from tui_support import PIN, settle

from acom_tui.api import errors
from acom_tui.api.client import NO_RETRY, StaffClient
from acom_tui.api.demo import DEMO_BASE_URL, Demo
from acom_tui.i18n import t
from acom_tui.staff.app import StaffApp
from acom_tui.staff.screens.action import ActionDialog
from acom_tui.staff.screens.audit import AuditScreen
from acom_tui.staff.screens.idle import StaffIdleScreen
from acom_tui.staff.screens.login import PasswordInput, StaffLoginScreen
from acom_tui.staff.screens.member import MemberScreen
from acom_tui.staff.screens.pin import OneTimePinDialog
from acom_tui.widgets.banner import Banner


def _member_screen(app: StaffApp) -> MemberScreen:
    screen = app.screen
    assert isinstance(screen, MemberScreen)
    return screen


async def test_login_lookup_unlock_then_the_member_logs_in(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    member = demo.new_client(retry=NO_RETRY)
    with pytest.raises(errors.AccountLocked):
        await member.login("10000003", PIN)
    backend, transport = staff_backend(demo)
    app = make_staff_app(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await staff_login(pilot)
        screen = _member_screen(app)
        await look_up(pilot, "１０００ ０００３")  # full-width, as an IME types it
        assert screen.member is not None and screen.member.locked
        assert str(screen.query_one("#member-value-2", Static).content) == "ロック中"
        assert str(screen.query_one("#member-value-4", Static).content) == "3回"

        await act(pilot, "unlock")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ActionDialog) and dialog.kind == "unlock"
        # The fourth document: the passport.
        await pilot.press("down", "down", "down", "enter")
        assert dialog.choice == "passport"
        assert dialog.query_one("#action-reason", Input).has_focus
        await type_text(pilot, "seen ok")
        await pilot.press("enter")
        await settle(pilot)

        assert app.screen is screen
        assert screen.status_text == "ロックを解除しました。"
        assert screen.member is not None
        assert (screen.member.status, screen.member.locked) == ("active", False)
        assert screen.member.failed_attempts == 0
        assert str(screen.query_one("#member-value-2", Static).content) == "利用可能"
        # Unlock is no longer offered; a PIN reset still is.
        menu = screen.query_one("#member-actions", OptionList)
        ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
        assert ids == ["pin_reset", "suspend", "card_lost", "audit"]

    assert transport.paths("POST") == [
        "/v1/staff/sessions",
        "/v1/staff/members/10000003/unlock",
    ]
    result = await member.login("10000003", PIN)
    assert result.member_number == "10000003"
    newest = (await audit_of(demo, "10000003"))[0]
    assert (newest.actor, newest.action) == ("S0001", "unlock")
    assert newest.reason == "seen ok"
    assert newest.details == {"identity_document": "passport"}
    await member.aclose()
    await demo.aclose()


async def test_card_lost_then_member_login_answers_card_lost(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, _transport = staff_backend(demo)
    app = make_staff_app(backend, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await staff_login(pilot)
        screen = _member_screen(app)
        await look_up(pilot, "10000001")
        await act(pilot, "card_lost", "card_reissued")
        await settle(pilot)
        assert isinstance(app.screen, ActionDialog) and app.screen.kind == "card_lost"
        await type_text(pilot, "stolen")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.status_text == "The card is registered as lost."
        assert screen.member is not None and screen.member.card_status == "lost"
        assert screen.member.status == "card_lost"
        assert str(screen.query_one("#member-value-6", Static).content) == (
            "Reported lost or stolen"
        )

    member = demo.new_client(retry=NO_RETRY)
    with pytest.raises(errors.CardLost):
        await member.login("10000001", PIN)
    await member.aclose()
    await demo.aclose()


async def test_a_cancelled_unlock_sends_nothing_and_writes_no_audit_row(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, transport = staff_backend(demo)
    app = make_staff_app(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await staff_login(pilot)
        await look_up(pilot, "10000003")
        before = await audit_of(demo, "10000003")
        assert [e.action for e in before] == ["lookup"]

        await act(pilot, "unlock")
        await settle(pilot)
        await pilot.press("enter")  # a document chosen
        await type_text(pilot, "oops")
        await pilot.press("escape")
        await settle(pilot)
        screen = _member_screen(app)
        assert screen.status_text == "操作を取り消しました。何も送信していません。"
        assert screen.member is not None and screen.member.locked

    assert "/v1/staff/members/10000003/unlock" not in transport.paths()
    assert await audit_of(demo, "10000003") == before
    await demo.aclose()


async def test_the_dialog_refuses_to_send_without_a_document_or_a_reason(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, transport = staff_backend(demo)
    app = make_staff_app(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await staff_login(pilot)
        await look_up(pilot, "10000003")
        await act(pilot, "unlock")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ActionDialog)
        dialog.query_one("#action-reason", Input).value = "identity checked"
        dialog.confirm()
        await settle(pilot)
        error = dialog.query_one("#action-error", Banner)
        assert error.text == "確認した本人確認書類を選んでください。"
        assert dialog.query_one("#action-choice", OptionList).has_focus

        dialog.choose("drivers_license")
        dialog.query_one("#action-reason", Input).value = "   "
        dialog.confirm()
        await settle(pilot)
        assert error.text == "理由を入力してください。"
        assert app.screen is dialog
    assert "/v1/staff/members/10000003/unlock" not in transport.paths()
    await demo.aclose()


async def test_a_second_enter_while_sending_sends_nothing_more(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, transport = staff_backend(demo)
    app = make_staff_app(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await staff_login(pilot)
        await look_up(pilot, "10000004")
        await act(pilot, "suspend", "reinstate")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ActionDialog) and dialog.kind == "reinstate"
        dialog.query_one("#action-reason", Input).value = "arrears paid at the counter"
        dialog.confirm()
        dialog.confirm()
        dialog.action_cancel()  # not while the answer is pending
        await settle(pilot)
        screen = _member_screen(app)
        assert screen.status_text == "利用停止を解除しました。"
        assert screen.member is not None and screen.member.suspension_reason is None
    assert transport.paths("POST").count("/v1/staff/members/10000004/reinstate") == 1
    member = demo.new_client(retry=NO_RETRY)
    assert (await member.login("10000004", PIN)).member_number == "10000004"
    await member.aclose()
    await demo.aclose()


async def test_someone_else_acted_first_shows_why_and_the_current_state(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, _transport = staff_backend(demo)
    app = make_staff_app(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await staff_login(pilot)
        await look_up(pilot, "10000003")
        # A colleague unlocks the account from another terminal meanwhile.
        async with StaffClient(DEMO_BASE_URL, transport=demo.transport) as colleague:
            await colleague.login("S0001", STAFF_PASSWORD)
            await colleague.unlock("10000003", reason="at store", identity_document="passport")
        await act(pilot, "unlock")
        await settle(pilot)
        await pilot.press("enter")
        await type_text(pilot, "checked")
        await pilot.press("enter")
        await settle(pilot)
        screen = _member_screen(app)
        assert screen.status_text == t("staff.conflict.unlock")
        assert screen.member is not None and not screen.member.locked
    unlocks = [e for e in await audit_of(demo, "10000003") if e.action == "unlock"]
    assert [e.reason for e in unlocks] == ["at store"]
    await demo.aclose()


async def test_pin_reset_shows_the_pin_once_and_it_logs_in(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, _transport = staff_backend(demo)
    app = make_staff_app(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await staff_login(pilot)
        await look_up(pilot, "10000003")
        await act(pilot, "pin_reset")
        await settle(pilot)
        action = app.screen
        assert isinstance(action, ActionDialog) and action.kind == "pin_reset"
        # No PIN without an identity check: the document list has the focus first.
        assert action.query_one("#action-choice", OptionList).has_focus
        await pilot.press("down", "enter")  # the health insurance card
        assert action.choice == "health_insurance_card"
        await type_text(pilot, "forgot")
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, OneTimePinDialog)
        shown = str(dialog.query_one("#pin-value", Static).content)
        pin = shown.replace(" ", "")
        assert len(pin) == 4 and pin.isdigit() and shown == " ".join(pin)
        value = dialog.query_one("#pin-value", Static)

        await pilot.press("enter")
        await settle(pilot)
        screen = _member_screen(app)
        assert not dialog.showing
        assert str(value.content) == ""
        assert pin not in screen.status_text
        assert screen.status_text.startswith(
            "仮暗証番号を発行しました（有効期限 2026年12月3日(木) 10:00）"
        )
        # The reset unlocked the account too; the view was looked up again.
        assert screen.member is not None and not screen.member.locked

    member = demo.new_client(retry=NO_RETRY)
    result = await member.login("10000003", pin)
    assert result.pin_change_required
    await member.aclose()
    entry = next(e for e in await audit_of(demo, "10000003") if e.action == "pin_reset")
    assert pin not in repr(entry.model_dump())
    assert entry.details["identity_document"] == "health_insurance_card"
    await demo.aclose()


async def test_the_audit_screen_lists_the_actions_newest_first(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, _transport = staff_backend(demo)
    app = make_staff_app(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await staff_login(pilot)
        await look_up(pilot, "10000003")
        await act(pilot, "unlock")
        await pilot.press("enter")
        await type_text(pilot, "licence")
        await pilot.press("enter")
        await settle(pilot)
        await look_up(pilot, "10000004")
        await act(pilot, "suspend", "reinstate")
        await settle(pilot)
        await type_text(pilot, "paid")
        await pilot.press("enter")
        await settle(pilot)

        await pilot.press("f4")
        await settle(pilot)
        audit = app.screen
        assert isinstance(audit, AuditScreen)
        # Opened on the member on screen.
        assert audit.member_number == "10000004"
        assert [e.action for e in audit.entries] == ["reinstate", "lookup"]

        # Every member: empty the member filter and apply it with Enter.
        member_filter = audit.query_one("#audit-member", Input)
        member_filter.value = ""
        member_filter.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert audit.member_number is None
        table = audit.query_one("#audit-table", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert [row[2] for row in rows] == [
            "利用停止の解除",
            "照会",
            "ロック解除",
            "照会",
            "ログイン",
        ]
        assert [row[3] for row in rows] == ["10000004", "10000004", "10000003", "10000003", ""]
        assert rows[0][:2] == ["2026-12-02 10:00", "S0001"]
        assert rows[2][4] == "licence"
        ids = [e.id for e in audit.entries]
        assert ids == sorted(ids, reverse=True)
        detail = audit.query_one("#audit-detail").render()
        assert "理由: paid" in str(detail)
        assert "解除前の停止理由: 延滞 (DELINQUENCY)" in str(detail)

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen)
    await demo.aclose()


async def test_the_audit_log_pages_forward_and_back(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    backend, _transport = staff_backend(demo)
    app = make_staff_app(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await staff_login(pilot)
        # 14 lookups by a colleague and one here: a page of 14 rows and a page of 1.
        async with StaffClient(DEMO_BASE_URL, transport=demo.transport) as colleague:
            await colleague.login("S0001", STAFF_PASSWORD)
            for _ in range(14):
                await colleague.member("10000001")
        await look_up(pilot, "10000001")
        await pilot.press("f4")
        await settle(pilot)
        audit = app.screen
        assert isinstance(audit, AuditScreen)
        first_page = [e.id for e in audit.entries]
        assert len(first_page) == 14 and audit.next_cursor is not None
        assert audit.check_action("previous_page", ()) is False
        await pilot.press("f7")
        await settle(pilot)
        assert [e.action for e in audit.entries] == ["lookup"]
        assert audit.entries[0].id < first_page[-1]
        assert str(audit.query_one("#audit-page").render()) == ("2ページ目（新しい順に15～15件目）")
        await pilot.press("f6")
        await settle(pilot)
        assert [e.id for e in audit.entries] == first_page
    await demo.aclose()


async def test_wrong_password_is_a_line_and_the_field_is_emptied(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, _transport = staff_backend(demo)
    app = make_staff_app(backend, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Nothing to say yet: the status line is not even mounted (start-up, issue 16).
        assert not app.screen.query("#staff-login-status")
        await staff_login(pilot, password="not-the-password")
        screen = app.screen
        assert isinstance(screen, StaffLoginScreen)
        assert screen.status_text == (
            "The staff ID or password is not correct. "
            "Wrong passwords left before this staff ID is locked: 4."
        )
        body = [child.id for child in screen.query_one("#staff-login-body").children]
        assert body == [
            "staff-login-intro",
            "staff-login-form",
            "staff-login-status",
            "staff-login-notice",
        ]
        assert screen.query_one("#staff-password", PasswordInput).value == ""
        assert app.session is None
    await demo.aclose()


@pytest.mark.parametrize(
    ("lang", "advice"),
    [
        ("en", "Ask an administrator to unlock it."),
        ("ja", "管理者にロックの解除を依頼してください。"),
    ],
)
async def test_a_locked_staff_id_says_to_ask_an_administrator(
    make_demo: Callable[[], Demo], lang: str, advice: str
) -> None:
    demo = make_demo()
    backend, _transport = staff_backend(demo)
    app = make_staff_app(backend, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(5):
            await staff_login(pilot, password="not-the-password")
        screen = app.screen
        assert isinstance(screen, StaffLoginScreen)
        assert screen.status_text.endswith(advice)
        await staff_login(pilot)  # the right password, refused until unlocked
        assert screen.status_text.endswith(advice)
        assert app.session is None
    # The server holds the lock, whatever the console shows.
    with pytest.raises(errors.StaffLocked):
        await StaffClient(DEMO_BASE_URL, transport=demo.transport).login("S0001", STAFF_PASSWORD)
    await demo.aclose()


async def test_idle_warning_then_expiry_returns_to_login_and_revokes(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, transport = staff_backend(demo)
    app = make_staff_app(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await staff_login(pilot)
        await look_up(pilot, "10000003")
        token = transport.last_token()
        # The staff idle timeout is 10 minutes: 9 minutes in, the warning shows.
        await demo.admin.advance_clock(9 * 60)
        await app.heartbeat()
        await settle(pilot)
        assert isinstance(app.screen, StaffIdleScreen)
        await demo.admin.advance_clock(60)
        await app.heartbeat()
        await settle(pilot)
        assert isinstance(app.screen, StaffLoginScreen)
        assert len(app.screen_stack) == 1
        assert app.session is None
        assert app.screen.status_text == t("staff.login.reason.idle")
        assert app.screen.query_one("#staff-id", Input).value == ""
    assert transport.paths("DELETE") == ["/v1/staff/sessions/current"]
    assert token is not None
    async with httpx.AsyncClient(transport=demo.transport, base_url=DEMO_BASE_URL) as http:
        response = await http.get("/v1/staff/audit", headers={"Authorization": f"Bearer {token}"})
    # Dead either way: expired on the server's clock, and revoked by the logout.
    assert response.status_code == 401
    await demo.aclose()


async def test_stay_logged_in_renews_without_an_audit_row(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    backend, transport = staff_backend(demo)
    app = make_staff_app(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await staff_login(pilot)
        await demo.admin.advance_clock(9 * 60 + 30)
        await app.heartbeat()
        await settle(pilot)
        assert isinstance(app.screen, StaffIdleScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen)
        assert transport.paths("GET")[-1] == "/v1/staff/audit"
        # Renewed at 9:30: without it the session would have ended at 10:00; 8 minutes
        # later it is not even near its end.
        await demo.admin.advance_clock(8 * 60)
        await app.heartbeat()
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen)
        assert app.session is not None
    await demo.aclose()


async def test_a_pin_dialog_open_at_the_idle_logout_is_emptied(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, _transport = staff_backend(demo)
    app = make_staff_app(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await staff_login(pilot)
        await look_up(pilot, "10000002")
        await act(pilot, "pin_reset")
        await settle(pilot)
        await pilot.press("enter")  # a document chosen
        await type_text(pilot, "forgot")
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, OneTimePinDialog) and dialog.showing
        await demo.admin.advance_clock(10 * 60)
        await app.heartbeat()
        await settle(pilot)
        assert isinstance(app.screen, StaffLoginScreen)
        assert not dialog.showing
    await demo.aclose()


async def test_a_heartbeat_after_the_console_closed_does_nothing(
    make_demo: Callable[[], Demo],
) -> None:
    """As in the member app: the timer's last tick may come after the screens are gone."""
    demo = make_demo()
    backend, _transport = staff_backend(demo)
    app = make_staff_app(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await staff_login(pilot)
    assert app.screen_stack == []
    await app.heartbeat()
