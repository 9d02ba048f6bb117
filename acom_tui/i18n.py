"""Message catalogues (ja, en) and the one function screens call: ``t(key, **params)``.

Catalogues are flat JSON objects in ``acom_tui/locales/`` with dotted keys
(``"login.title"``), read once per language on first use. Only the standard library is
imported here: the login screen is drawn before anything heavy is loaded.

A missing key or placeholder never crashes the running app (the key or ``{name}`` is
shown instead, which a tester notices at once); with ``STRICT = True`` - set by the test
suite - both raise ``KeyError`` so that a typo fails a test instead of reaching a user.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Final, Literal, TypeGuard

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "STRICT",
    "Language",
    "catalogue",
    "detect_language",
    "get_language",
    "is_language",
    "set_language",
    "t",
]

Language = Literal["ja", "en"]
LANGUAGES: Final[tuple[Language, ...]] = ("ja", "en")
# The product is for Japanese cardholders; the CLI replaces this with the detected or
# --lang language before the first screen, so this only matters to code run without it.
DEFAULT_LANGUAGE: Final[Language] = "ja"

STRICT = False
"""When true, ``t`` raises ``KeyError`` for an unknown key or a missing placeholder."""

_current: Language = DEFAULT_LANGUAGE


def is_language(value: object) -> TypeGuard[Language]:
    return value in LANGUAGES


def detect_language(environ: Mapping[str, str]) -> Language:
    """Japanese when the effective POSIX message locale starts with ``ja``, else English.

    The effective locale is the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set
    to a non-empty value, as in POSIX (an empty variable counts as unset).
    """
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "en"


def set_language(lang: str) -> None:
    global _current
    if not is_language(lang):
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    _current = lang


def get_language() -> Language:
    return _current


# Beside this module (the package is always installed unzipped). Read with pathlib rather
# than importlib.resources, whose import (with zipfile) costs the first paint about 3 ms.
LOCALES_DIR: Final = Path(__file__).parent / "locales"


def _load(path: Path, name: str) -> dict[str, str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ValueError(f"{name} must be a flat object of strings")
    return data


@cache
def catalogue(lang: Language) -> Mapping[str, str]:
    """The whole catalogue of one language, loaded on first use and kept.

    ``locales/{lang}.json`` holds the shared texts; each screen area may add its own file
    ``locales/{lang}/{area}.json``. A key defined twice is an error, not a silent override.
    """
    if not is_language(lang):
        raise ValueError(f"unsupported language {lang!r}")
    merged = _load(LOCALES_DIR / f"{lang}.json", f"locales/{lang}.json")
    area_dir = LOCALES_DIR / lang
    if area_dir.is_dir():
        for path in sorted(area_dir.iterdir(), key=lambda p: p.name):
            if not path.name.endswith(".json"):
                continue
            name = f"locales/{lang}/{path.name}"
            area = _load(path, name)
            twice = sorted(merged.keys() & area.keys())
            if twice:
                raise ValueError(f"{name} redefines {', '.join(twice[:5])}")
            merged.update(area)
    return merged


class _Params(dict[str, object]):
    """Leaves an unfilled ``{name}`` visible instead of raising, outside strict mode."""

    def __missing__(self, key: str) -> str:
        if STRICT:
            raise KeyError(key)
        return "{" + key + "}"


def t(key: str, /, **params: object) -> str:
    """The message ``key`` in the current language, with ``{name}`` placeholders filled.

    Values are inserted with ``str()``: format money, dates and durations with
    ``acom_tui.formatting`` first so that they follow the language too.
    """
    template = catalogue(_current).get(key)
    if template is None:
        if STRICT:
            raise KeyError(key)
        return key
    return template.format_map(_Params(params))
