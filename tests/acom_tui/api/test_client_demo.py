"""``--demo``: the client on the in-process mock app, with an admin handle."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from acom_contract.schemas import JST, FaultSettings
from acom_tui.api import errors
from acom_tui.api.client import Client
from acom_tui.api.demo import DEMO_BASE_URL, InProcessTransport, default_demo_database, open_demo

PIN = "4829"
START = datetime(2026, 12, 2, 10, 0, tzinfo=JST)


async def test_the_demo_client_logs_in_and_the_temp_database_goes_away() -> None:
    demo = open_demo(now=START, frozen=True)
    async with demo:
        assert demo.database.exists()
        session = await demo.client.login("10000001", PIN)
        assert session.expires_at == START + timedelta(minutes=15)
        account = await demo.client.account()
        assert account.principal == 120_000
        assert (await demo.client.status()).server_time == START
    assert not demo.database.exists()
    assert not demo.database.parent.exists()


async def test_the_admin_handle_drives_the_same_server() -> None:
    async with open_demo(now=START, frozen=True) as demo:
        await demo.client.login("10000001", PIN)
        state = await demo.admin.advance_clock(timedelta(minutes=16))
        assert state.now == START + timedelta(minutes=16)
        with pytest.raises(errors.SessionExpired):
            await demo.client.account()

        ends = state.now + timedelta(minutes=30)
        await demo.admin.maintenance(True, ends_at=ends)
        with pytest.raises(errors.Maintenance) as caught:
            await demo.client.login("10000001", PIN)
        assert caught.value.ends_at == ends
        await demo.admin.maintenance(False)

        with pytest.raises(errors.AccountLocked):
            await demo.client.login("10000002", "0000")
        await demo.admin.reset()
        assert (await demo.client.login("10000002", PIN)).member_number == "10000002"


async def test_a_second_client_sees_the_same_data() -> None:
    async with open_demo(now=START, frozen=True) as demo:
        other = demo.new_client()
        try:
            with pytest.raises(errors.AccountLocked):
                await other.login("10000002", "0000")
            with pytest.raises(errors.AccountLocked):
                await demo.client.login("10000002", PIN)
        finally:
            await other.aclose()


async def test_a_demo_database_path_keeps_state_between_runs(tmp_path: Path) -> None:
    database = tmp_path / "keep" / "demo.sqlite3"
    async with open_demo(database, now=START, frozen=True) as demo:
        with pytest.raises(errors.AccountLocked):
            await demo.client.login("10000002", "0000")
    assert database.exists()

    async with open_demo(database, now=START, frozen=True) as demo:
        with pytest.raises(errors.AccountLocked):
            await demo.client.login("10000002", PIN)
    assert database.exists()


async def test_a_dropped_response_in_the_demo_is_a_transport_error_and_is_retried() -> None:
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async with open_demo(now=START, frozen=True, sleep=sleep) as demo:
        await demo.client.login("10000001", PIN)
        await demo.admin.set_faults(FaultSettings(drop_after_commit=True))
        key = demo.client.new_idempotency_key()
        with pytest.raises(errors.ConnectionFailed):
            await demo.client.borrow(10_000, idempotency_key=key)
        await demo.admin.set_faults(FaultSettings())
        assert (await demo.client.borrow(10_000, idempotency_key=key)).principal_after == 130_000
        assert (await demo.client.account()).principal == 130_000
    assert len(sleeps) == 2  # three attempts, backoff injected: no real sleep


async def test_a_server_bug_in_the_demo_reaches_the_client_as_a_500() -> None:
    class Broken(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            raise KeyError("member_number")

    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    transport = InProcessTransport(Broken())
    async with Client(DEMO_BASE_URL, transport=transport, sleep=sleep) as client:
        with pytest.raises(errors.ServerError) as caught:
            await client.account()
    assert type(caught.value) is errors.ServerError
    assert (caught.value.code, caught.value.status) == ("INTERNAL_ERROR", 500)
    assert sleeps == []  # a 500 is not retried


def test_the_default_demo_database_lives_in_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACOM_TUI_DATA_DIR", str(tmp_path / "data"))
    assert default_demo_database() == tmp_path / "data" / "demo.sqlite3"


def _modules_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return set(out.split())


def test_importing_the_demo_module_does_not_load_the_server() -> None:
    loaded = _modules_after("import acom_tui.api.demo")
    assert "fastapi" not in loaded
    assert "mock_server" not in loaded
    assert "acom_tui.api.client" in loaded


def test_error_classes_and_credentials_import_without_the_heavy_libraries() -> None:
    loaded = _modules_after("import acom_tui.api.errors, acom_tui.credentials, acom_tui.api")
    assert "httpx" not in loaded
    assert "pydantic" not in loaded
    assert "keyring" not in loaded
    assert "acom_tui.api.client" not in loaded


def test_the_package_exports_the_client_on_first_use() -> None:
    loaded = _modules_after("from acom_tui.api import Client; assert Client.__name__ == 'Client'")
    assert "httpx" in loaded
