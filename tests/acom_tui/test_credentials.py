"""The remembered member number: keyring when there is one, "not remembered" otherwise."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import KeyringError, PasswordDeleteError

from acom_tui import paths
from acom_tui.credentials import SERVICE, USERNAME, CredentialStore, KeyringResult


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps passwords in a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise PasswordDeleteError("not found")
        del self.store[(service, username)]


class LockedKeyring(MemoryKeyring):
    """A desktop keyring that refuses access (user cancelled the unlock prompt)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("unlock cancelled: secret-token-in-error")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("unlock cancelled")


class BrokenKeyring(MemoryKeyring):
    """A backend with a bug: raises something that is not a KeyringError."""

    def get_password(self, service: str, username: str) -> str | None:
        raise AttributeError("'NoneType' object has no attribute 'bus'")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise OSError("D-Bus went away")

    def delete_password(self, service: str, username: str) -> None:
        raise RuntimeError("boom")


Install = Callable[[KeyringBackend], None]


@pytest.fixture
def use_backend() -> Iterator[Install]:
    previous = keyring.get_keyring()

    def install(backend: KeyringBackend) -> None:
        keyring.set_keyring(backend)

    yield install
    keyring.set_keyring(previous)


def test_remember_load_and_forget_with_a_working_keyring(use_backend: Install) -> None:
    backend = MemoryKeyring()
    use_backend(backend)
    store = CredentialStore()

    assert store.load() == KeyringResult(member_number=None)
    assert store.remember("10000001") == KeyringResult(member_number="10000001")
    assert backend.store == {(SERVICE, USERNAME): "10000001"}
    assert (SERVICE, USERNAME) == ("acom-tui", "member_number")
    loaded = store.load()
    assert loaded.member_number == "10000001"
    assert loaded.available
    assert store.forget() == KeyringResult()
    assert backend.store == {}
    # Forgetting twice is fine: nothing stored is the wanted state.
    assert store.forget().available


@pytest.mark.parametrize(
    "value", ["4829", "1000000", "100000011", "１０００００００", "abcdefgh", "", "10000001\n"]
)
def test_only_a_member_number_can_be_stored(use_backend: Install, value: str) -> None:
    backend = MemoryKeyring()
    use_backend(backend)
    with pytest.raises(ValueError, match="8 ASCII digits"):
        CredentialStore().remember(value)
    assert backend.store == {}


def test_something_else_under_our_name_is_not_shown(use_backend: Install) -> None:
    backend = MemoryKeyring()
    backend.store[(SERVICE, USERNAME)] = "4829"
    use_backend(backend)
    assert CredentialStore().load() == KeyringResult(member_number=None)


def test_no_keyring_degrades_to_not_remembered_and_reports_once(use_backend: Install) -> None:
    use_backend(fail.Keyring())
    store = CredentialStore()

    first = store.remember("10000001")
    assert first == KeyringResult(member_number=None, problem="no_keyring", report=True)
    assert not first.available
    second = store.load()
    assert second == KeyringResult(member_number=None, problem="no_keyring", report=False)
    third = store.forget()
    assert (third.problem, third.report) == ("no_keyring", False)


def test_a_keyring_error_degrades_too(
    use_backend: Install, caplog: pytest.LogCaptureFixture
) -> None:
    use_backend(LockedKeyring())
    store = CredentialStore()
    with caplog.at_level(logging.DEBUG):
        result = store.load()
    assert result == KeyringResult(member_number=None, problem="keyring_error", report=True)
    # Only the kind of failure is logged, never the backend's own text.
    assert "secret-token-in-error" not in caplog.text
    assert "keyring.errors.KeyringError" in caplog.text


def test_any_exception_from_a_broken_backend_degrades(use_backend: Install) -> None:
    use_backend(BrokenKeyring())
    store = CredentialStore()
    assert store.load().problem == "keyring_error"
    assert store.remember("10000001") == KeyringResult(problem="keyring_error", report=False)
    assert store.forget().problem == "keyring_error"


def test_each_store_reports_once(use_backend: Install) -> None:
    use_backend(fail.Keyring())
    assert CredentialStore().load().report
    assert CredentialStore().load().report


def test_nothing_is_written_to_a_file_when_the_keyring_fails(
    use_backend: Install, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    places = [tmp_path, paths.config_path().parent, paths.data_dir(), paths.log_dir()]
    before = {p for place in places if place.exists() for p in place.rglob("*")}
    use_backend(fail.Keyring())
    assert not CredentialStore().remember("10000001").available
    after = {p for place in places if place.exists() for p in place.rglob("*")}
    assert after == before
