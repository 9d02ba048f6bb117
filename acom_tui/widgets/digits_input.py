"""Inputs for the member number and the PIN.

Both accept what Japanese input methods and copy-paste produce (full-width digits,
spaces, hyphens and long-vowel marks); ``parse()`` returns the canonical value and whether
it had to convert anything, or raises ``InputError`` with a catalogue key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from acom_tui.i18n import t
from acom_tui.widgets.form_input import FormInput

if TYPE_CHECKING:
    from acom_tui.normalize import Normalized

__all__ = ["MemberNumberInput", "PinInput"]


class MemberNumberInput(FormInput):
    """8 digits printed on the loan card; separators and full-width digits are fine."""

    def __init__(
        self, *, id: str | None = None, value: str = "", enter_moves_on: bool = False
    ) -> None:
        super().__init__(
            value=value,
            placeholder=t("login.member_number.placeholder"),
            # Room for "１０００ ０００１" and similar, not for an essay.
            max_length=24,
            compact=True,
            id=id,
            enter_moves_on=enter_moves_on,
        )

    def parse(self) -> Normalized[str]:
        # The parsers are imported at the first parse, not before the login's first paint.
        from acom_tui.normalize import parse_member_number

        return parse_member_number(self.value)


class PinInput(FormInput):
    """The 4-digit PIN, masked; it never leaves this widget except to the login call."""

    def __init__(self, *, id: str | None = None, enter_moves_on: bool = False) -> None:
        super().__init__(
            placeholder=t("login.pin.placeholder"),
            password=True,
            max_length=12,
            compact=True,
            id=id,
            enter_moves_on=enter_moves_on,
        )

    @property
    def _value(self) -> Text:
        # Textual masks with U+2022, which is East-Asian-ambiguous: in a terminal that draws
        # it two columns wide the cursor lands in the wrong place. An ASCII star never does.
        return Text("*" * len(self.value), no_wrap=True, overflow="ignore", end="")

    def parse(self) -> Normalized[str]:
        from acom_tui.normalize import parse_pin

        return parse_pin(self.value)

    def clear_pin(self) -> None:
        self.value = ""
