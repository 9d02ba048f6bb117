"""What the borrowing and repayment screens show first, and how they load it.

Both need the account, the member's registered details (the bank account a borrowing is
paid to, the bank a repayment starts from) and the bank list (SPEC 2.6, 2.7). They load it
as every screen with server data does (:meth:`AcomScreen.show_first`: fetched before the
push when it can be, else with the form refusing input until it is filled).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, TypeVar

from acom_tui.screens.base import AcomScreen

if TYPE_CHECKING:
    from acom_contract.schemas import Account, Bank, Profile

__all__ = ["MoneyScreen", "MoneyStart"]

AnswerT = TypeVar("AnswerT")


def _answer(answer: AnswerT | BaseException) -> AnswerT | Exception:
    """One of ``gather``'s results: a failure is kept, a cancellation goes on up."""
    if isinstance(answer, BaseException) and not isinstance(answer, Exception):
        raise answer
    return answer


@dataclass(frozen=True)
class MoneyStart:
    """The three answers; the account's failure is the screen's, the others degrade."""

    account: Account | Exception
    profile: Profile | None
    banks: list[Bank] | Exception


class MoneyScreen(AcomScreen[None]):
    """A money form: disabled until :meth:`show_start` has what it needs."""

    FORM_ID: ClassVar[str]
    """The form that stays disabled until the figures are in."""
    BUSY_ID: ClassVar[str]
    """What shows the loading indicator meanwhile."""

    def on_mount(self) -> None:
        self.query_one(self.FORM_ID).disabled = True
        self.load()

    def load(self, then: Callable[[], object] | None = None) -> None:
        """Show the figures fetched before the push, else fetch them (again: afresh);
        ``then`` runs once they are shown."""

        def started(start: MoneyStart | None) -> None:
            if start is None:
                return  # the session ended meanwhile
            if isinstance(start.account, Exception):
                self.acom.report_error(start.account, inline=self.show_status)
                return
            self.show_start(start, start.account)
            if then is not None:
                then()

        self.show_first(started, busy_on=self.query_one(self.BUSY_ID), busy_after=0)

    async def fetch_first(self) -> MoneyStart | None:
        session = self.acom.session
        if session is None:
            return None
        client = session.backend.client
        account, profile, banks = await asyncio.gather(
            client.account(), client.profile(), client.banks(), return_exceptions=True
        )
        registered = _answer(profile)
        return MoneyStart(
            account=_answer(account),
            profile=None if isinstance(registered, Exception) else registered,
            banks=_answer(banks),
        )

    def show_start(self, start: MoneyStart, account: Account) -> None:
        """Fill the screen from ``start`` (whose account is ``account``)."""
        raise NotImplementedError

    def show_status(self, text: str) -> None:
        """Say ``text`` in the screen's status line (an error)."""
        raise NotImplementedError
