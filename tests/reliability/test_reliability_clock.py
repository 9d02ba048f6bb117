"""One mock clock for every worker: ``SharedClock`` keeps it in the database (``meta``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reliability_support import needs_script

from acom_contract.schemas import JST
from benchmarks.mock_process import MockServer
from mock_server import roster
from mock_server.clock import CLOCK_KEY, Clock, Position, SharedClock
from mock_server.store import Store, meta
from tests.conftest import FIXED_NOW, TEST_SCRYPT

REAL = datetime(2026, 11, 28, 9, 0, tzinfo=JST)


def two_clocks(path: Path) -> tuple[SharedClock, SharedClock, list[Store]]:
    """Two clocks on two stores of one file: what two worker processes have."""
    stores = [Store.open(path), Store.open(path)]
    return SharedClock(stores[0]), SharedClock(stores[1]), stores


def test_a_move_through_one_clock_is_seen_by_the_other(tmp_path: Path) -> None:
    first, second, stores = two_clocks(tmp_path / "mock.sqlite3")
    try:
        assert not second.frozen
        first.set(FIXED_NOW, frozen=True)
        assert second.frozen
        assert second.now() == FIXED_NOW
        first.advance(timedelta(days=3, seconds=5))
        assert second.now() == datetime(2026, 12, 5, 10, 0, 5, tzinfo=JST)
        second.freeze(False)
        assert not first.frozen
        # Running again from where it stood: a little later than it, never earlier.
        running = first.now() - datetime(2026, 12, 5, 10, 0, 5, tzinfo=JST)
        assert timedelta(0) <= running < timedelta(seconds=5)
        second.freeze(True)
        assert first.frozen and first.now() == second.now()
    finally:
        for store in stores:
            store.close()


def test_an_unset_shared_clock_runs_in_real_time(tmp_path: Path) -> None:
    clock, _, stores = two_clocks(tmp_path / "mock.sqlite3")
    try:
        before = datetime.now(JST)
        now = clock.now()
        assert before <= now <= datetime.now(JST)
        assert now.utcoffset() == timedelta(hours=9)
        clock.set(FIXED_NOW, frozen=True)
        clock.run_in_real_time()
        assert not clock.frozen
        assert abs(clock.now() - datetime.now(JST)) < timedelta(seconds=1)
    finally:
        for store in stores:
            store.close()


def test_advances_from_two_clocks_both_count(tmp_path: Path) -> None:
    first, second, stores = two_clocks(tmp_path / "mock.sqlite3")
    try:
        first.set(FIXED_NOW, frozen=True)
        for _ in range(5):
            first.advance(timedelta(minutes=1))
            second.advance(timedelta(minutes=2))
        assert first.now() == FIXED_NOW + timedelta(minutes=15)
    finally:
        for store in stores:
            store.close()


def test_the_clock_is_read_inside_a_write_transaction(tmp_path: Path) -> None:
    # Movements read the clock under the write lock (ledger times follow commit order).
    clock, _, stores = two_clocks(tmp_path / "mock.sqlite3")
    try:
        clock.set(FIXED_NOW, frozen=True)
        with stores[0].write() as conn:
            assert clock.now() == FIXED_NOW
            clock.advance(timedelta(seconds=30))  # moves with the caller's transaction
            assert meta.get(conn, CLOCK_KEY) is not None
        assert SharedClock(stores[1]).now() == FIXED_NOW + timedelta(seconds=30)
    finally:
        for store in stores:
            store.close()


def test_a_roster_reset_keeps_the_clock(tmp_path: Path) -> None:
    clock, other, stores = two_clocks(tmp_path / "mock.sqlite3")
    try:
        clock.set(FIXED_NOW + timedelta(days=40), frozen=True)
        with stores[0].write() as conn:
            roster.seed(conn, clock.now(), TEST_SCRYPT)
        assert other.now() == FIXED_NOW + timedelta(days=40)
        assert other.frozen
    finally:
        for store in stores:
            store.close()


def test_the_clock_refuses_naive_times_and_going_back(tmp_path: Path) -> None:
    clock, _, stores = two_clocks(tmp_path / "mock.sqlite3")
    try:
        with pytest.raises(ValueError, match="timezone-aware"):
            clock.set(datetime(2026, 12, 2, 10, 0))
        with pytest.raises(ValueError, match="forward"):
            clock.advance(timedelta(seconds=-1))
    finally:
        for store in stores:
            store.close()


# --- the pure transitions, shared by Clock and SharedClock -----------------------------------

moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(JST)
)
steps = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=3650))


@given(moments, moments, st.booleans(), steps)
def test_position_set_then_advance(
    at: datetime, real: datetime, frozen: bool, by: timedelta
) -> None:
    position = Position().set(at, real, frozen)
    assert position.now(real) == at
    assert (position.frozen_at is not None) is frozen
    moved = position.advance(by)
    assert moved.now(real) == at + by
    # A frozen clock stands still while real time passes; a running one keeps pace.
    later = real + timedelta(seconds=7)
    assert moved.now(later) == at + by + (timedelta(0) if frozen else timedelta(seconds=7))


@given(moments, moments, moments)
def test_freeze_and_thaw_keep_the_time(at: datetime, real: datetime, thaw: datetime) -> None:
    running = Position().set(at, real, False)
    frozen = running.freeze(True, real)
    assert frozen.now(thaw) == at
    again = frozen.freeze(False, thaw)
    assert again.frozen_at is None and again.now(thaw) == at
    assert frozen.freeze(True, thaw) == frozen  # freezing twice changes nothing


@given(moments, st.one_of(st.none(), moments))
def test_position_survives_the_database_text(real: datetime, frozen: datetime | None) -> None:
    position = Position(real - REAL, frozen)
    assert Position.from_json(position.to_json()) == position


def test_the_in_memory_clock_behaves_as_before() -> None:
    clock = Clock(FIXED_NOW, frozen=True)
    assert clock.now() == FIXED_NOW and clock.frozen
    assert clock.advance(timedelta(hours=1)) == FIXED_NOW + timedelta(hours=1)
    clock.freeze(False)
    assert not clock.frozen
    assert clock.now() >= FIXED_NOW + timedelta(hours=1)


# --- across real worker processes ------------------------------------------------------------


def clock_of_each_worker(server: MockServer, workers: int) -> dict[str, str]:
    """GET /v1/admin/clock on new connections until every worker has answered."""
    seen: dict[str, str] = {}
    for _ in range(400):
        with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
            response = client.get("/v1/admin/clock", headers=server.admin_headers)
        assert response.status_code == 200, response.text
        seen.setdefault(response.headers["x-mock-worker"], response.json()["now"])
        if len(seen) == workers:
            break
    assert len(seen) == workers, f"only workers {sorted(seen)} answered"
    return seen


@needs_script
def test_a_clock_advance_is_seen_by_every_worker(
    mock_server: Callable[..., MockServer],
) -> None:
    with mock_server(workers=2, worker_header=True) as server:
        before = clock_of_each_worker(server, 2)
        assert set(before.values()) == {"2026-12-02T10:00:00+09:00"}
        with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
            moved = client.post(
                "/v1/admin/clock/advance", json={"seconds": 86_400}, headers=server.admin_headers
            )
        assert moved.json() == {"now": "2026-12-03T10:00:00+09:00", "frozen": True}
        after = clock_of_each_worker(server, 2)
        assert set(after.values()) == {"2026-12-03T10:00:00+09:00"}


@needs_script
def test_a_restart_keeps_the_clock_where_it_stood(mock_server: Callable[..., MockServer]) -> None:
    server = mock_server()
    server.start(reset=True)
    with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
        client.post("/v1/admin/clock/advance", json={"seconds": 3600}, headers=server.admin_headers)
    server.kill()
    server.start()  # no --frozen-at this time: the database has the clock
    with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
        status = client.get("/v1/status").json()
    assert status["server_time"] == "2026-12-02T11:00:00+09:00"
    assert "clock 2026-12-02T11:00:00+09:00 (frozen)" in server.output()
    server.stop()
