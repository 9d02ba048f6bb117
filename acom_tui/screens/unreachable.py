"""The server cannot be reached, or its certificate is not trusted: what to check."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Button

from acom_tui.errors_ui import TransportProblem, message_for
from acom_tui.i18n import t
from acom_tui.screens.notice import NoticeScreen
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.plain_button import PlainButton

__all__ = ["UnreachableScreen"]


class UnreachableScreen(NoticeScreen):
    def __init__(self, problem: TransportProblem, server_url: str | None = None) -> None:
        self.problem: TransportProblem = problem
        body = t("unreachable.server", url=server_url) if server_url else ""
        super().__init__(
            title=t(f"unreachable.title.{problem}"),
            lead=t(f"error.{problem}"),
            body=body,
            variant="error",
            help_topic="cannot_login",
        )

    def compose_actions(self) -> ComposeResult:
        yield PlainButton(
            t("common.retry"), id="unreachable-retry", compact=True, variant="primary"
        )
        yield from super().compose_actions()

    @on(Button.Pressed, "#unreachable-retry")
    def _retry_pressed(self) -> None:
        self.retry()

    @work(exclusive=True, group="unreachable-retry", exit_on_error=False)
    async def retry(self) -> None:
        """Try the server again (``GET /v1/status``); back to login when it answers."""
        from acom_tui.api.errors import ApiError

        lead = self.query_one("#notice-lead", Banner)
        lead.show(t("unreachable.checking"))
        try:
            backend = await self.acom.wait_backend()
            status = await backend.client.status()
        except ApiError as error:
            lead.show(message_for(error))
            return
        self.acom.note_status(status)
        self.dismiss()
        self.acom.login_screen.show_status(t("unreachable.recovered"), variant="success")
