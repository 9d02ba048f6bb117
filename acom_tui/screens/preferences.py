"""The app's own preferences: language, theme, and the remembered member number.

Choices apply at once and are saved with ``config.save_preferences`` (in a thread: it
writes a file). A new language needs every text on screen written again: the screens
below this one are rebuilt when they are the usual ones (login, dashboard, settings), which
hold nothing that cannot be fetched again; anywhere else the language applies at the next
start, and the screen says so. The keyring is only touched in a thread worker; without
one the screen says that nothing can be remembered here.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import Button, Label, OptionList
from textual.widgets.option_list import Option

from acom_tui.dialogs.confirm import ConfirmDialog
from acom_tui.i18n import Language, detect_language, get_language, set_language, t
from acom_tui.screens.base import AcomScreen
from acom_tui.widgets.banner import Banner, BannerVariant
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.plain_button import PlainButton
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from acom_tui.app import AcomApp
    from acom_tui.config import Settings
    from acom_tui.credentials import KeyringResult

__all__ = [
    "LANGUAGE_CHOICES",
    "PreferencesScreen",
    "mask_member_number",
    "relocalize",
    "resolve_language",
]

log = logging.getLogger("acom_tui.preferences")

LanguageChoice = Literal["auto", "ja", "en"]
LANGUAGE_CHOICES: Final[tuple[LanguageChoice, ...]] = ("auto", "ja", "en")


def resolve_language(choice: LanguageChoice) -> Literal["ja", "en"]:
    """The language a choice means here and now (``auto``: from the locale variables)."""
    return detect_language(os.environ) if choice == "auto" else choice


def mask_member_number(number: str) -> str:
    """``****0001``: enough for the owner to recognise it, not for someone passing by."""
    return "*" * max(0, len(number) - 4) + number[-4:]


async def relocalize(app: AcomApp, previous: Language) -> bool:
    """Rebuild the screens in the current language; False when they cannot all be rebuilt.

    Only the usual stack (login, dashboard, settings, preferences) is rebuilt: each of them
    shows what it fetches again, so nothing typed or half done is lost.
    """
    from acom_tui.screens.dashboard import DashboardScreen
    from acom_tui.screens.login import LoginScreen
    from acom_tui.screens.settings import SettingsScreen

    expected = [LoginScreen, DashboardScreen, SettingsScreen, PreferencesScreen]
    if [type(screen) for screen in app.screen_stack] != expected:
        return False
    # Key labels are translated where they are drawn: the rebuilt screens draw them anew.
    del previous
    app.title = t("app.title")
    app.sub_title = t("app.demo_badge") if app.is_demo else ""
    login = app.screen_stack[0]
    await login.recompose()
    for _ in range(len(expected) - 1):
        await app.pop_screen()
    await app.push_screen(DashboardScreen())
    await app.push_screen(SettingsScreen())
    await app.push_screen(PreferencesScreen(notice=t("settings.prefs.language_applied")))
    return True


class PreferencesScreen(AcomScreen[None]):
    CSS_PATH = "settings.tcss"
    AUTO_FOCUS = "#prefs-language"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("delete", "forget", "settings.keys.forget", id="prefs.forget"),
        Binding("escape", "back", "keys.back", id="prefs.back"),
    ]

    def __init__(self, *, notice: str | None = None) -> None:
        super().__init__()
        self._notice = notice
        self.remembered: str | None = None

    @property
    def settings(self) -> Settings:
        from acom_tui.config import Settings

        return self.acom.settings if self.acom.settings is not None else Settings()

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("settings.prefs.title"))
        with VerticalScroll(id="prefs-body", classes="form-body"):
            yield Banner(self._notice or "", variant="success", id="prefs-status")
            yield Label(t("settings.prefs.language"), classes="section")
            yield OptionList(*self._language_options(), id="prefs-language", compact=True)
            yield Label(t("settings.prefs.theme"), classes="section")
            yield OptionList(*self._theme_options(), id="prefs-theme", compact=True)
            yield Label(t("settings.prefs.remember"), classes="section")
            yield Prose(t("settings.prefs.remember_checking"), id="prefs-remembered")
            with Horizontal(classes="actions"):
                yield PlainButton(t("settings.prefs.forget"), id="prefs-forget", compact=True)
                yield PlainButton(t("common.back"), id="prefs-back", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#prefs-forget", Button).disabled = True
        self._highlight_current()
        self._load_remembered()

    # --- the choices ------------------------------------------------------------------

    @staticmethod
    def _mark(chosen: bool, label: str) -> str:
        # Written out as (x), not shown by colour alone (NO_COLOR).
        return f"({'x' if chosen else ' '}) {label}"

    def _language_options(self) -> list[Option]:
        current = self.settings.ui.language
        return [
            Option(self._mark(choice == current, t(f"settings.prefs.lang.{choice}")), id=choice)
            for choice in LANGUAGE_CHOICES
        ]

    def _theme_names(self) -> list[str]:
        return sorted(self.app.available_themes)

    def _theme_options(self) -> list[Option]:
        current = self.app.theme
        return [Option(self._mark(name == current, name), id=name) for name in self._theme_names()]

    def _highlight_current(self) -> None:
        language = self.query_one("#prefs-language", OptionList)
        language.highlighted = LANGUAGE_CHOICES.index(self.settings.ui.language)
        themes = self.query_one("#prefs-theme", OptionList)
        names = self._theme_names()
        if self.app.theme in names:
            themes.highlighted = names.index(self.app.theme)

    def _redraw(self, selector: str, options: list[Option]) -> None:
        menu = self.query_one(selector, OptionList)
        highlighted = menu.highlighted
        menu.clear_options()
        menu.add_options(options)
        menu.highlighted = highlighted

    def _status(self, text: str, variant: BannerVariant = "success") -> None:
        self.query_one("#prefs-status", Banner).show(text, variant)

    @property
    def status_text(self) -> str:
        return self.query_one("#prefs-status", Banner).text

    @on(OptionList.OptionSelected, "#prefs-language")
    def _language_chosen(self, event: OptionList.OptionSelected) -> None:
        choice = next((c for c in LANGUAGE_CHOICES if c == event.option.id), None)
        if choice is None or choice == self.settings.ui.language:
            return
        updated = self.settings.model_copy(
            update={"ui": self.settings.ui.model_copy(update={"language": choice})}
        )
        self._save(updated)
        new_language = resolve_language(choice)
        if new_language == get_language():
            self._redraw("#prefs-language", self._language_options())
            self._status(t("settings.prefs.saved"))
            return
        self.app.run_worker(self._switch_language(new_language), group="relocalize")

    async def _switch_language(self, language: Literal["ja", "en"]) -> None:
        previous = get_language()
        set_language(language)
        if await relocalize(self.acom, previous):
            return
        # Another screen holds state a rebuild would lose: keep this session as it is.
        set_language(previous)
        self._redraw("#prefs-language", self._language_options())
        self._status(t("settings.prefs.language_next_start"), "info")

    @on(OptionList.OptionSelected, "#prefs-theme")
    def _theme_chosen(self, event: OptionList.OptionSelected) -> None:
        name = event.option.id
        if name is None or name not in self.app.available_themes:
            return
        self.app.theme = name
        updated = self.settings.model_copy(
            update={"ui": self.settings.ui.model_copy(update={"theme": name})}
        )
        self._save(updated)
        self._redraw("#prefs-theme", self._theme_options())
        self._status(t("settings.prefs.theme_applied", theme=name))

    # --- saving -----------------------------------------------------------------------

    def _save(self, updated: Settings) -> None:
        # The app reads its settings from here at once; the file follows in a thread.
        self.acom.settings = updated
        self._write(updated)

    @work(thread=True, group="prefs-save", exit_on_error=False)
    def _write(self, updated: Settings) -> None:
        from acom_tui.config import ConfigError, save_preferences

        try:
            save_preferences(updated)
        except (ConfigError, OSError) as error:
            log.warning("could not save the preferences: %s", error)
            self.app.call_from_thread(self._save_failed, str(error))

    def _save_failed(self, problem: str) -> None:
        self._status(t("settings.prefs.save_failed", problem=problem), "error")

    # --- the remembered member number ---------------------------------------------------

    @work(thread=True, group="prefs-keyring", exit_on_error=False)
    def _load_remembered(self) -> None:
        result = self.acom.credentials.load()
        self.app.call_from_thread(self._show_remembered, result)

    def _show_remembered(self, result: KeyringResult) -> None:
        text = self.query_one("#prefs-remembered", Prose)
        forget = self.query_one("#prefs-forget", Button)
        self.remembered = result.member_number
        if result.problem is not None:
            text.update(t("settings.prefs.remember_unavailable"))
            forget.disabled = True
        elif result.member_number:
            number = mask_member_number(result.member_number)
            text.update(t("settings.prefs.remembered", number=number))
            forget.disabled = False
        else:
            text.update(t("settings.prefs.not_remembered"))
            forget.disabled = True
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[Any, ...]) -> bool | None:
        if action == "forget":
            return self.remembered is not None
        return True

    @on(Button.Pressed, "#prefs-forget")
    def action_forget(self) -> None:
        number = self.remembered
        if number is None:
            return

        def chosen(forget: bool | None) -> None:
            if forget:
                self._forget()

        dialog = ConfirmDialog(
            title=t("settings.prefs.forget_confirm.title"),
            lines=[t("settings.prefs.forget_confirm.what", number=mask_member_number(number))],
            keep_label=t("settings.prefs.forget_confirm.keep"),
            change_label=t("settings.prefs.forget_confirm.forget"),
        )
        self.app.push_screen(dialog, chosen)

    @work(thread=True, group="prefs-keyring", exit_on_error=False)
    def _forget(self) -> None:
        result = self.acom.credentials.forget()
        self.app.call_from_thread(self._forgotten, result)

    def _forgotten(self, result: KeyringResult) -> None:
        if result.problem is not None:
            self._status(t("settings.prefs.forget_failed"), "error")
            return
        self.acom.remembered_member_number = None
        self._save(self.settings.model_copy(update={"remember_member_number": False}))
        self._untick_login()
        self._show_remembered(result)
        self._status(t("settings.prefs.forgotten"))

    def _untick_login(self) -> None:
        # The login screen below must not offer to remember it again unasked.
        from acom_tui.widgets.checkbox import PlainCheckbox

        try:
            self.acom.login_screen.query_one("#remember", PlainCheckbox).value = False
        except (NoMatches, AssertionError):
            log.debug("no remember box to untick")

    @on(Button.Pressed, "#prefs-back")
    def action_back(self) -> None:
        self.dismiss()
