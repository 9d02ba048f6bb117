"""Every rule of a screen's stylesheet applies to the screens that read it, and no others.

All of ``acom_tui/screens/*.tcss`` is read into the app's one stylesheet right after the
first paint (``preload_screen_css``, docs/performance.md), so a rule such as ``#pin`` or
``.field-message`` would style every screen and dialog that has such a widget. The model
(docs/architecture.md): each rule of a screen's file starts with the type of a screen that
names the file in its ``CSS_PATH`` (``LoginScreen`` for ``login.tcss``, which the app
reads); what every screen shares lives in ``app.tcss``; a dialog carries its own rules in
``DEFAULT_CSS``, which Textual scopes to it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.app import App
from textual.css.model import SelectorType
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.screen import Screen

import acom_tui
from acom_tui.app import AcomApp
from acom_tui.screens.base import SCREEN_CSS_DIR
from acom_tui.screens.login import LoginScreen

SCREEN_FILES = sorted(SCREEN_CSS_DIR.glob("*.tcss"))


def _all_subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def _readers() -> dict[Path, set[str]]:
    """Each stylesheet, and the screen types that read it."""
    for module in pkgutil.walk_packages(acom_tui.__path__, "acom_tui."):
        if not module.name.endswith("__main__"):  # it runs the app
            importlib.import_module(module.name)
    readers: dict[Path, set[str]] = {}
    for cls in _all_subclasses(Screen):
        css_path = cls.__dict__.get("CSS_PATH")
        if css_path is None or not cls.__module__.startswith("acom_tui."):
            continue
        here = Path(inspect.getfile(cls)).parent
        for name in [css_path] if isinstance(css_path, str | Path) else css_path:
            readers.setdefault((here / name).resolve(), set()).add(cls.__name__)
    # The app reads the login screen's file with its own, before the first paint.
    app_files = [(Path(inspect.getfile(AcomApp)).parent / p).resolve() for p in AcomApp.CSS_PATH]
    login = (SCREEN_CSS_DIR / "login.tcss").resolve()
    package = SCREEN_CSS_DIR.parent
    # focus.tcss (the NO_COLOR focus cues) is the staff console's too.
    assert app_files == [
        (package / "app.tcss").resolve(),
        (package / "focus.tcss").resolve(),
        login,
    ]
    readers.setdefault(login, set()).add(LoginScreen.__name__)
    return readers


def _selectors(path: Path) -> Iterator[tuple[str, str]]:
    """(the first part, the whole selector) of every rule in ``path``."""
    stylesheet = Stylesheet(variables=App().get_css_variables())
    stylesheet.add_source(path.read_text(encoding="utf-8"), read_from=(str(path), ""))
    stylesheet.parse()
    for rule in stylesheet.rules:
        for selector_set in rule.selector_set:
            first = selector_set.selectors[0]
            whole = " ".join(s.css for s in selector_set.selectors)
            yield (first.name if first.type == SelectorType.TYPE else "", whole)


def test_every_screen_stylesheet_has_readers() -> None:
    readers = _readers()
    unread = [p.name for p in SCREEN_FILES if p.resolve() not in readers]
    assert unread == [], "no screen names these in its CSS_PATH"


@pytest.mark.parametrize("path", SCREEN_FILES, ids=[p.name for p in SCREEN_FILES])
def test_every_rule_is_scoped_to_the_screens_that_read_the_file(path: Path) -> None:
    allowed = _readers().get(path.resolve(), set())
    unscoped = [whole for first, whole in _selectors(path) if first not in allowed]
    assert unscoped == [], f"{path.name}: start each rule with one of {sorted(allowed)}"


def test_the_check_finds_an_unscoped_rule(tmp_path: Path) -> None:
    # The check itself: a bare id, and a rule of another screen, are both reported.
    sample = tmp_path / "sample.tcss"
    sample.write_text(
        "DashboardScreen #ok { width: 1; }\n#bare { width: 1; }\nHelpScreen #x { width: 1; }\n",
        encoding="utf-8",
    )
    firsts = [first for first, _ in _selectors(sample)]
    assert [f for f in firsts if f not in {"DashboardScreen"}] == ["", "HelpScreen"]


PACKAGE = Path(acom_tui.__file__).parent
# Textual's widgets whose CSS the apps do not inherit, and the plain class used instead.
PLAIN = {"Button": "PlainButton", "Checkbox": "PlainCheckbox", "ToggleButton": "PlainCheckbox"}
# A query by the type as selector (not `query_one("#id", Button)`, an isinstance check), or
# one of those widgets created.
_BUTTON_BY_TYPE = re.compile(
    r"\bquery(?:_one|_children|_exactly_one)?\(\s*(?:Button|Checkbox|ToggleButton)\b"
    r"|(?<![\w.])(?:Button|Checkbox|ToggleButton)\("
)


def _css_sources() -> Iterator[tuple[str, str]]:
    """(where, CSS text) of every stylesheet and every widget's CSS in the package."""
    for path in sorted(PACKAGE.rglob("*.tcss")):
        yield path.name, path.read_text(encoding="utf-8")
    _readers()  # imports every module
    for cls in _all_subclasses(DOMNode):
        if cls.__module__.startswith("acom_tui."):
            for name in ("DEFAULT_CSS", "CSS"):
                css = cls.__dict__.get(name)
                if css:
                    yield f"{cls.__name__}.{name}", css


def _type_names(css: str) -> set[str]:
    stylesheet = Stylesheet(variables=App().get_css_variables())
    stylesheet.add_source(css, read_from=("check", ""))
    stylesheet.parse()
    return {
        selector.name
        for rule in stylesheet.rules
        for selector_set in rule.selector_set
        for selector in selector_set.selectors
        if selector.type == SelectorType.TYPE
    }


def test_buttons_and_checkboxes_are_plain_everywhere() -> None:
    # PlainButton and PlainCheckbox do not inherit their bases' CSS (docs/performance.md),
    # and Textual then matches them by their own type names only: a `Button` selector or
    # `query(Button)` would silently find nothing, and a plain `Button(` would bring back
    # Textual's 7 KB of CSS (1.8 KB for a checkbox).
    styled = [
        f"{where}: {name} (use {PLAIN[name]})"
        for where, css in _css_sources()
        for name in sorted(_type_names(css) & PLAIN.keys())
    ]
    assert styled == [], "name the plain class in these selectors"
    queried = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _BUTTON_BY_TYPE.search(line)
    ]
    assert queried == [], "use PlainButton or PlainCheckbox (to create and to query by type)"


def test_the_plain_check_finds_a_selector_a_query_and_a_creation() -> None:
    css = ".actions > Button { width: 1; }\nPlainButton { width: 1; }\nCheckbox { width: 1; }"
    assert _type_names(css) & PLAIN.keys() == {"Button", "Checkbox"}
    assert _BUTTON_BY_TYPE.search("self.query(Button).first()")
    assert _BUTTON_BY_TYPE.search("self.query_one(Checkbox).value")
    assert _BUTTON_BY_TYPE.search("yield Button(t('x'))")
    assert _BUTTON_BY_TYPE.search("yield Checkbox(t('x'))")
    assert not _BUTTON_BY_TYPE.search("yield PlainButton(t('x'))")
    assert not _BUTTON_BY_TYPE.search("yield PlainCheckbox(t('x'), True)")
    assert not _BUTTON_BY_TYPE.search('self.query_one("#ok", Button)')
    assert not _BUTTON_BY_TYPE.search('@on(Button.Pressed, "#ok")')
    assert not _BUTTON_BY_TYPE.search("class PlainCheckbox(Checkbox, inherit_css=False):")
