"""Changes to what the member gets are asked first, and Enter alone keeps things as they are.

E-delivery (tests/tui/test_tui_statements.py) and the e-mail notices
(tests/tui/test_tui_notices.py) are tested beside their screens; here the remembered member
number, and the dialog's own promise: the safe choice has the focus, Escape keeps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError
from settings_support import open_settings
from textual.widgets import Button, Label
from tui_support import make_app, settle

from acom_tui.api.demo import Demo
from acom_tui.config import Settings, load_settings
from acom_tui.credentials import SERVICE, USERNAME
from acom_tui.dialogs.confirm import ConfirmDialog
from acom_tui.screens.preferences import PreferencesScreen
from acom_tui.widgets.prose import Prose


class DictKeyring(KeyringBackend):
    """A real keyring backend that keeps its passwords in a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


@pytest.fixture
def dict_keyring() -> Iterator[DictKeyring]:
    previous = keyring.get_keyring()
    backend = DictKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


async def test_forgetting_the_member_number_asks_first(
    make_demo: Callable[[], Demo], dict_keyring: DictKeyring
) -> None:
    dict_keyring.set_password(SERVICE, USERNAME, "10000001")
    demo = make_demo()
    app = make_app(demo, lang="ja", settings=Settings(remember_member_number=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, "10000001", "5")
        screen = app.screen
        assert isinstance(screen, PreferencesScreen)
        await pilot.press("delete")
        await settle(pilot)
        question = app.screen
        assert isinstance(question, ConfirmDialog)
        assert question.query_one("#confirm-change-title", Label).content == (
            "記憶している会員番号を消去しますか"
        )
        assert question.query_one(Prose).text.startswith(
            "この端末から会員番号 ****0001 を消去します"
        )
        keep = question.query_one("#confirm-keep", Button)
        assert keep.has_focus and str(keep.label) == "消去しない"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert dict_keyring.store == {(SERVICE, USERNAME): "10000001"}
        assert app.remembered_member_number == "10000001"

        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert dict_keyring.store != {}

        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("tab", "enter")  # "消去する", chosen on purpose
        await settle(pilot)
        assert app.screen is screen
        assert screen.status_text == "記憶していた会員番号を消去しました。"
        assert dict_keyring.store == {}
        assert app.remembered_member_number is None
    assert load_settings().remember_member_number is False
    await demo.aclose()


async def test_a_click_on_the_change_is_a_choice(make_demo: Callable[[], Demo]) -> None:
    """The change is one deliberate act away: a click on its button chooses it."""
    app = make_app(make_demo(), lang="en")
    chosen: list[bool | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = ConfirmDialog(
            title="Stop these e-mails?", lines=["x"], keep_label="Keep", change_label="Stop"
        )
        app.push_screen(dialog, chosen.append)
        await settle(pilot)
        await pilot.click("#confirm-change")
        await settle(pilot)
    assert chosen == [True]
