"""The key ids a ``[keymap]`` table may name, and the check that reports a wrong one.

Textual's ``App.set_keymap`` silently ignores an id no binding has, so a typo in the config
file would leave the key where it was with no word said. The ids are collected from the
``BINDINGS`` of every widget, screen and app class of the package, the member app and the
staff console alike (never a list kept by hand). Finding them imports every screen module,
so ``acom-tui`` pays for it (about half a second) only when the config file has a keymap.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import pkgutil
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from types import ModuleType

__all__ = ["binding_ids", "check_keymap", "unknown_keymap_ids"]

# Every module of the package is looked at (a new screen or dialog package is found without
# a change here), except those that hold no widget: running ``__main__`` would start the app.
_SKIPPED = ("acom_tui.__main__", "acom_tui.api")


def _modules() -> Iterable[ModuleType]:
    import acom_tui

    for info in pkgutil.walk_packages(acom_tui.__path__, "acom_tui."):
        if info.name.startswith(_SKIPPED):
            continue
        yield importlib.import_module(info.name)


@cache
def binding_ids() -> frozenset[str]:
    """Every ``Binding.id`` of the member app and the staff console."""
    from textual.binding import Binding
    from textual.dom import DOMNode

    ids: set[str] = set()
    for module in _modules():
        for value in vars(module).values():
            if not (inspect.isclass(value) and issubclass(value, DOMNode)):
                continue
            for binding in value.__dict__.get("BINDINGS", ()):
                if isinstance(binding, Binding) and binding.id:
                    ids.add(binding.id)
    return frozenset(ids)


def unknown_keymap_ids(keymap: Mapping[str, str], known: Iterable[str]) -> list[str]:
    """The ids of ``keymap`` that no binding has, in the file's order."""
    valid = set(known)
    return [key_id for key_id in keymap if key_id not in valid]


def check_keymap(keymap: Mapping[str, str], path: Path) -> None:
    """Raise ``ConfigError`` naming each unknown id (with the nearest real one, if any)."""
    from acom_tui.config_file import ConfigError

    if not keymap:
        return
    known = binding_ids()
    unknown = unknown_keymap_ids(keymap, known)
    if not unknown:
        return
    problems = []
    for key_id in unknown:
        near = difflib.get_close_matches(key_id, sorted(known), n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        problems.append(f"keymap.{key_id}: no key has the id {key_id!r}{hint}")
    problems.append("the ids are listed in docs/tui.md")
    raise ConfigError(path, "; ".join(problems))
