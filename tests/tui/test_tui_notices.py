"""Notices and the e-mail settings on the in-process mock.

At the test clock 10000001 has two unread campaign mails (1 Nov, 1 Dec) and 10000008, five
days overdue, has its reminders and the first overdue notice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label
from tui_support import PIN, fill_login, make_app, recorded_backend, running, settle

from acom_tui.api.client import Client
from acom_tui.api.demo import Demo
from acom_tui.dialogs.confirm import ConfirmDialog
from acom_tui.dialogs.step_up import StepUpPrompt
from acom_tui.screens.dashboard import DashboardScreen
from acom_tui.screens.notices import NoticesScreen, NoticeViewScreen
from acom_tui.screens.notification_settings import NotificationSettingsScreen
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.checkbox import PlainCheckbox
from acom_tui.widgets.prose import Prose

SnapCompare = Callable[..., bool]
Step = Callable[[Pilot[Any]], Awaitable[None]]


async def open_notices(pilot: Pilot[Any], member: str) -> NoticesScreen:
    await settle(pilot)
    await fill_login(pilot, member)
    await pilot.press("4")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, NoticesScreen)
    return screen


async def open_settings(pilot: Pilot[Any], member: str = "10000001") -> NotificationSettingsScreen:
    await open_notices(pilot, member)
    await pilot.press("f4")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, NotificationSettingsScreen)
    return screen


async def member_client(demo: Demo, member: str = "10000001") -> Client:
    client = demo.new_client()
    await client.login(member, PIN)
    return client


def row_texts(screen: NoticesScreen, row: int) -> list[str]:
    return [cell.plain.rstrip() for cell in screen.table.get_row_at(row)]


# --- notices -----------------------------------------------------------------------------------


async def test_reading_a_notice_marks_it_read_and_the_dashboard_follows(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    async with running(demo, lang="ja", member="10000001") as pilot:
        app = pilot.app
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen)
        assert dashboard.unread_notices == 2
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, NoticesScreen)
        assert row_texts(screen, 0) == [
            "未読",
            "2026/12/01",
            "キャンペーン",
            "【アコム】12月の会員さま向けご案内",
        ]
        assert screen.table.get_row_at(0)[3].style == "bold"
        assert screen.query_one("#notices-count", Label).content == "2件（うち未読2件）"

        await pilot.press("enter")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, NoticeViewScreen)
        assert view.query_one("#notice-subject", Label).content == (
            "【アコム】12月の会員さま向けご案内"
        )
        body = view.query_one("#notice-body", Prose).text
        assert body.startswith("山田 太郎 様")
        assert "暗証番号をおたずねすることは一切ありません" in body

        api = await member_client(demo)
        page = await api.notices()
        assert page.unread == 1
        assert [n.read for n in page.items] == [True, False]

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert row_texts(screen, 0)[0] == ""
        assert screen.table.get_row_at(0)[3].style == ""
        assert screen.query_one("#notices-count", Label).content == "2件（うち未読1件）"

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is dashboard
        assert dashboard.unread_notices == 1
        assert dashboard.query_one("#dash-notices", Banner).text == (
            "未読のお知らせが1件あります。4キーでご確認いただけます。"
        )
        # Reading it again sends nothing new: it is already read.
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert (await api.notices()).unread == 1
        await api.aclose()


async def test_going_straight_back_still_counts_the_notice_read(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_notices(pilot, "10000001")
        # Open the newest notice and leave at once, before its read request has answered.
        await pilot.press("enter", "escape", "escape")
        await settle(pilot)
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen)
        assert dashboard.unread_notices == 1
        api = await member_client(demo)
        assert (await api.notices()).unread == 1
        await api.aclose()


async def test_no_notices_is_said(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    api = await member_client(demo, "10000006")
    assert (await api.notices()).items == []
    await api.aclose()
    app = make_app(demo, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_notices(pilot, "10000006")
        assert screen.query_one("#notices-count", Label).content == "No notices."
        await pilot.press("enter")  # nothing to open
        await settle(pilot)
        assert app.screen is screen


# --- e-mail settings ---------------------------------------------------------------------------


async def test_settings_are_saved_on_the_server(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        assert screen.query_one("#settings-email", Input).value == "member01@example.jp"
        campaigns = screen.query_one("#toggle-campaigns", PlainCheckbox)
        assert campaigns.value is True
        campaigns.focus()
        await pilot.press("space")
        await pilot.press("f8")
        await settle(pilot)
        question = app.screen
        assert isinstance(question, ConfirmDialog)
        assert [line.text for line in question.query(Prose)] == [
            "保存すると、次のメールはお送りしなくなります。",
            "- キャンペーン情報（広告メール）",
        ]
        await pilot.press("tab", "enter")  # "停止して保存する"
        await settle(pilot)
        assert app.screen is screen
        api = await member_client(demo)
        saved = await api.notification_settings()
        assert saved.campaigns is False
        assert (saved.due_reminders, saved.overdue_notices, saved.card_renewal) == (
            True,
            True,
            True,
        )
        assert saved.email == "member01@example.jp"
        assert screen.query_one("#settings-status", Banner).text == "設定を保存しました。"
        # Saving what is already saved is said, not sent.
        await pilot.press("f8")
        await settle(pilot)
        assert screen.query_one("#settings-status", Banner).text == "変更はありません。"
        await api.aclose()


async def test_turning_mail_off_asks_first_and_enter_keeps_it(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, transport = recorded_backend(demo)
    app = make_app(backend, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        for name in ("due_reminders", "card_renewal"):
            screen.query_one(f"#toggle-{name}", PlainCheckbox).value = False
        sent = len(transport.requests)
        await pilot.press("f8")
        await settle(pilot)
        question = app.screen
        assert isinstance(question, ConfirmDialog)
        assert question.focused is not None and question.focused.id == "confirm-keep"
        assert [line.text for line in question.query(Prose)] == [
            "After saving, these e-mails will no longer be sent to you:",
            "- Due date reminders (3 days before and on the due date)",
            "- Card renewal",
            "Without due date reminders you get no e-mail before a due date. "
            "Please take care not to miss a repayment.",
        ]
        await pilot.press("enter")  # Enter alone: the safe choice
        await settle(pilot)
        assert app.screen is screen
        status = screen.query_one("#settings-status", Banner)
        assert (status.variant, status.text) == ("info", "Nothing was saved.")
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("escape")  # Escape keeps it too
        await settle(pilot)
        assert app.screen is screen
        assert len(transport.requests) == sent
        # Chosen on purpose, it is saved; turning mail back on needs no question.
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert status.text == "Settings saved."
        screen.query_one("#toggle-card_renewal", PlainCheckbox).value = True
        await pilot.press("f8")
        await settle(pilot)
        assert app.screen is screen
        assert status.text == "Settings saved."
    api = await member_client(demo)
    saved = await api.notification_settings()
    assert (saved.due_reminders, saved.card_renewal, saved.campaigns) == (False, True, True)
    await api.aclose()
    await demo.aclose()


async def test_a_bad_address_is_refused_before_any_request(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, transport = recorded_backend(demo)
    app = make_app(backend, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        field = screen.query_one("#settings-email", Input)
        sent = len(transport.requests)
        field.value = "taro@@example"
        field.focus()
        await pilot.press("enter")
        await settle(pilot)
        message = screen.query_one("#settings-email-message", Prose)
        assert message.text == "メールアドレスの形式が正しくありません（例: taro@example.jp）。"
        assert message.has_class("-error")
        field.value = "taro@example.jp"
        field.value = ""
        await pilot.press("f8")
        await settle(pilot)
        assert message.text == "メールアドレスを入力してください。"
        assert len(transport.requests) == sent
        assert not isinstance(app.screen, StepUpPrompt)
    api = await member_client(demo)
    assert (await api.notification_settings()).email == "member01@example.jp"
    await api.aclose()
    await demo.aclose()


async def test_a_new_address_is_confirmed_with_the_pin(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        field = screen.query_one("#settings-email", Input)
        field.value = "ｔａｒｏ＠Ｅｘａｍｐｌｅ．ｊｐ"  # an input method in full-width mode
        await pilot.press("f8")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, StepUpPrompt)
        assert field.value == "taro@example.jp"
        assert dialog.query_one("#stepup-lead", Prose).text == (
            "次の項目を変更します: メールアドレス（taro@example.jp）。"
            "ご本人の確認のため、現在の暗証番号を入力してください。"
        )
        await pilot.press(*PIN, "enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#settings-status", Banner).text == (
            "メールアドレスを変更し、設定を保存しました。"
        )
        api = await member_client(demo)
        assert (await api.profile()).email == "taro@example.jp"
        assert (await api.notification_settings()).email == "taro@example.jp"
        await api.aclose()


async def test_a_wrong_pin_changes_nothing(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    app = make_app(demo, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        screen.query_one("#settings-email", Input).value = "taro@example.jp"
        screen.query_one("#toggle-campaigns", PlainCheckbox).value = False
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("tab", "enter")  # stop the campaigns; the new address asks the PIN
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, StepUpPrompt)
        await pilot.press("1", "2", "enter")  # not 4 digits: refused before any request
        await settle(pilot)
        assert dialog.message == "Your PIN must be 4 digits."
        await pilot.press(*"1111", "enter")
        await settle(pilot)
        assert app.screen is dialog
        assert dialog.message == (
            "The PIN is not correct. After 2 more wrong PIN(s) your account will be locked."
        )
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        status = screen.query_one("#settings-status", Banner)
        assert (status.variant, status.text) == ("info", "Nothing was saved.")
        api = await member_client(demo)
        saved = await api.notification_settings()
        assert (saved.email, saved.campaigns) == ("member01@example.jp", True)
        await api.aclose()


async def test_leaving_with_unsaved_changes_asks_once(make_demo: Callable[[], Demo]) -> None:
    app = make_app(make_demo(), lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_settings(pilot)
        reminders = screen.query_one("#toggle-due_reminders", PlainCheckbox)
        reminders.focus()
        await pilot.press("space")
        await settle(pilot)
        assert screen.query_one("#settings-warning", Banner).text == (
            "Without due date reminders you get no e-mail before a due date. "
            "Please take care not to miss a repayment."
        )
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#settings-status", Banner).text == (
            "Your changes are not saved. Press Esc again to discard them."
        )
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, NoticesScreen)


# --- snapshots ---------------------------------------------------------------------------------


def notices_then(member: str, *keys: str) -> Step:
    async def run(pilot: Pilot[Any]) -> None:
        await open_notices(pilot, member)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


@pytest.mark.parametrize(
    ("keys", "member"),
    [((), "10000008"), (("enter",), "10000008"), (("f4",), "10000001")],
    ids=["list", "notice", "settings"],
)
def test_notices(
    snap_compare: SnapCompare, make_demo: Callable[[], Demo], keys: tuple[str, ...], member: str
) -> None:
    app = make_app(make_demo(), lang="ja")
    assert snap_compare(app, run_before=notices_then(member, *keys))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_notice_kind_fits_its_column(lang: str) -> None:
    from rich.cells import cell_len

    from acom_tui.i18n import set_language, t
    from acom_tui.screens import notices

    set_language(lang)
    for kind in ("due_soon", "due_today", "overdue", "card_renewal", "campaign"):
        label = t(f"notices.kind.{kind}")
        assert cell_len(label) <= notices._KIND_WIDTH, (lang, label)


def test_a_text_too_long_for_its_column_ends_with_an_ellipsis() -> None:
    from acom_tui.screens.notices import _pad

    assert _pad("ご返済期日当日のお知らせ", 12) == "ご返済期... "
    assert _pad("Due today", 12) == "Due today   "
