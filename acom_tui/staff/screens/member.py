"""Member lookup: the account's state as the server reports it, and what can be done.

Only the actions that would change something are offered (an unlock for a locked account,
a reinstatement for a suspended one, ...): the server refuses the others with 409, and a
support agent under time pressure should not have to read why. Each action opens its
confirmation dialog; the answer replaces the member view, so what is shown after an
action is what the server now holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from acom_tui.formatting import format_datetime
from acom_tui.i18n import get_language, t
from acom_tui.normalize import InputError
from acom_tui.staff import errors as staff_errors
from acom_tui.staff.actions import ActionRequest, perform
from acom_tui.staff.rules import ActionKind, available_actions, is_suspended
from acom_tui.staff.screens.action import ActionDialog, ActionOutcome
from acom_tui.staff.screens.base import StaffScreen
from acom_tui.staff.screens.pin import OneTimePinDialog
from acom_tui.staff.texts import member_rows, reason_code_label
from acom_tui.widgets.banner import Banner, BannerVariant
from acom_tui.widgets.busy import busy
from acom_tui.widgets.digits_input import MemberNumberInput
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from datetime import datetime

    from acom_contract.schemas import MemberSummary, OneTimePin

__all__ = ["MemberScreen"]

_ROWS = 9


class MemberScreen(StaffScreen[None]):
    CSS_PATH = "member.tcss"
    AUTO_FOCUS = "#lookup-number"
    BINDINGS: ClassVar[list[BindingType]] = [
        # F3 goes to the actions menu (then the arrows and Enter): F3 means "choose" in
        # both apps, and only the actions that apply to the member are listed there.
        Binding("f3", "choose", "staff.keys.choose", id="staff.member.choose"),
        Binding("f4", "audit", "staff.keys.audit", id="staff.member.audit"),
        Binding("f5", "reload", "staff.keys.reload", id="staff.member.reload"),
        Binding("f9", "app.logout", "keys.logout", id="staff.member.logout"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.member: MemberSummary | None = None

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("staff.member.title"))
        with Horizontal(id="lookup-row"):
            yield Label(t("staff.member.number"), classes="field-label", markup=False)
            yield MemberNumberInput(id="lookup-number")
            yield Label(t("staff.member.lookup_hint"), id="lookup-hint", markup=False)
        yield Banner("", variant="error", id="member-status")
        with Horizontal(id="member-main"):
            with Vertical(id="member-left"):
                yield Prose(t("staff.member.empty"), id="member-empty")
                with Grid(id="member-details", classes="-hidden"):
                    for index in range(_ROWS):
                        yield Label("", id=f"member-label-{index}", classes="detail-label")
                        yield Label("", id=f"member-value-{index}", classes="detail-value")
                yield Banner("", variant="warning", id="member-guidance")
            with Vertical(id="member-right"):
                yield Label(t("staff.member.actions"), id="member-actions-title", markup=False)
                yield OptionList(id="member-actions", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        if self.app.animation_level == "none":
            self.query_one("#lookup-number", MemberNumberInput).cursor_blink = False
        # The keys shown in the menu come from the active bindings, known once mounted.
        self.call_after_refresh(self._refresh_menu)

    # --- keys -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "act":
            return self.member is not None and parameters[0] in available_actions(self.member)
        if action == "choose":
            return self.member is not None
        if action == "reload":
            return self.member is not None
        return True

    def _key_for(self, action: str) -> str:
        """The key shown for ``action`` (a user keymap may have moved it)."""
        for key, active in self.active_bindings.items():
            if active.binding.action == action:
                return self.app.get_key_display(active.binding.with_key(key))
        return ""

    def _via_menu(self, kind: str) -> str:
        """How guidance names an action: the menu item, and the key to the menu."""
        return t("staff.guide.via_menu", item=t(f"staff.menu.{kind}"), key=self._key_for("choose"))

    def action_choose(self) -> None:
        self.query_one("#member-actions", OptionList).focus()

    def _menu(self) -> list[Option]:
        items: list[tuple[str, str]] = []
        if self.member is not None:
            items = [(kind, f"act('{kind}')") for kind in available_actions(self.member)]
        items.append(("audit", "audit"))
        options = []
        for option_id, action in items:
            label = t("staff.keys.audit") if option_id == "audit" else t(f"staff.menu.{option_id}")
            key = self._key_for(action)
            options.append(Option(f"{key} {label}".strip(), id=option_id))
        return options

    def _refresh_menu(self) -> None:
        self.refresh_bindings()
        menu = self.query_one("#member-actions", OptionList)
        menu.clear_options()
        menu.add_options(self._menu())

    # --- lookup -----------------------------------------------------------------------

    def show_status(self, text: str, *, variant: BannerVariant = "error") -> None:
        self.query_one("#member-status", Banner).show(text, variant)

    @property
    def status_text(self) -> str:
        return self.query_one("#member-status", Banner).text

    @on(Input.Submitted, "#lookup-number")
    def _submitted(self) -> None:
        field = self.query_one("#lookup-number", MemberNumberInput)
        try:
            number = field.parse()
        except InputError as error:
            self.show_status(t(error.message_key, **error.params))
            return
        self.query_one("#member-status", Banner).clear()
        self.lookup(number.value)

    def action_reload(self) -> None:
        if self.member is not None:
            self.query_one("#member-status", Banner).clear()
            self.lookup(self.member.member_number)

    @work(exclusive=True, group="staff-lookup")
    async def lookup(self, member_number: str) -> None:
        """Fetch the member (the server audits the lookup) and show them."""
        session = self.staff.session
        if session is None:
            return
        try:
            with busy(self.query_one("#member-main"), after=0):
                member = await session.client.member(member_number)
        except Exception as error:
            self.staff.report_error(error, inline=self.show_status)
            return
        self.query_one("#lookup-number", MemberNumberInput).value = ""
        self.show_member(member)

    def show_member(self, member: MemberSummary) -> None:
        self.member = member
        for index, (label, value) in enumerate(member_rows(member)):
            self.query_one(f"#member-label-{index}", Label).update(label)
            self.query_one(f"#member-value-{index}", Label).update(value)
        self.query_one("#member-empty").add_class("-hidden")
        self.query_one("#member-details").remove_class("-hidden")
        self._refresh_menu()
        guidance = self.query_one("#member-guidance", Banner)
        guidance.show(self._guidance(member), "info" if member.status == "active" else "warning")

    def _guidance(self, member: MemberSummary) -> str:
        lines = []
        if member.card_status == "lost":
            lines.append(t("staff.guide.card_lost", key=self._via_menu("card_reissued")))
        if member.locked:
            lines.append(
                t(
                    "staff.guide.locked",
                    key=self._via_menu("unlock"),
                    pin_key=self._via_menu("pin_reset"),
                )
            )
        if is_suspended(member):
            reason = reason_code_label(member.suspension_reason or "")
            key = self._via_menu("reinstate")
            lines.append(t("staff.guide.suspended", reason=reason, key=key))
        return "\n".join(lines) if lines else t("staff.guide.active")

    # --- actions ----------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#member-actions")
    def _menu_selected(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id
        if choice == "audit":
            self.action_audit()
        elif choice is not None:
            self.action_act(choice)

    def action_audit(self) -> None:
        from acom_tui.staff.screens.audit import AuditScreen

        number = self.member.member_number if self.member is not None else None
        self.app.push_screen(AuditScreen(number))

    def action_act(self, kind: str) -> None:
        member = self.member
        if member is None or kind not in available_actions(member):
            return
        action: ActionKind = next(k for k in available_actions(member) if k == kind)
        self.app.push_screen(ActionDialog(action, member, self._perform), self._action_done)

    async def _perform(self, request: ActionRequest) -> MemberSummary | OneTimePin:
        session = self.staff.session
        if session is None or self.member is None:
            from acom_tui.api.errors import Unauthenticated

            raise Unauthenticated("the staff session has ended")
        return await perform(session.client, self.member.member_number, request)

    def _action_done(self, outcome: ActionOutcome | None) -> None:
        if outcome is None:
            self.show_status(t("staff.member.cancelled"), variant="info")
            return
        if outcome.refusal is not None:
            self.show_status(staff_errors.message_for(outcome.refusal, action=outcome.kind))
            self._reload_keeping_status()
            return
        if outcome.one_time_pin is not None:
            expires_at = outcome.one_time_pin.expires_at
            name = self.member.name if self.member is not None else ""
            self.app.push_screen(
                OneTimePinDialog(outcome.one_time_pin, name),
                lambda _closed: self._pin_closed(expires_at),
            )
            return
        if outcome.member is not None:
            self.show_member(outcome.member)
            self.show_status(t(f"staff.done.{outcome.kind}"), variant="success")

    def _pin_closed(self, expires_at: datetime) -> None:
        when = format_datetime(expires_at, get_language())
        self.show_status(t("staff.done.pin_reset", when=when), variant="success")
        # The reset also unlocked the account: show what the server now holds.
        self._reload_keeping_status()

    def _reload_keeping_status(self) -> None:
        if self.member is not None:
            self.lookup(self.member.member_number)
