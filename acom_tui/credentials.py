"""Remembering the member number in the OS keyring, and degrading quietly without one.

Only the member number is ever stored, and only when the user opts in. The PIN and the
session token are never stored anywhere. Over SSH there is usually no keyring backend
(``keyring.errors.NoKeyringError``); then, or when a backend is broken, the number is simply
"not remembered" and the UI is told once, through the result object. There is deliberately
no plaintext-file fallback.

The calls are synchronous and may block (D-Bus, a locked keychain): the UI runs them in a
thread worker. ``keyring`` is imported inside the functions to keep start-up fast.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from dataclasses import dataclass
from typing import Literal

SERVICE = "acom-tui"
USERNAME = "member_number"

_MEMBER_NUMBER = re.compile(r"[0-9]{8}")
log = logging.getLogger("acom_tui.credentials")

__all__ = ["SERVICE", "USERNAME", "CredentialStore", "KeyringResult", "Problem"]


Problem = Literal["no_keyring", "keyring_error"]


@dataclass(frozen=True, slots=True)
class KeyringResult:
    """What happened, in a form the UI can show without knowing about keyring.

    ``member_number`` is the remembered number (for ``load``). ``problem`` says why the
    keyring could not be used (``None`` when it worked); ``report`` is true only the first
    time a problem is seen by this store, so the UI tells the user once and then stays quiet.
    """

    member_number: str | None = None
    problem: Problem | None = None
    report: bool = False

    @property
    def available(self) -> bool:
        return self.problem is None


class CredentialStore:
    """The remembered member number; one instance per app."""

    def __init__(self, service: str = SERVICE, username: str = USERNAME) -> None:
        self._service = service
        self._username = username
        self._lock = threading.Lock()
        self._reported = False

    def __repr__(self) -> str:
        return f"CredentialStore(service={self._service!r})"

    def load(self) -> KeyringResult:
        """The remembered member number, or ``None`` when there is none or no keyring."""
        try:
            import keyring

            value = keyring.get_password(self._service, self._username)
        except Exception as exc:  # a broken backend can raise anything
            return self._degraded(exc)
        if value is None or not _MEMBER_NUMBER.fullmatch(value):
            # Anything else under our name was not written by us; do not show it.
            return KeyringResult(member_number=None)
        return KeyringResult(member_number=value)

    def remember(self, member_number: str) -> KeyringResult:
        """Store the member number (the user opted in)."""
        # Checking the shape also guarantees a PIN can never end up in the keyring by mistake.
        if not _MEMBER_NUMBER.fullmatch(member_number):
            raise ValueError("a member number is 8 ASCII digits")
        try:
            import keyring

            keyring.set_password(self._service, self._username, member_number)
        except Exception as exc:  # a broken backend can raise anything
            return self._degraded(exc)
        return KeyringResult(member_number=member_number)

    def forget(self) -> KeyringResult:
        """Remove the stored number (the user opted out); nothing stored is not an error."""
        try:
            import keyring
            from keyring.errors import PasswordDeleteError

            with contextlib.suppress(PasswordDeleteError):
                keyring.delete_password(self._service, self._username)
        except Exception as exc:  # a broken backend can raise anything
            return self._degraded(exc)
        return KeyringResult(member_number=None)

    def _degraded(self, exc: BaseException) -> KeyringResult:
        with self._lock:
            first = not self._reported
            self._reported = True
        # The exception text may come from a third-party backend; log only its type.
        log.log(logging.WARNING if first else logging.DEBUG, "keyring unusable: %s", _kind(exc))
        return KeyringResult(member_number=None, problem=_problem(exc), report=first)


def _kind(exc: BaseException) -> str:
    return f"{type(exc).__module__}.{type(exc).__qualname__}"


def _problem(exc: BaseException) -> Problem:
    try:
        from keyring.errors import NoKeyringError
    except ImportError:  # keyring itself missing: there is no keyring to use
        return "no_keyring"
    if isinstance(exc, NoKeyringError | ImportError):
        return "no_keyring"
    return "keyring_error"
