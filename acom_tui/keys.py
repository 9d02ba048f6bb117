"""What every screen and dialog of both apps does with its keys and its clock tick.

Binding descriptions are catalogue keys (class bodies run before the language is known);
``localize_bindings`` turns them into text in the language of the moment. Textual keeps a
node's bindings in ``_bindings`` (a per-instance copy); we rewrite that copy, which the
pinned Textual version (8.2.x) reads everywhere.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.screen import Screen

from acom_tui.i18n import catalogue, get_language, t

__all__ = ["localize_bindings", "tick_countdowns"]


def _text(value: str) -> str:
    # Textual's own bindings (focus next, ...) carry English text, not our keys.
    return t(value) if value in catalogue(get_language()) else value


def _localized(binding: Binding) -> Binding:
    return dataclasses.replace(
        binding, description=_text(binding.description), tooltip=_text(binding.tooltip)
    )


def localize_bindings(node: DOMNode) -> None:
    """Replace catalogue keys in ``node``'s binding descriptions with translated text."""
    node._bindings = BindingsMap.from_keys(
        {
            key: [_localized(binding) for binding in bindings]
            for key, bindings in node._bindings.key_to_bindings.items()
        }
    )


def tick_countdowns(screen: Screen[Any]) -> None:
    from acom_tui.widgets.countdown import Countdown

    for countdown in screen.query(Countdown):
        countdown.tick()
