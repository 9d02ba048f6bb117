"""The amount field of the money screens, and the rule an amount must meet before a request.

People type amounts the way they say them: ``３万円``, ``30,000``, ``1万5千``. The field
reads them with :func:`~acom_tui.normalize.parse_amount_yen`, then checks the screen's
rule (unit, minimum, maximum) so that a wrong amount is refused beside the field, before
anything is sent: a refusal from the server would cost a confirmation and a round trip.
"""

from __future__ import annotations

from dataclasses import dataclass

from acom_tui.formatting import format_yen
from acom_tui.i18n import get_language, t
from acom_tui.normalize import InputError, Normalized, parse_amount_yen
from acom_tui.widgets.form_input import FormInput

__all__ = ["AmountInput", "AmountRule", "describe_error", "read_amount"]


@dataclass(frozen=True, slots=True)
class AmountRule:
    """What a screen accepts: multiples of ``unit`` from ``minimum`` to ``maximum`` yen.

    ``over_key`` is the catalogue text for an amount above ``maximum`` (it names what the
    maximum is: the available amount, the payoff amount), with ``{maximum}`` in it.
    """

    unit: int
    minimum: int
    maximum: int
    over_key: str


def read_amount(text: str, rule: AmountRule) -> Normalized[int]:
    """``text`` as yen if it meets ``rule``; else ``InputError`` (field ``amount``).

    The minimum is checked first ("500" when borrowing: "at least 1,000 yen" says more than
    "in units of 1,000"), then the unit ("15,500" is a typo of the unit whatever the
    available amount), then the maximum.
    """
    amount = parse_amount_yen(text)
    lang = get_language()
    value = amount.value
    if value < rule.minimum:
        raise InputError(
            "amount",
            "UNDER_MINIMUM",
            "money.amount.under_minimum",
            {"minimum": format_yen(rule.minimum, lang)},
        )
    if value % rule.unit:
        raise InputError(
            "amount",
            "NOT_MULTIPLE",
            "money.amount.not_multiple",
            {"unit": format_yen(rule.unit, lang)},
        )
    if value > rule.maximum:
        raise InputError(
            "amount", "OVER_MAXIMUM", rule.over_key, {"maximum": format_yen(rule.maximum, lang)}
        )
    return amount


class AmountInput(FormInput):
    """A yen amount: full-width digits, commas, 円, ¥ and 万/千 are understood.

    A form field like the others: Tab typed ahead moves on before the next key is read."""

    def __init__(self, *, id: str | None = None, placeholder: str = "") -> None:
        super().__init__(
            placeholder=placeholder,
            # Room for "１，０００，０００円" and the like, not for an essay.
            max_length=24,
            compact=True,
            id=id,
        )
        self.rule: AmountRule | None = None

    def read(self) -> Normalized[int]:
        """The amount typed, checked against ``rule``; ``InputError`` otherwise."""
        if self.rule is None:
            # No rule yet means the account has not loaded: nothing can be checked.
            raise InputError("amount", "NOT_READY", "money.amount.not_ready")
        return read_amount(self.value, self.rule)

    def set_amount(self, amount: int) -> None:
        """Put a quick choice in the field, as plain digits the member can still edit."""
        self.value = str(amount)
        self.cursor_position = len(self.value)


def describe_error(error: InputError) -> str:
    """The message of an amount error, in the current language."""
    return t(error.message_key, **error.params)
