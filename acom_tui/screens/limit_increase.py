"""Credit-limit increase (SPEC 2.13): the rules first, then the application and its decision.

Before anything is sent the screen shows what the decision will look at: the current
limit, the 総量規制 ceiling worked out from the registered income and other lenders'
balances, and whether a valid income certificate is on file. The requested limit is
checked as it is typed (10,000-yen steps, above the current limit, at most 8,000,000 and
within the ceiling): every application is recorded by the lender, so one that is bound to
be declined is not sent. The server decides at once; every reason is said in words, and
``documents_required`` offers the documents screen on F4.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar, Final

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label

from acom_contract.eligibility import (
    LIMIT_STEP,
    MAX_CREDIT_LIMIT,
    certificate_rule_applies,
    history_declines,
    total_lending_ceiling,
)
from acom_tui.dialogs.base import AcomModal
from acom_tui.formatting import format_date, format_rate, format_yen
from acom_tui.i18n import get_language, t
from acom_tui.normalize import InputError, Normalized, parse_amount_yen
from acom_tui.screens.base import AcomScreen
from acom_tui.widgets.banner import Banner, BannerVariant
from acom_tui.widgets.busy import busy
from acom_tui.widgets.key_bar import KeyBar
from acom_tui.widgets.plain_button import PlainButton
from acom_tui.widgets.prose import Prose

if TYPE_CHECKING:
    from acom_contract.schemas import Account, Document, LimitIncreaseApplication, Page, Profile

    # The answers the screen starts from, each a value or the error it raised.
    LimitAnswers = tuple[
        Account | BaseException, Profile | BaseException, Page[Document] | BaseException
    ]

__all__ = [
    "REASON_KEYS",
    "Eligibility",
    "LimitConfirm",
    "LimitIncreaseScreen",
    "known_declines",
    "parse_requested_limit",
    "reason_text",
]


def _limit_error(code: str, **params: str | int) -> InputError:
    return InputError("requested_limit", code, f"settings.limit.error.{code.lower()}", params)


def parse_requested_limit(text: str, *, current_limit: int, ceiling: int) -> Normalized[int]:
    """The requested limit, or ``InputError``: not a whole 10,000-yen step, not above the
    current limit, over 8,000,000, or over the 総量規制 ``ceiling``."""
    try:
        parsed = parse_amount_yen(text)
    except InputError as error:
        raise InputError("requested_limit", error.code, error.message_key, error.params) from None
    lang = get_language()
    value = parsed.value
    if value % LIMIT_STEP:
        raise _limit_error("STEP")
    if value > MAX_CREDIT_LIMIT:
        raise _limit_error("MAX", max=format_yen(MAX_CREDIT_LIMIT, lang))
    if value <= current_limit:
        raise _limit_error("NOT_ABOVE", current=format_yen(current_limit, lang))
    if value > ceiling:
        raise _limit_error("CEILING", ceiling=format_yen(ceiling, lang))
    return parsed


# The server's decline codes, and the catalogue key that says each in words.
REASON_KEYS: Final = {
    "CONTRACT_UNDER_6_MONTHS": "contract_too_recent",
    "RECENT_OVERDUE": "recent_overdue",
    "SUSPENDED": "suspended",
    "TOTAL_LENDING_LIMIT": "total_lending_limit",
    "INCOME_CERTIFICATE_REQUIRED": "income_certificate_required",
}


def reason_text(code: str) -> str:
    """A decline reason in words; a code this client does not know gets the desk's number."""
    return t(f"settings.limit.reason.{REASON_KEYS.get(code, 'unknown')}")


@dataclass(frozen=True, slots=True)
class Eligibility:
    """What the decision will look at, as far as the member's own data shows it."""

    account: Account
    profile: Profile
    certificate_until: date | None
    certificate_in_review: bool
    #: Decline reasons already certain whatever the limit asked (the server's own rule).
    declines: tuple[str, ...] = ()

    @property
    def ceiling(self) -> int:
        return total_lending_ceiling(
            self.profile.verified_annual_income, self.profile.other_lenders_balance
        )

    @property
    def can_apply(self) -> bool:
        return (
            self.ceiling > self.account.credit_limit
            and self.account.status == "active"
            and not self.declines
        )


