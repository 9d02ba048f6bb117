"""Settings flows on the in-process mock: profile with step-up, documents, limit, PIN."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError
from settings_support import (
    member_client,
    open_settings,
    set_input,
    staff_pin_reset,
    type_keys,
    write_png,
)
from textual.widgets import Button, DataTable, Input, Label, OptionList
from tui_support import fill_login, make_app, recorded_backend, running, settle, tick, until

from acom_tui.api.demo import Demo
from acom_tui.config import Settings, load_settings
from acom_tui.credentials import SERVICE, USERNAME
from acom_tui.dialogs.step_up import StepUpPrompt
from acom_tui.i18n import t
from acom_tui.keys import key_rows
from acom_tui.screens.dashboard import DashboardScreen
from acom_tui.screens.documents import DocumentsScreen, DocumentUploadScreen, UploadProgress
from acom_tui.screens.limit_increase import LimitConfirm, LimitIncreaseScreen
from acom_tui.screens.locked import LockedScreen
from acom_tui.screens.login import LoginScreen
from acom_tui.screens.pin_change import PinChangeScreen
from acom_tui.screens.preferences import PreferencesScreen
from acom_tui.screens.profile import ProfileScreen
from acom_tui.screens.settings import SettingsScreen
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.digits_input import PinInput
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.prose import Prose

# --- registered information ---------------------------------------------------------------


async def test_profile_change_with_step_up_is_saved(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, "10000001", "1")
        screen = app.screen
        assert isinstance(screen, ProfileScreen)
        await set_input(pilot, "#pf-mobile_phone", "０８０－１２３４－５６７８")
        await set_input(pilot, "#pf-employer-name", "株式会社サンプル")
        await set_input(pilot, "#pf-annual_income", "520万")
        await pilot.press("f8")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, StepUpPrompt)
        # The prompt names what the PIN confirms.
        assert "携帯電話番号、お勤め先、年収" in prompt.query_one("#stepup-lead", Prose).text
        await type_keys(pilot, "4829")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.status_text == "登録情報を変更しました（携帯電話番号、お勤め先、年収）。"
        # The form shows what the server now holds, in the canonical forms.
        assert screen.query_one("#pf-mobile_phone", Input).value == "08012345678"
        assert screen.query_one("#pf-annual_income", Input).value == "5,200,000"
        assert not screen.dirty
    other = await member_client(demo, "10000001")
    profile = await other.profile()
    assert profile.mobile_phone == "08012345678"
    assert profile.employer.name == "株式会社サンプル"
    assert profile.employer.phone == "03-0000-0000"
    assert profile.annual_income == 5_200_000
    # Changing employer and income records that the change was reported (SPEC 2.10).
    assert profile.employer_reported_at is not None
    assert profile.income_reported_at is not None
    await demo.aclose()


async def test_field_errors_are_shown_beside_the_field_before_any_request(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, transport = recorded_backend(demo)
    app = make_app(backend, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, "10000001", "1")
        screen = app.screen
        assert isinstance(screen, ProfileScreen)
        await set_input(pilot, "#pf-address-postal_code", "16000")
        await set_input(pilot, "#pf-address-prefecture", "東京県")
        await set_input(pilot, "#pf-mobile_phone", "")
        await pilot.press("f8")
        await settle(pilot)
        assert screen.field_message("address.postal_code") == (
            "郵便番号は7桁の数字です（入力されたのは5桁です）。"
        )
        assert screen.field_message("address.prefecture").startswith("47都道府県のいずれか")
        # Removing the only phone would leave none registered.
        assert screen.field_message("mobile_phone") == (
            "自宅か携帯のどちらか1つの電話番号は必ずご登録ください。"
        )
        assert screen.status_text == (
            "入力内容をご確認ください（3か所）。各項目の下に理由を表示しています。"
        )
        assert app.focused is screen.query_one("#pf-address-postal_code")
        assert "PATCH" not in {r.method for r in transport.requests}
    await demo.aclose()


async def test_wrong_step_up_pin_shows_the_attempts_left(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, "10000001", "1")
        await set_input(pilot, "#pf-email", "taro@example.com")
        await pilot.press("f8")
        await settle(pilot)
        await type_keys(pilot, "1111")
        await pilot.press("enter")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, StepUpPrompt)
        assert prompt.message == t("settings.stepup.wrong_remaining", remaining=2)
        assert "あと2回" in prompt.message
        assert prompt.query_one("#stepup-pin", PinInput).value == ""
        # Esc closes the prompt; nothing was saved.
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ProfileScreen)
        assert app.screen.status_text == "変更はまだ保存されていません。"
    other = await member_client(demo, "10000001")
    assert (await other.profile()).email == "member01@example.jp"
    await demo.aclose()


async def test_third_wrong_step_up_pin_locks_the_account(make_demo: Callable[[], Demo]) -> None:
    # The login reset the count: three wrong step-up PINs in a row lock the account.
    demo = make_demo()
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, "10000002", "1")
        await set_input(pilot, "#pf-address-line2", "サンプルマンション101")
        await pilot.press("f8")
        await settle(pilot)
        for left in (2, 1):
            await type_keys(pilot, "1111")
            await pilot.press("enter")
            await settle(pilot)
            prompt = app.screen
            assert isinstance(prompt, StepUpPrompt)
            assert f"あと{left}回" in prompt.message
        await type_keys(pilot, "1111")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LockedScreen)
        assert app.session is None
        assert isinstance(app.screen_stack[0], LoginScreen)
    await demo.aclose()


async def test_unchanged_values_in_another_form_are_no_change(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, transport = recorded_backend(demo)
    app = make_app(backend, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, "10000001", "1")
        screen = app.screen
        assert isinstance(screen, ProfileScreen)
        # The same number without hyphens, the postal code without one: nothing to send.
        await set_input(pilot, "#pf-mobile_phone", "09000011000")
        await set_input(pilot, "#pf-address-postal_code", "1600023")
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ProfileScreen)
        assert screen.status_text == "Nothing has been changed."
        assert screen.query_one("#pf-address-postal_code", Input).value == "160-0023"
        assert "PATCH" not in {r.method for r in transport.requests}
    await demo.aclose()


# --- documents ----------------------------------------------------------------------------


async def test_upload_with_progress_reaches_the_list_and_review_starts(
    make_demo: Callable[[], Demo], tmp_path: Path
) -> None:
    demo = make_demo()
    png = write_png(tmp_path / "gensen.png")
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, "10000007", "2")
        documents = app.screen
        assert isinstance(documents, DocumentsScreen)
        assert documents.documents == []
        await pilot.press("f4")
        await settle(pilot)
        upload = app.screen
        assert isinstance(upload, DocumentUploadScreen)
        progress = upload.query_one(UploadProgress)
        await set_input(pilot, "#upload-path", str(png))
        await pilot.press("f8")
        await settle(pilot)
        # The bar followed the bytes to the end (the multipart body is a bit more than the file).
        assert progress.total > png.stat().st_size
        assert progress.sent == progress.total
        assert app.screen is documents
        assert [(d.kind, d.filename, d.status) for d in documents.documents] == [
            ("withholding_slip", "gensen.png", "received")
        ]
        # The screen leads with the newest document's state.
        assert "に提出された源泉徴収票（gensen.png）を確認しています" in documents.status_text
        table = documents.query_one("#docs-table", DataTable)
        assert table.get_row_at(0)[3] == "受付済み"
        # The mock starts the review one minute after upload; the screen reads the list again.
        await demo.admin.advance_clock(120)
        await tick(pilot)
        assert [d.status for d in documents.documents] == ["under_review"]
        assert table.get_row_at(0)[3] == "審査中"
    await demo.aclose()


async def test_a_text_file_named_pdf_is_refused_before_upload(
    make_demo: Callable[[], Demo], tmp_path: Path
) -> None:
    demo = make_demo()
    backend, transport = recorded_backend(demo)
    fake = tmp_path / "gensen.pdf"
    fake.write_text("this is a text file, not a PDF", encoding="utf-8")
    app = make_app(backend, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, "10000007", "2")
        await pilot.press("f4")
        await settle(pilot)
        upload = app.screen
        assert isinstance(upload, DocumentUploadScreen)
        await set_input(pilot, "#upload-path", str(fake))
        await pilot.press("f8")
        await settle(pilot)
        assert app.screen is upload
        assert upload.path_message == (
            "ファイル「gensen.pdf」は、中身がPDF、JPEG、PNGのいずれでもないため提出できません"
            "（ファイル名の拡張子ではなく、中身で判断しています）。"
        )
        await set_input(pilot, "#upload-path", str(tmp_path))
        await pilot.press("f8")
        await settle(pilot)
        assert (
            upload.path_message
            == f"「{tmp_path.name}」はフォルダです。提出するファイルを選んでください。"
        )
        assert "POST" not in {r.method for r in transport.requests if "documents" in r.url.path}
    await demo.aclose()


# --- credit-limit increase ----------------------------------------------------------------


async def test_limit_increase_of_10000007_asks_for_documents(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    backend, transport = recorded_backend(demo)
    app = make_app(backend, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, "10000007", "3")
        screen = app.screen
        assert isinstance(screen, LimitIncreaseScreen)
        assert screen.eligibility is not None
        # 総量規制: 3,000,000 / 3 - 400,000 other lenders.
        assert screen.eligibility.ceiling == 600_000
        assert str(screen.query_one("#limit-ceiling", Label).render()) == "600,000円"
        await set_input(pilot, "#limit-requested", "70万")
        await pilot.press("enter")
        await settle(pilot)
        assert (
            screen.requested_message
            == "総量規制により、お申し込みいただけるのは600,000円までです。"
        )
        assert not isinstance(app.screen, LimitConfirm)
        await set_input(pilot, "#limit-requested", "50万")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LimitConfirm)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.decision is not None
        assert screen.decision.status == "documents_required"
        assert screen.result_text == t("settings.limit.documents_required", requested="500,000円")
        posts = [r for r in transport.requests if r.method == "POST"]
        assert [r.url.path for r in posts] == [
            "/v1/sessions",
            "/v1/me/limit-increase-applications",
        ]
        assert posts[1].content == b'{"requested_limit":500000}'
        # F4 now leads to the upload of a certificate.
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, DocumentUploadScreen)
    await demo.aclose()


# --- PIN change ---------------------------------------------------------------------------


async def fill_pin_form(pilot: object, current: str, new: str, again: str) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await set_input(pilot, "#pin-current", current)
    await set_input(pilot, "#pin-new", new)
    await set_input(pilot, "#pin-again", again)
    await pilot.press("enter")
    await settle(pilot)


async def test_weak_pin_refused_then_a_good_one_works_for_login(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, "10000001", "4")
        screen = app.screen
        assert isinstance(screen, PinChangeScreen)
        await fill_pin_form(pilot, "4829", "5172", "5173")
        assert screen.field_message("again") == t("settings.pin.mismatch")
        # Birthday 1985-07-14: 0714 is refused by the server, with the reason in words.
        await fill_pin_form(pilot, "4829", "0714", "0714")
        assert screen.field_message("new") == (
            "生年月日から推測できる暗証番号は設定できません（西暦・和暦の年、月日の組み合わせを含みます）。"
        )
        # Every field is emptied at each submit: the PINs live only in the call.
        assert [
            screen.query_one(f"#pin-{n}", PinInput).value for n in ("current", "new", "again")
        ] == [
            "",
            "",
            "",
        ]
        await fill_pin_form(pilot, "4829", "5172", "5172")
        assert screen.status_text == t("settings.pin.changed")
        await app.action_logout()
        await settle(pilot)
        await fill_login(pilot, "10000001", "5172")
        assert isinstance(app.screen, DashboardScreen)
    await demo.aclose()


async def test_wrong_current_pin_counts_and_says_so(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    app = make_app(demo, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, "10000001", "4")
        screen = app.screen
        assert isinstance(screen, PinChangeScreen)
        await fill_pin_form(pilot, "1111", "5172", "5172")
        assert screen.field_message("current") == (
            "The PIN is not correct. After 2 more wrong PIN(s) your account will be locked."
        )
    await demo.aclose()


async def test_forced_pin_change_after_a_staff_pin_reset(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    one_time_pin = await staff_pin_reset(demo, "10000002")
    async with running(demo, lang="ja") as pilot:
        app = pilot.app
        await fill_login(pilot, "10000002", one_time_pin)
        screen = app.screen
        assert isinstance(screen, PinChangeScreen)
        assert screen.forced
        assert app.pin_change_required
        assert screen.query_one("#pin-forced", Banner).text == t("settings.pin.forced")
        # No way around it but logging out.
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await fill_pin_form(pilot, one_time_pin, "5172", "5172")
        assert isinstance(app.screen, DashboardScreen)
        assert not app.pin_change_required
        assert [type(s) for s in app.screen_stack] == [LoginScreen, DashboardScreen]
    again = await member_client(demo, "10000002", "5172")
    assert (await again.account()).member_number == "10000002"
    await demo.aclose()


# --- the menu -----------------------------------------------------------------------------


async def test_settings_menu_opens_each_screen_and_esc_goes_back(
    make_demo: Callable[[], Demo],
) -> None:
    demo = make_demo()
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, "10000001")
        assert isinstance(app.screen, SettingsScreen)
        for key, kind in (
            ("1", ProfileScreen),
            ("2", DocumentsScreen),
            ("3", LimitIncreaseScreen),
            ("4", PinChangeScreen),
        ):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, kind)
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, SettingsScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    await demo.aclose()


async def test_upload_can_be_cancelled_with_esc(
    make_demo: Callable[[], Demo], tmp_path: Path
) -> None:
    from acom_contract.schemas import FaultSettings

    demo = make_demo()
    png = write_png(tmp_path / "gensen.png")
    app = make_app(demo, lang="ja")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, "10000007", "2")
        await pilot.press("f4")
        await settle(pilot)
        upload = app.screen
        assert isinstance(upload, DocumentUploadScreen)
        await set_input(pilot, "#upload-path", str(png))
        # A slow server: the upload is still on its way when the member presses Esc.
        await demo.admin.set_faults(FaultSettings(latency_ms=30_000))
        await pilot.press("f8")
        await until(pilot, lambda: upload.status_text == t("settings.upload.sending"))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is upload
        assert upload.status_text == t("settings.upload.cancelled")
        await demo.admin.set_faults(FaultSettings())
        await pilot.press("escape")
        await settle(pilot)
        documents = app.screen
        assert isinstance(documents, DocumentsScreen)
        await pilot.press("f5")
        await settle(pilot)
        assert documents.documents == []
    await demo.aclose()


# --- preferences --------------------------------------------------------------------------


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps passwords in a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise PasswordDeleteError("not found")
        del self.store[(service, username)]


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


async def choose(pilot: object, selector: str, option_id: str) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    menu = pilot.app.screen.query_one(selector, OptionList)
    menu.focus()
    menu.highlighted = menu.get_option_index(option_id)
    await pilot.press("enter")
    await settle(pilot)


async def test_theme_applies_at_once_and_is_saved(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    app = make_app(demo, lang="ja", settings=Settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, "10000001", "5")
        screen = app.screen
        assert isinstance(screen, PreferencesScreen)
        await choose(pilot, "#prefs-theme", "ansi-dark")
        assert app.theme == "ansi-dark"
        assert screen.status_text == "配色を「ansi-dark」に変更しました。"
    assert load_settings().ui.theme == "ansi-dark"
    await demo.aclose()


async def test_language_switch_rebuilds_the_screens(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    app = make_app(demo, lang="ja", settings=Settings())
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, "10000001", "5")
        await choose(pilot, "#prefs-language", "en")
        stack = app.screen_stack
        assert [type(s) for s in stack] == [
            LoginScreen,
            DashboardScreen,
            SettingsScreen,
            PreferencesScreen,
        ]
        prefs = app.screen
        assert isinstance(prefs, PreferencesScreen)
        assert prefs.status_text == "The language has been changed."
        assert app.title == "ACOM Member Portal"
        # The keys at the bottom and in the palette speak the new language too.
        # Descriptions are translated where they are drawn: the key bar, help, the palette.
        assert "Esc Back" in str(app.screen.query_one(KeyBar).render())
        described = {row.binding_id: row.description for row in key_rows(app, app.screen)}
        assert described["app.help"] == "Help"
        # The demo's F12 too.
        assert described["demo.menu"] == t("demo.keys.menu")
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert str(app.screen.query_one("#dash-greeting", Label).render()) == "Welcome, 山田 太郎"
    assert load_settings().ui.language == "en"
    await demo.aclose()


async def test_remembered_number_is_shown_and_forgotten(
    make_demo: Callable[[], Demo], memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.set_password(SERVICE, USERNAME, "10000001")
    demo = make_demo()
    app = make_app(demo, lang="ja", settings=Settings(remember_member_number=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, "10000001", "5")
        screen = app.screen
        assert isinstance(screen, PreferencesScreen)
        remembered = screen.query_one("#prefs-remembered", Prose)
        assert remembered.text == (
            "会員番号 ****0001 を記憶しています。ログイン画面に自動で入力されます。"
        )
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("tab", "enter")  # the question keeps the number unless told
        await settle(pilot)
        assert screen.status_text == "記憶していた会員番号を消去しました。"
        assert remembered.text == t("settings.prefs.not_remembered")
        assert memory_keyring.store == {}
        assert app.remembered_member_number is None
    assert load_settings().remember_member_number is False
    await demo.aclose()


async def test_without_a_keyring_the_screen_says_so(make_demo: Callable[[], Demo]) -> None:
    demo = make_demo()
    app = make_app(demo, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, "10000001", "5")
        screen = app.screen
        assert isinstance(screen, PreferencesScreen)
        assert screen.query_one("#prefs-remembered", Prose).text == (
            "This device has no secure storage (keyring), so no member number can be "
            "remembered here."
        )
        assert screen.query_one("#prefs-forget", Button).disabled
        assert (
            "delete" not in screen.active_bindings or not screen.active_bindings["delete"].enabled
        )
    await demo.aclose()
