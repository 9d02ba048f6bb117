"""Keys: one meaning per key in both apps, their names on screen, their translated labels.

Binding descriptions are catalogue keys (class bodies run before the language is known).
They are translated where they are drawn (the key bar, the command palette, help) by
:func:`label`, so a change of language needs no rebuilt bindings and nothing of Textual's
own state is written.

:data:`MEANINGS` is the key table of ``docs/tui.md`` in code: which binding ids do each
thing. A key may carry one meaning only (``tests/tui/test_tui_keys.py``), whatever screen
or app it is bound in, except the keys of :data:`SHARED_KEYS`, whose meaning is what the
focused widget offers.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase
from typing import Any, NamedTuple

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from acom_tui.i18n import catalogue, get_language, t

__all__ = [
    "MEANINGS",
    "SHARED_KEYS",
    "KeyRow",
    "key_display",
    "key_rows",
    "label",
    "meaning_of",
]

# meaning -> the binding ids (fnmatch patterns) that have it; the first match wins, so the
# digit menus come last ("dashboard.*" would otherwise take "dashboard.reload").
MEANINGS: dict[str, tuple[str, ...]] = {
    "help": ("app.help", "staff.help"),
    "palette": ("app.command_palette", "staff.command_palette"),
    "choose": (
        "borrow.choose",
        "repay.choose",
        "statements.period",
        "profile.prefecture",
        "upload.browse",
        "simulator.mode",
        "staff.member.choose",
    ),
    "linked": (
        "login.simulator",
        "borrow.repay",
        "borrow.settings",
        "notices.settings",
        "statements.delivery",
        "limit.documents",
        "documents.upload",
        "staff.member.audit",
    ),
    "refresh": ("*.reload",),
    "previous": ("*.previous", "link.previous"),
    "next": ("*.next", "*.more", "link.next"),
    "submit": (
        "pin.save",
        "profile.save",
        "notification_settings.save",
        "upload.send",
        "limit.apply",
        "simulator.calculate",
        "statements.export",
    ),
    "logout": ("*.logout",),
    "quit": ("app.quit", "staff.quit"),
    "copy": ("app.help_quit", "staff.help_quit"),
    "demo": ("demo.menu",),
    "forget": ("prefs.forget",),
    "back": (
        "*.back",
        "*.cancel",
        "*.close",
        "*.stay",
        "*.keep",
        "limit.confirm_no",
        "profile.prefecture_cancel",
    ),
    "first": ("*.first",),
    "last": ("*.last",),
    "next_field": ("form.next_field",),
    "previous_field": ("form.previous_field",),
    "activate": (
        "form.enter",
        "link.open",
        "notices.open",
        "statements.detail",
        "statement_detail.close",
    ),
    "menu": (
        "dashboard.*",
        "settings.*",
        "statements.loan",
        "statements.repayment",
        "statements.card",
    ),
}

# Keys whose meaning is the focused widget's: Enter opens a row, submits a form, moves to
# the next field or closes a detail view; Space ticks or opens what has focus.
SHARED_KEYS: dict[str, str] = {
    "enter": "does what the focused widget offers (open, submit, next field, close)",
    "space": "ticks or opens what has focus",
}


def meaning_of(binding_id: str) -> str | None:
    """The meaning (a key of :data:`MEANINGS`) of a binding id; None if unclassified."""
    for meaning, patterns in MEANINGS.items():
        if any(fnmatchcase(binding_id, pattern) for pattern in patterns):
            return meaning
    return None


def label(text: str) -> str:
    """A binding's description as shown: its catalogue text in the current language.

    Textual's own bindings (focus next, ...) carry English text, not our keys.
    """
    return t(text) if text in catalogue(get_language()) else text


# Keys named in words: Textual draws arrows (ambiguous width in Japanese terminals) and
# lower-case names. The arrows' names are in the catalogue ("左", "Left"); the others are
# printed on the keycap the same in both languages.
_ARROWS = frozenset({"left", "right", "up", "down"})
_CAPS = {
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "home": "Home",
    "end": "End",
    "delete": "Delete",
    "space": "Space",
}


def key_display(binding: Binding, textual_display: str) -> str:
    """A key as printed on the keyboard, in the current language (F1, Esc, 左)."""
    if binding.key_display:
        return textual_display
    names = []
    for key in binding.key.split(","):
        key = key.strip()
        if key in _ARROWS:
            names.append(t(f"keys.name.{key}"))
        elif key in _CAPS:
            names.append(_CAPS[key])
        elif key.startswith("ctrl+"):
            names.append("Ctrl+" + key.removeprefix("ctrl+").upper())
        elif key.startswith("f") and key[1:].isdigit():
            names.append(key.upper())
        else:
            names.append(key)
    # Textual shows the first key of "f10,ctrl+q"; so do we.
    return names[0] if names else textual_display


class KeyRow(NamedTuple):
    """One key of a screen as help and the palette show it."""

    key: str
    description: str
    action: str
    node: Any
    enabled: bool
    binding_id: str | None


def key_rows(app: App[Any], screen: Screen[Any]) -> list[KeyRow]:
    """The keys of ours that work on ``screen`` now (its focused widget's, its own, the
    app's), each action once, under its translated description.

    Textual's own widget keys (scrolling, cursor moves) carry English text and no id of
    ours; they are left to the widgets that show them.
    """
    rows: list[KeyRow] = []
    seen: set[str] = set()
    known = catalogue(get_language())
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.description not in known or binding.action in seen:
            continue
        seen.add(binding.action)
        rows.append(
            KeyRow(
                key=app.get_key_display(binding.with_key(key)),
                description=label(binding.description),
                action=binding.action,
                node=active.node,
                enabled=active.enabled,
                binding_id=binding.id,
            )
        )
    return rows


def described(rows: Iterable[KeyRow]) -> str:
    """Rows as lines of text: the key, padded, then what it does."""
    from rich.cells import cell_len

    items = list(rows)
    width = max((cell_len(row.key) for row in items), default=0)
    return "\n".join(
        f"{row.key}{' ' * (width - cell_len(row.key))}  {row.description}" for row in items
    )
