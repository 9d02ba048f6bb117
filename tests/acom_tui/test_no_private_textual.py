"""No private Textual API (issue 15): nothing in acom_tui reads or writes a Textual
attribute whose name starts with ``_``.

The rule, as checked here:

- ``obj._name`` where ``obj`` is not ``self``/``cls``: refused when ``_name`` is a name
  Textual's own source uses as an attribute or method (``self._name`` or ``def _name``
  anywhere in the ``textual`` package), unless ``obj`` is a module that is not Textual
  (``os._exit``). Our private names on our own objects are free.
- ``self._name`` in a class of ours that derives from a Textual class: refused when a
  Textual class in its MRO uses ``_name`` itself, since writing it overwrites Textual's
  state and reading it reads Textual's (``TooSmallScreen._size`` once did).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from functools import cache
from pathlib import Path

import textual

PACKAGE = Path(__file__).resolve().parents[2] / "acom_tui"
_NAME = re.compile(r"(?:self\.|def )(_[a-z][A-Za-z0-9_]*)")


@cache
def textual_names() -> frozenset[str]:
    names: set[str] = set()
    for path in Path(textual.__file__).parent.rglob("*.py"):
        names.update(_NAME.findall(path.read_text(encoding="utf-8")))
    return frozenset(names)


def class_names(cls: type) -> frozenset[str]:
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):
        return frozenset()
    return frozenset(_NAME.findall(source))


def textual_names_of(cls: type) -> frozenset[str]:
    names: set[str] = set()
    for base in cls.__mro__:
        if base.__module__.split(".")[0] == "textual":
            names |= class_names(base)
    return frozenset(names)


def module_of(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported_modules = {
        (alias.asname or alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if not alias.name.startswith("textual")
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        name = node.attr
        if not name.startswith("_") or name.startswith("__"):
            continue
        base = node.value
        if isinstance(base, ast.Name) and base.id in ("self", "cls"):
            continue
        if isinstance(base, ast.Name) and base.id in imported_modules:
            continue
        if name in textual_names():
            found.append(f"{path.name}:{node.lineno}: .{name}")
    # self._name in our subclasses of Textual classes.
    module_name = module_of(path)
    if module_name.endswith("__main__"):
        return found
    module = importlib.import_module(module_name)
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        cls = getattr(module, node.name, None)
        if not inspect.isclass(cls):
            continue
        theirs = textual_names_of(cls)
        if not theirs:
            continue
        for sub in ast.walk(node):
            if (
                isinstance(sub, ast.Attribute)
                and isinstance(sub.value, ast.Name)
                and sub.value.id == "self"
                and sub.attr.startswith("_")
                and not sub.attr.startswith("__")
                and sub.attr in theirs
            ):
                found.append(f"{path.name}:{sub.lineno}: self.{sub.attr} ({node.name})")
    return found


def test_no_textual_private_attribute_is_used() -> None:
    found = [o for path in sorted(PACKAGE.rglob("*.py")) for o in offences(path)]
    assert found == []


def test_the_rule_catches_what_the_old_code_did(tmp_path: Path) -> None:
    old = "def localize(node):\n    node._bindings = node._bindings.copy()\n"
    tree = ast.parse(old)
    attrs = [n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)]
    assert "_bindings" in attrs
    assert "_bindings" in textual_names()
