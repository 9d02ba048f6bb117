"""Pure rules of the staff console: which actions apply to a member, what a reason must be.

Standard library only: the console and the scripting CLI share these, and the tests check
them without an app or a server.
"""

from __future__ import annotations

from typing import Final, Literal, Protocol

__all__ = [
    "ACTIONS",
    "IDENTITY_CHECKED",
    "IDENTITY_DOCUMENTS",
    "MAX_REASON_LENGTH",
    "SUSPENSION_REASONS",
    "ActionKind",
    "MemberState",
    "ReasonError",
    "available_actions",
    "clean_reason",
    "is_suspended",
]

ActionKind = Literal["unlock", "pin_reset", "suspend", "reinstate", "card_lost", "card_reissued"]
ACTIONS: Final[tuple[ActionKind, ...]] = (
    "unlock",
    "pin_reset",
    "suspend",
    "reinstate",
    "card_lost",
    "card_reissued",
)

# The wire values of acom_contract.schemas (a test holds them equal); repeated here so the
# rules need no pydantic.
IDENTITY_DOCUMENTS: Final = (
    "drivers_license",
    "health_insurance_card",
    "my_number_card",
    "passport",
    "residence_card",
)
SUSPENSION_REASONS: Final = (
    "FREQUENT_BORROWING",
    "DELINQUENCY",
    "OVER_TOTAL_LENDING_LIMIT",
    "OTHER_LENDERS",
    "INCOME_CERTIFICATE_NOT_SUBMITTED",
    "UNREPORTED_CHANGES",
)
MAX_REASON_LENGTH: Final = 500
# Actions that give a person access (SPEC 2.17): the document checked is required.
IDENTITY_CHECKED: Final[frozenset[ActionKind]] = frozenset({"unlock", "pin_reset", "card_reissued"})


class MemberState(Protocol):
    """What the rules read of a member (``MemberSummary`` has it)."""

    @property
    def status(self) -> str: ...
    @property
    def locked(self) -> bool: ...
    @property
    def suspension_reason(self) -> str | None: ...
    @property
    def card_status(self) -> str: ...


class ReasonError(ValueError):
    """A reason the server would refuse; ``code`` is ``EMPTY`` or ``TOO_LONG``."""

    def __init__(self, code: Literal["EMPTY", "TOO_LONG"], length: int = 0) -> None:
        super().__init__(code)
        self.code = code
        self.length = length


def is_suspended(member: MemberState) -> bool:
    # ``status`` shows only the most serious state: a suspended member whose card is also
    # lost reads "card_lost", yet the suspension is still there to lift.
    return member.status == "suspended" or member.suspension_reason is not None


def available_actions(member: MemberState) -> tuple[ActionKind, ...]:
    """The actions that change something for ``member``, in menu order.

    The server refuses the others with 409 CONFLICT; offering them would only invite that.
    A PIN reset always applies (the member forgot the PIN, whatever else is true).
    """
    actions: list[ActionKind] = []
    if member.locked:
        actions.append("unlock")
    actions.append("pin_reset")
    actions.append("reinstate" if is_suspended(member) else "suspend")
    actions.append("card_reissued" if member.card_status == "lost" else "card_lost")
    return tuple(actions)


def clean_reason(text: str) -> str:
    """The reason as it will be recorded: trimmed, not blank, at most 500 characters."""
    reason = text.strip()
    if not reason:
        raise ReasonError("EMPTY")
    if len(reason) > MAX_REASON_LENGTH:
        raise ReasonError("TOO_LONG", len(reason))
    return reason
