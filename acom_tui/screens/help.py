"""Help: every login problem of the article, the fraud warning, and the support desk.

Topics on the left, the chosen one on the right; the support desk line says whether it
is open now, in Japan time.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from acom_tui.i18n import t
from acom_tui.screens.base import AcomScreen
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.prose import Prose
from acom_tui.widgets.support_desk import SupportDesk

__all__ = ["HELP_TOPICS", "HelpScreen"]

HELP_TOPICS: tuple[str, ...] = (
    "cannot_login",
    "forgot_pin",
    "locked",
    "lost_card",
    "maintenance",
    "fraud",
)


class HelpScreen(AcomScreen[None]):
    CSS_PATH = "help.tcss"
    AUTO_FOCUS = "#help-topics"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "keys.back", id="help.back"),
    ]

    def __init__(self, topic: str | None = None) -> None:
        super().__init__()
        self.topic = topic if topic in HELP_TOPICS else HELP_TOPICS[0]

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("help.title"))
        with Horizontal(id="help-main"):
            yield OptionList(
                *(Option(t(f"help.{topic}.title"), id=topic) for topic in HELP_TOPICS),
                id="help-topics",
                compact=True,
            )
            with VerticalScroll(id="help-page"):
                yield Label("", id="help-title", markup=False)
                yield Prose("", id="help-body")
                yield SupportDesk(self.acom.server_clock.now(), id="help-desk")
        yield KeyBar()

    def on_mount(self) -> None:
        topics = self.query_one("#help-topics", OptionList)
        topics.highlighted = HELP_TOPICS.index(self.topic)
        self.show_topic(self.topic)

    def show_topic(self, topic: str) -> None:
        self.topic = topic
        self.query_one("#help-title", Label).update(t(f"help.{topic}.title"))
        self.query_one("#help-body", Prose).update(t(f"help.{topic}.body"))
        self.query_one("#help-page", VerticalScroll).scroll_home(animate=False)

    @on(OptionList.OptionHighlighted, "#help-topics")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None and event.option.id != self.topic:
            self.show_topic(event.option.id)

    @on(OptionList.OptionSelected, "#help-topics")
    def _selected(self) -> None:
        # Enter moves into the text, so a long page can be scrolled with the keyboard.
        self.query_one("#help-page").focus()

    def heartbeat(self) -> None:
        super().heartbeat()
        self.query_one("#help-desk", SupportDesk).refresh_status(self.acom.server_clock.now())

    def action_back(self) -> None:
        self.dismiss()
