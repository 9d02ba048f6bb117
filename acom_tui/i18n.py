"""Message catalogues (ja, en) and the one function screens call: ``t(key, **params)``.

Catalogues are flat JSON objects in ``acom_tui/locales/`` with dotted keys
(``"login.title"``), each file read once, when the first of its keys is asked for. Only
the standard library is imported here: the login screen is drawn before anything heavy
is loaded.

A missing key or placeholder never crashes the running app (the key or ``{name}`` is
shown instead, which a tester notices at once); with ``STRICT = True`` - set by the test
suite - both raise ``KeyError`` so that a typo fails a test instead of reaching a user.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from threading import Lock
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


class _Catalogue(Mapping[str, str]):
    """One language's texts: the shared file at once, each area's file at its first key.

    The first screen needs the shared file only (``login.*``), so the other areas'
    files are not parsed before it is drawn. Listing, counting or iterating reads them
    all. A key defined twice is an error, not a silent override, and an area file holds
    only the keys of its area (``locales/ja/money.json``: ``money.*``), which is how a
    key finds its file.
    """

    def __init__(self, lang: Language) -> None:
        self._texts = _load(LOCALES_DIR / f"{lang}.json", f"locales/{lang}.json")
        area_dir = LOCALES_DIR / lang
        paths = sorted(area_dir.glob("*.json")) if area_dir.is_dir() else []
        self._lang = lang
        self._unread = {path.stem: path for path in paths}
        # t() runs in worker threads too: one reader of an area at a time.
        self._lock = Lock()

    def _read(self, area: str) -> None:
        with self._lock:
            path = self._unread.get(area)
            if path is None:
                return
            name = f"locales/{self._lang}/{path.name}"
            texts = _load(path, name)
            strays = sorted(key for key in texts if not key.startswith(f"{area}."))
            if strays:
                raise ValueError(f"{name} holds keys of other areas: {', '.join(strays[:5])}")
            twice = sorted(self._texts.keys() & texts.keys())
            if twice:
                raise ValueError(f"{name} redefines {', '.join(twice[:5])}")
            self._texts.update(texts)
            del self._unread[area]

    def _read_all(self) -> None:
        for area in sorted(self._unread):
            self._read(area)

    def __getitem__(self, key: str) -> str:
        found = self._texts.get(key)
        if found is None:
            area, dot, _rest = key.partition(".")
            if dot and area in self._unread:
                self._read(area)
            return self._texts[key]
        return found

    def __iter__(self) -> Iterator[str]:
        self._read_all()
        return iter(self._texts)

    def __len__(self) -> int:
        self._read_all()
        return len(self._texts)


@cache
def catalogue(lang: Language) -> Mapping[str, str]:
    """The catalogue of one language, made on first use and kept.

    ``locales/{lang}.json`` holds the shared texts; each screen area may add its own file
    ``locales/{lang}/{area}.json``, read when one of its keys is first asked for.
    """
    if not is_language(lang):
        raise ValueError(f"unsupported language {lang!r}")
    return _Catalogue(lang)


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
