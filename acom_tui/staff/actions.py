"""One staff action as data, and the one call that carries it out.

The console's confirmation dialog and the scripting CLI both build an
:class:`ActionRequest` and hand it to :func:`perform`, so what is sent for "unlock" (or any
other action) is decided in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from acom_tui.staff.rules import IDENTITY_CHECKED, ActionKind

if TYPE_CHECKING:
    from acom_contract.schemas import IdentityDocument, MemberSummary, OneTimePin, SuspensionReason
    from acom_tui.api.client import StaffClient

__all__ = ["ActionRequest", "perform"]


@dataclass(frozen=True, slots=True)
class ActionRequest:
    """What the agent confirmed: the action, the reason, and the choice it needs.

    ``identity_document`` is required for the actions that give access (unlock, PIN
    reset, card re-issue), ``reason_code`` for ``suspend``.
    """

    kind: ActionKind
    reason: str
    identity_document: str | None = None
    reason_code: str | None = None


async def perform(
    client: StaffClient, member_number: str, request: ActionRequest
) -> MemberSummary | OneTimePin:
    """Send ``request``: the member's new summary, or the one-time PIN of a PIN reset."""
    reason = request.reason
    if request.kind in IDENTITY_CHECKED and request.identity_document is None:
        raise ValueError(f"{request.kind} needs the identity document that was checked")
    document = cast("IdentityDocument", request.identity_document)
    match request.kind:
        case "unlock":
            return await client.unlock(member_number, reason=reason, identity_document=document)
        case "pin_reset":
            return await client.reset_pin(member_number, reason=reason, identity_document=document)
        case "suspend":
            if request.reason_code is None:
                raise ValueError("suspend needs a reason code")
            code = cast("SuspensionReason", request.reason_code)
            return await client.suspend(member_number, reason_code=code, reason=reason)
        case "reinstate":
            return await client.reinstate(member_number, reason=reason)
        case "card_lost":
            return await client.mark_card_lost(member_number, reason=reason)
        case "card_reissued":
            return await client.reissue_card(
                member_number, reason=reason, identity_document=document
            )
    raise ValueError(f"unknown action {request.kind!r}")
