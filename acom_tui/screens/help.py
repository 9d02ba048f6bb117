"""Help: the keys of the screen it was opened from, every login problem of the article,
the fraud warning, and the support desk.

Opened with F1, help starts on "keys on this screen", drawn from that screen's bindings
(``keys.key_rows``) with their translated descriptions. Topics on the left, the chosen
one on the right; the support desk line says whether it is open now, in Japan time. On
the lost-card and fraud pages the 24-hour lost or stolen card line comes first, since a
card must be stopped at once, whatever the hour.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from acom_tui.i18n import t
from acom_tui.keys import KeyRow, described
from acom_tui.screens.base import AcomScreen
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.prose import Prose
from acom_tui.widgets.support_desk import SupportDesk

__all__ = ["HELP_TOPICS", "KEYS_TOPIC", "HelpScreen"]

# The first topic when help is opened with the keys of a screen.
KEYS_TOPIC = "keys"
# Topics where stopping a card may be what the reader needs now.
LOST_LINE_TOPICS = frozenset({"lost_card", "fraud"})

HELP_TOPICS: tuple[str, ...] = (
    "cannot_login",
    "forgot_pin",
    "locked",
    "lost_card",
    "repay_without_login",
    "maintenance",
    "fraud",
)


class HelpScreen(AcomScreen[None]):
    CSS_PATH = "help.tcss"
    # The support desk's line says whether it is open now.
    BEATS_EVERY_SECOND = True
    AUTO_FOCUS = "#help-topics"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "keys.back", id="help.back"),
    ]

    def __init__(self, topic: str | None = None, *, keys: Sequence[KeyRow] = ()) -> None:
        super().__init__()
        self.keys = tuple(row for row in keys if row.enabled)
        self.topics = ((KEYS_TOPIC,) if self.keys else ()) + HELP_TOPICS
        self.topic = topic if topic in self.topics else self.topics[0]

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("help.title"))
        with Horizontal(id="help-main"):
            yield OptionList(
                *(Option(t(f"help.{topic}.title"), id=topic) for topic in self.topics),
                id="help-topics",
                compact=True,
            )
            with VerticalScroll(id="help-page"):
                yield Label("", id="help-title", markup=False)
                yield Prose("", id="help-body")
                yield SupportDesk(
                    self.acom.server_clock.now(),
                    lost_line=self.topic in LOST_LINE_TOPICS,
                    id="help-desk",
                )
        yield KeyBar()

    def on_mount(self) -> None:
        topics = self.query_one("#help-topics", OptionList)
        topics.highlighted = self.topics.index(self.topic)
        self.show_topic(self.topic)

    def show_topic(self, topic: str) -> None:
        self.topic = topic
        self.query_one("#help-title", Label).update(t(f"help.{topic}.title"))
        body = described(self.keys) if topic == KEYS_TOPIC else t(f"help.{topic}.body")
        self.query_one("#help-body", Prose).update(body)
        if self.is_mounted:
            self.query_one("#help-desk", SupportDesk).refresh_status(
                self.acom.server_clock.now(), lost_line=topic in LOST_LINE_TOPICS
            )
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
