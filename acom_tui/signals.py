"""What the app tells the screens that show the account.

A screen that changes the account (money moved, a notice read, the registered details
saved) publishes :class:`AccountChanged` on ``AcomApp.account_changed``; every screen that
shows account data subscribes in ``on_mount``. The publisher never looks for the screens
that listen, so it imports none of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from acom_contract.schemas import Notice

__all__ = ["AccountChanged"]


@dataclass(frozen=True, slots=True)
class AccountChanged:
    """The account may have changed: fetch it again.

    ``notices``, when given, is all that changed: the read state of these notices (the
    newest ones, as the notices screen last had them), so listeners can show them without
    a fetch.
    """

    notices: Sequence[Notice] | None = None
