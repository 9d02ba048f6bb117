"""Electronic delivery (電磁交付, SPEC 2.9): the consent, since when, what it means, and
the one button that changes it (asked again first, with "keep" focused)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from acom_tui.dialogs.base import AcomModal
from acom_tui.dialogs.confirm import ConfirmDialog
from acom_tui.formatting import format_datetime
from acom_tui.i18n import get_language, t
from acom_tui.widgets.banner import Banner
from acom_tui.widgets.busy import busy
from acom_tui.widgets.plain_button import PlainButton
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from acom_contract.schemas import ElectronicDelivery
    from acom_tui.api.client import Client

__all__ = ["DeliveryDialog"]


class DeliveryDialog(AcomModal["ElectronicDelivery | None"]):
    """The consent, since when, what it means, and the one button that changes it."""

    DEFAULT_CSS = """
    DeliveryDialog {
        & > .dialog {
            width: 72;
            max-height: 22;
        }
        #delivery-explain {
            margin-bottom: 1;
        }
        #delivery-state {
            text-style: bold;
        }
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "common.close", id="delivery.close"),
    ]

    def __init__(self, client: Client, delivery: ElectronicDelivery | None) -> None:
        super().__init__()
        self.client = client
        self.delivery = delivery
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="delivery-dialog", classes="dialog"):
            yield Label(t("statements.delivery.title"), classes="dialog-title", markup=False)
            yield Prose(t("statements.delivery.explain"), id="delivery-explain")
            yield Label("", id="delivery-state", markup=False)
            yield Label("", id="delivery-updated", classes="muted", markup=False)
            yield Banner("", variant="success", id="delivery-result")
            with Horizontal(classes="actions"):
                yield PlainButton("", id="delivery-toggle", variant="primary", compact=True)
                yield PlainButton(t("common.close"), id="delivery-close", compact=True)

    def on_mount(self) -> None:
        if self.delivery is None:
            self.load()
        else:
            self._show(self.delivery)
        self.query_one("#delivery-toggle").focus()

    @work(exclusive=True, group="delivery")
    async def load(self) -> None:
        delivery = await self._ask(self.client.electronic_delivery)
        if delivery is not None:
            self._show(delivery)

    async def _ask(
        self, request: Callable[[], Awaitable[ElectronicDelivery]]
    ) -> ElectronicDelivery | None:
        """The answer to ``request``, the dialog refusing input meanwhile; None on an error
        (shown)."""
        try:
            with busy(self.query_one("#delivery-dialog"), after=0):
                delivery = await request()
        except Exception as error:
            self.refresh_bindings()
            self.acom.report_error(error, inline=self._error)
            return None
        self.refresh_bindings()
        return delivery

    def _show(self, delivery: ElectronicDelivery) -> None:
        self.delivery = delivery
        lang = get_language()
        state = self.query_one("#delivery-state", Label)
        if delivery.consent and delivery.consented_at is not None:
            since = format_datetime(delivery.consented_at, lang)
            state.update(t("statements.delivery.state_on", since=since))
        else:
            state.update(t("statements.delivery.state_off"))
        updated = self.query_one("#delivery-updated", Label)
        # Roster members never changed it: the last change is the consent itself.
        if delivery.updated_at is not None and delivery.updated_at != delivery.consented_at:
            updated.update(
                t("statements.delivery.updated", when=format_datetime(delivery.updated_at, lang))
            )
        else:
            updated.update("")
        key = "statements.delivery.withdraw" if delivery.consent else "statements.delivery.give"
        self.query_one("#delivery-toggle", Button).label = t(key)

    def _error(self, text: str) -> None:
        self.query_one("#delivery-result", Banner).show(text, "error")

    @on(Button.Pressed, "#delivery-toggle")
    def _toggle(self) -> None:
        # Either way the member's post changes: asked first, with "keep" focused.
        if self.delivery is None:
            return
        consent = not self.delivery.consent
        which = "give" if consent else "withdraw"

        def chosen(change: bool | None) -> None:
            if change:
                self.save(consent)

        dialog = ConfirmDialog(
            title=t(f"statements.delivery.confirm.{which}.title"),
            lines=[t(f"statements.delivery.confirm.{which}.what")],
            keep_label=t(f"statements.delivery.confirm.{which}.keep"),
            change_label=t(f"statements.delivery.{which}"),
        )
        self.app.push_screen(dialog, chosen)

    @work(exclusive=True, group="delivery")
    async def save(self, consent: bool) -> None:
        delivery = await self._ask(partial(self.client.set_electronic_delivery, consent))
        if delivery is None:
            return
        self.changed = True
        self._show(delivery)
        key = "statements.delivery.given" if delivery.consent else "statements.delivery.withdrawn"
        self.query_one("#delivery-result", Banner).show(t(key), "success")
        self.query_one("#delivery-toggle").focus()

    def action_close(self) -> None:
        self.dismiss(self.delivery if self.changed else None)

    @on(Button.Pressed, "#delivery-close")
    def _close(self) -> None:
        self.action_close()
