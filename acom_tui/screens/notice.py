"""A calm full-screen explanation of why something cannot be done, and what to do now.

The locked, suspended and card-lost screens are this screen with their own texts. Each
says what happened, what to do, and how to reach the support desk (open now or when).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button

from acom_tui.i18n import t
from acom_tui.screens.base import AcomScreen
from acom_tui.widgets.banner import Banner, BannerVariant
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.plain_button import PlainButton
from acom_tui.widgets.prose import Prose
from acom_tui.widgets.support_desk import SupportDesk

__all__ = ["NoticeScreen"]


class NoticeScreen(AcomScreen[None]):
    CSS_PATH = "notice.tcss"
    # The support desk's line says whether it is open now.
    BEATS_EVERY_SECOND = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "keys.back", id="notice.back"),
    ]

    def __init__(
        self,
        *,
        title: str,
        lead: str,
        body: str,
        variant: BannerVariant = "warning",
        help_topic: str | None = None,
        support_desk: bool = True,
        lost_line: bool = False,
    ) -> None:
        super().__init__()
        self._title = title
        self._lead = lead
        self._body = body
        self._variant: BannerVariant = variant
        self._help_topic = help_topic
        self._support_desk = support_desk
        self._lost_line = lost_line

    def compose(self) -> ComposeResult:
        yield self.title_bar(self._title)
        with VerticalScroll(id="notice-scroll"):
            yield Banner(self._lead, variant=self._variant, id="notice-lead")
            yield from self.compose_extra()
            if self._body:
                yield Prose(self._body, id="notice-body")
            if self._support_desk:
                yield SupportDesk(
                    self.acom.server_clock.now(), lost_line=self._lost_line, id="notice-desk"
                )
        with Horizontal(classes="actions"):
            yield from self.compose_actions()
        yield KeyBar()

    def compose_extra(self) -> ComposeResult:
        """Widgets between the lead and the body (a countdown, for example)."""
        yield from ()

    def compose_actions(self) -> ComposeResult:
        yield PlainButton(
            t("notice.back_to_login"), id="notice-back", compact=True, variant="primary"
        )
        if self._help_topic is not None:
            yield PlainButton(t(f"help.{self._help_topic}.title"), id="notice-help", compact=True)

    def on_mount(self) -> None:
        self.query(PlainButton).first().focus()

    def heartbeat(self) -> None:
        super().heartbeat()
        for desk in self.query(SupportDesk):
            desk.refresh_status(self.acom.server_clock.now())

    def action_back(self) -> None:
        self.dismiss()

    @on(Button.Pressed, "#notice-back")
    def _back(self) -> None:
        self.dismiss()

    @on(Button.Pressed, "#notice-help")
    def _help(self) -> None:
        self.acom.action_help(self._help_topic)
