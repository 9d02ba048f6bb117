"""The confirmation that moves money (borrowing, repaying), and what its outcome means.

It holds the rules that keep a movement from happening twice (SPEC 2.8):

* one ``Idempotency-Key`` per confirmation, created by the screen that opens it and used
  for every send of it;
* the first press of the confirm button starts the request and every later press (a
  second Enter, a click) is ignored until an answer comes;
* when no answer comes (network, timeout, a busy server) the member can send again, with
  the same key, so the server replays the first answer instead of moving money again; if
  they close the dialog instead, the screen keeps the key for the same request, because
  the movement may have happened;
* a refusal is an answer: the key is spent, and a new attempt gets a new key.

:func:`classify_error` sorts a failed send into those cases; it lives with the dialog
because this is where a send's errors are handled.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, Literal, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from acom_tui import errors_ui
from acom_tui.api import errors
from acom_tui.dialogs.base import AcomModal
from acom_tui.i18n import t
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.figure_table import FigureTable, Row
from acom_tui.widgets.plain_button import PlainButton
from acom_tui.widgets.prose import Prose

__all__ = ["ConfirmMovement", "ErrorKind", "Outcome", "OutcomeKind", "classify_error"]

R = TypeVar("R")
OutcomeKind = Literal["done", "refused", "cancelled", "unknown"]
ErrorKind = Literal["refused", "retry", "session"]


@dataclass(frozen=True, slots=True)
class Outcome(Generic[R]):
    """How a confirmation ended.

    ``done``: the server's answer is ``result``. ``refused``: the server answered
    ``error``, nothing moved. ``cancelled``: nothing was sent. ``unknown``: something was
    sent and no answer came, so the money may have moved.
    """

    kind: OutcomeKind
    result: R | None = None
    error: errors.ApiError | None = None


def classify_error(error: BaseException) -> ErrorKind:
    """What a failed send means for the member in the confirmation.

    ``session``: the app handles it (log out, maintenance). ``retry``: no usable answer
    came, the same key may be sent again. ``refused``: the server answered no.
    An automatic suspension does not end the session (docs/rules-money-service.md), so
    it is explained where the member is, like any other refusal.
    """
    if isinstance(error, errors.AccountSuspended):
        return "refused"
    if errors_ui.ends_session(error):
        return "session"
    if isinstance(
        error,
        errors.TransportError
        | errors.IdempotencyInProgress
        | errors.RateLimited
        | errors.ServerError
        | errors.UnexpectedResponse,
    ):
        return "retry"
    if isinstance(error, errors.ApiError):
        return "refused"
    return "retry"


class ConfirmMovement(AcomModal[Outcome[R]]):
    """A dialog that shows what will happen, then sends it once.

    ``send`` makes the request with the key it is given; it is called with
    ``idempotency_key`` every time, retries included.
    """

    DEFAULT_CSS = """
    ConfirmMovement {
        align: center middle;
    }
    ConfirmMovement #confirm-dialog {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        padding: 0 2;
        background: $panel;
        border: ascii $primary;
    }
    ConfirmMovement #confirm-title {
        text-style: bold;
        margin-bottom: 1;
    }
    ConfirmMovement #confirm-note {
        margin-top: 1;
        color: $text-muted;
    }
    ConfirmMovement #confirm-status {
        margin-top: 1;
    }
    ConfirmMovement .actions {
        padding: 1 0 0 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "money.keys.cancel", id="money.confirm.cancel"),
    ]

    def __init__(
        self,
        *,
        title: str,
        rows: Sequence[Row],
        note: str,
        confirm_label: str,
        idempotency_key: str,
        send: Callable[[str], Awaitable[R]],
    ) -> None:
        super().__init__()
        self._send_with = send
        self._title = title
        self._rows = list(rows)
        self._note = note
        self._confirm_label = confirm_label
        self.idempotency_key = idempotency_key
        self.sending = False
        self.sends = 0
        # True once a send got no answer: closing then leaves the outcome unknown.
        self.unanswered = False

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Label(self._title, id="confirm-title", markup=False)
            yield FigureTable(self._rows, id="confirm-figures")
            yield Prose(self._note, id="confirm-note")
            yield Banner("", variant="warning", id="confirm-status")
            with Horizontal(classes="actions"):
                yield PlainButton(
                    self._confirm_label, id="confirm-ok", variant="primary", compact=True
                )
                yield PlainButton(t("money.confirm.cancel"), id="confirm-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#confirm-ok").focus()

    # --- pressing ---------------------------------------------------------------------

    @on(Button.Pressed, "#confirm-ok")
    def _confirm_pressed(self) -> None:
        self.confirm()

    @on(Button.Pressed, "#confirm-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def confirm(self) -> None:
        """Send, unless a send is already on its way (a second Enter does nothing)."""
        if self.sending:
            return
        self.sending = True
        self.sends += 1
        self._set_busy(True)
        self._send()

    def action_cancel(self) -> None:
        if self.sending:
            # The answer must be seen: leaving now would lose it.
            return
        self.dismiss(Outcome("unknown" if self.unanswered else "cancelled"))

    def _set_busy(self, busy: bool) -> None:
        for button in self.query(PlainButton):
            button.disabled = busy
        self.query_one("#confirm-dialog").loading = busy
        if busy:
            self.query_one("#confirm-status", Banner).clear()

    # --- the request ------------------------------------------------------------------

    @work(exclusive=True, group="money-send")
    async def _send(self) -> None:
        try:
            result = await self._send_with(self.idempotency_key)
        except Exception as error:
            self._failed(error)
            return
        self.sending = False
        self.dismiss(Outcome("done", result=result))

    def _failed(self, error: Exception) -> None:
        self.sending = False
        kind = classify_error(error)
        if kind == "refused" and isinstance(error, errors.ApiError):
            self.dismiss(Outcome("refused", error=error))
            return
        if kind == "session":
            self.acom.report_error(error)
            return
        self.unanswered = True
        self._set_busy(False)
        ok = self.query_one("#confirm-ok", Button)
        ok.label = t("money.confirm.retry")
        self.acom.report_error(error, inline=self._show_retry)
        ok.focus()

    def _show_retry(self, message: str) -> None:
        text = f"{message}\n{t('money.confirm.retry_is_safe')}"
        self.query_one("#confirm-status", Banner).show(text)