def known_declines(account: Account, today: date) -> tuple[str, ...]:
    """The reasons an application would be declined that the account already shows (a
    contract under 6 months, an overdue in the last 6 months): said before it is sent."""
    if account.contract_date is None:  # an older server: the decision will say
        return ()
    reasons = history_declines(
        account.contract_date,
        today,
        account.last_overdue_on,
        suspended=account.status == "suspended",
    )
    return tuple(reason.value for reason in reasons)


def _certificate(documents: list[Document], today: date) -> tuple[date | None, bool]:
    valid = [d.valid_until for d in documents if d.status == "accepted" and d.valid_until]
    until = max((d for d in valid if d >= today), default=None)
    in_review = any(d.status in ("received", "under_review") for d in documents)
    return until, in_review


class LimitConfirm(AcomModal[bool]):
    """The explicit yes before an application that, if approved, applies at once."""

    DEFAULT_CSS = """
    LimitConfirm { align: center middle; }
    LimitConfirm > Vertical {
        width: 64; height: auto; padding: 1 2; background: $panel; border: ascii $primary;
    }
    LimitConfirm #confirm-title { text-style: bold; margin-bottom: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "no", "settings.keys.cancel", id="limit.confirm_no"),
    ]

    def __init__(self, current_limit: int, requested: int) -> None:
        super().__init__()
        self._current = current_limit
        self._requested = requested

    def compose(self) -> ComposeResult:
        lang = get_language()
        with Vertical():
            yield Label(t("settings.limit.confirm_title"), id="confirm-title", markup=False)
            yield Prose(
                t(
                    "settings.limit.confirm_body",
                    current=format_yen(self._current, lang),
                    requested=format_yen(self._requested, lang),
                )
            )
            with Horizontal(classes="actions"):
                yield PlainButton(
                    t("settings.limit.apply"), id="confirm-yes", variant="primary", compact=True
                )
                yield PlainButton(t("settings.limit.dont_apply"), id="confirm-no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#confirm-yes").focus()

    @on(Button.Pressed, "#confirm-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def action_no(self) -> None:
        self.dismiss(False)


class LimitIncreaseScreen(AcomScreen[None]):
    CSS_PATH = "settings.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f8", "apply", "settings.keys.apply", id="limit.apply"),
        Binding("f4", "documents", "settings.keys.new_document", id="limit.documents"),
        Binding("escape", "back", "keys.back", id="limit.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.eligibility: Eligibility | None = None
        self.decision: LimitIncreaseApplication | None = None
        self._busy = False

    def compose(self) -> ComposeResult:
        yield self.title_bar(t("settings.limit.title"))
        with VerticalScroll(id="limit-body", classes="form-body"):
            yield Banner("", variant="info", id="limit-result", classes="form-status")
            yield Prose("", id="limit-reasons", classes="-hidden")
            yield Label(t("settings.limit.section.now"), classes="section")
            for key in ("limit", "rate", "income", "others", "ceiling", "certificate"):
                with Horizontal(classes="form-row"):
                    yield Label(t(f"settings.limit.row.{key}"), classes="form-label")
                    yield Label("", id=f"limit-{key}", classes="form-value", markup=False)
            yield Label(t("settings.limit.section.apply"), classes="section")
            with Horizontal(classes="form-row"):
                yield Label(t("settings.limit.requested"), classes="form-label")
                yield Input(id="limit-requested", compact=True, max_length=24).set_styles(
                    "width: 16;"
                )
                yield Label(t("settings.yen_unit"), classes="unit")
            yield Prose("", id="limit-requested-message", classes="field-message")
            with Horizontal(classes="actions"):
                yield PlainButton(
                    t("settings.limit.submit"), id="limit-submit", variant="primary", compact=True
                )
                yield PlainButton(t("common.back"), id="limit-back", compact=True)
            yield Label(t("settings.limit.section.rules"), classes="section")
            yield Prose("", id="limit-ceiling-note")
            yield Prose(t("settings.limit.rules"), id="limit-rules")
        yield KeyBar()

    def on_mount(self) -> None:
        requested = self.query_one("#limit-requested", Input)
        if self.app.animation_level == "none":
            requested.cursor_blink = False
        requested.focus()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "documents":
            # Only when the decision asked for a certificate; hidden otherwise.
            return self.decision is not None and self.decision.status == "documents_required"
        return True

    # --- loading ----------------------------------------------------------------------

    def load(self) -> None:
        """The figures the request needs: fetched before the push, else now."""
        self.show_first(self._loaded, busy_on=self.query_one("#limit-body"), busy_after=0)

    async def fetch_first(self) -> LimitAnswers | None:
        session = self.acom.session
        if session is None:
            return None
        client = session.backend.client
        account, profile, documents = await asyncio.gather(
            client.account(), client.profile(), client.documents(limit=100), return_exceptions=True
        )
        return account, profile, documents

    def _loaded(self, answers: LimitAnswers | None) -> None:
        if answers is None:
            return
        account, profile, documents = answers
        if isinstance(account, BaseException):
            self.acom.report_error(account, inline=self._error)
            return
        if isinstance(profile, BaseException):
            self.acom.report_error(profile, inline=self._error)
            return
        today = self.acom.server_clock.now().date()
        items = [] if isinstance(documents, BaseException) else documents.items
        until, in_review = _certificate(items, today)
        declines = known_declines(account, today)
        self.show_eligibility(Eligibility(account, profile, until, in_review, declines))

    def show_eligibility(self, eligibility: Eligibility) -> None:
        self.eligibility = eligibility
        lang = get_language()
        account, profile = eligibility.account, eligibility.profile
        if eligibility.certificate_until is not None:
            certificate = t(
                "settings.limit.certificate_valid",
                until=format_date(eligibility.certificate_until, lang),
            )
        elif eligibility.certificate_in_review:
            certificate = t("settings.limit.certificate_review")
        else:
            certificate = t("settings.limit.certificate_none")
        values = {
            "limit": format_yen(account.credit_limit, lang),
            "rate": format_rate(account.interest_rate, lang),
            # The income the decision uses: the one verified by a certificate (SPEC 2.10).
            "income": format_yen(profile.verified_annual_income, lang),
            "others": format_yen(profile.other_lenders_balance, lang),
            "ceiling": format_yen(eligibility.ceiling, lang),
            "certificate": certificate,
        }
        for key, value in values.items():
            self.query_one(f"#limit-{key}", Label).update(value)
        note = t(
            "settings.limit.ceiling_note",
            third=format_yen(profile.verified_annual_income // 3, lang),
            others=format_yen(profile.other_lenders_balance, lang),
        )
        if not eligibility.can_apply:
            note += "\n" + t("settings.limit.cannot_apply")
        self.query_one("#limit-ceiling-note", Prose).update(note)
        self._hint()
        if eligibility.declines:
            self._say_declines(eligibility.declines)

    def _say_declines(self, declines: tuple[str, ...]) -> None:
        reasons = "\n".join(
            t("settings.limit.reason_item", reason=reason_text(code)) for code in declines
        )
        self._result(t("money.limit.will_decline"), "warning", reasons)

    def _hint(self) -> None:
        eligibility = self.eligibility
        if eligibility is None:
            return
        lang = get_language()
        hint = t(
            "settings.limit.requested_hint",
            low=format_yen(eligibility.account.credit_limit + LIMIT_STEP, lang),
            high=format_yen(max(eligibility.ceiling, eligibility.account.credit_limit), lang),
        )
        self._message(hint, error=False)

    def _message(self, text: str, *, error: bool) -> None:
        message = self.query_one("#limit-requested-message", Prose)
        message.update(text)
        message.set_class(error, "-error")

    @property
    def requested_message(self) -> str:
        return self.query_one("#limit-requested-message", Prose).text

    def _error(self, text: str) -> None:
        self._result(text, "error")

    def _result(self, text: str, variant: BannerVariant, reasons: str = "") -> None:
        self.query_one("#limit-result", Banner).show(text, variant)
        box = self.query_one("#limit-reasons", Prose)
        box.update(reasons)
        box.set_class(not reasons, "-hidden")
        self.query_one("#limit-body", VerticalScroll).scroll_home(animate=False)

    @property
    def result_text(self) -> str:
        return self.query_one("#limit-result", Banner).text

    # --- applying ---------------------------------------------------------------------

    def _checked(self) -> int | None:
        eligibility = self.eligibility
        if eligibility is None:
            return None
        field = self.query_one("#limit-requested", Input)
        try:
            parsed = parse_requested_limit(
                field.value,
                current_limit=eligibility.account.credit_limit,
                ceiling=eligibility.ceiling,
            )
        except InputError as error:
            self._message(t(error.message_key, **error.params), error=True)
            return None
        if field.value != f"{parsed.value:,}":
            field.value = f"{parsed.value:,}"
        lang = get_language()
        note = t("settings.limit.read_as", amount=format_yen(parsed.value, lang))
        if certificate_rule_applies(parsed.value, eligibility.profile.other_lenders_balance) and (
            eligibility.certificate_until is None
        ):
            note += "\n" + t("settings.limit.needs_certificate")
        self._message(note, error=False)
        return parsed.value

    @on(Input.Blurred, "#limit-requested")
    def _blurred(self, event: Input.Blurred) -> None:
        if event.value.strip():
            self._checked()

    @on(Input.Submitted, "#limit-requested")
    @on(Button.Pressed, "#limit-submit")
    def action_apply(self) -> None:
        if self._busy or self.eligibility is None:
            return
        if self.eligibility.declines:
            # Bound to be declined, and every application is recorded: not sent.
            self._say_declines(self.eligibility.declines)
            return
        requested = self._checked()
        if requested is None:
            self.query_one("#limit-requested").focus()
            return
        current = self.eligibility.account.credit_limit

        def confirmed(yes: bool | None) -> None:
            if yes and not self._busy:
                self._busy = True
                self._apply(requested)
            else:
                self.query_one("#limit-requested").focus()

        self.app.push_screen(LimitConfirm(current, requested), confirmed)

    @work(exclusive=True, group="limit-apply")
    async def _apply(self, requested: int) -> None:
        session = self.acom.session
        if session is None:
            self._busy = False
            return
        try:
            with busy(self.query_one("#limit-body"), after=0):
                decision = await session.backend.client.apply_limit_increase(requested)
        except Exception as error:
            self.acom.report_error(error, inline=self._error)
            return
        finally:
            self._busy = False
        self.show_decision(decision)

    def show_decision(self, decision: LimitIncreaseApplication) -> None:
        self.decision = decision
        self._hint()
        lang = get_language()
        requested = format_yen(decision.requested_limit, lang)
        if decision.status == "approved":
            new_limit = format_yen(decision.new_limit or decision.requested_limit, lang)
            rate = format_rate(decision.new_rate, lang) if decision.new_rate is not None else "-"
            self._result(t("settings.limit.approved", limit=new_limit, rate=rate), "success")
            self.query_one("#limit-requested", Input).value = ""
            self.load()
        elif decision.status == "documents_required":
            self._result(t("settings.limit.documents_required", requested=requested), "warning")
        else:
            reasons = "\n".join(
                t("settings.limit.reason_item", reason=reason_text(code))
                for code in decision.reasons
            )
            self._result(t("settings.limit.declined", requested=requested), "error", reasons)
        self.refresh_bindings()

    # --- keys -------------------------------------------------------------------------

    def action_documents(self) -> None:
        from acom_tui.screens.documents import DocumentsScreen

        self.app.push_screen(DocumentsScreen(start_upload=True))

    @on(Button.Pressed, "#limit-back")
    def action_back(self) -> None:
        self.dismiss()
