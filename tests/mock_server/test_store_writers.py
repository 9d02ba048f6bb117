"""Writers of one process queue on the store's own lock, not on SQLite's sleeping busy wait."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from mock_server.store import core
from mock_server.store.core import Store

THREADS = 8
WRITES = 40


def test_writers_of_one_process_never_meet_a_locked_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With no busy timeout at all, two writers meeting on SQLite's lock would fail at once
    # with "database is locked": only the store's own lock keeps them apart.
    monkeypatch.setattr(core, "BUSY_TIMEOUT_MS", 0)
    store = Store.open(tmp_path / "db.sqlite3")
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def writer(n: int) -> None:
        start.wait()
        try:
            for i in range(WRITES):
                with store.write() as conn:
                    conn.execute("INSERT INTO meta(key, value) VALUES(?, ?)", (f"w{n}-{i}", str(i)))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with store.read() as conn:
        count = conn.execute("SELECT COUNT(*) FROM meta WHERE key LIKE 'w%'").fetchone()[0]
    assert count == THREADS * WRITES
    store.close()


def test_a_failed_write_rolls_back_and_frees_the_lock(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "db.sqlite3")
    with pytest.raises(sqlite3.IntegrityError), store.write() as conn:
        conn.execute("INSERT INTO meta(key, value) VALUES('x', '1')")
        conn.execute("INSERT INTO meta(key, value) VALUES('x', '2')")  # same key
    done = threading.Event()

    def other() -> None:
        with store.write() as conn:
            conn.execute("INSERT INTO meta(key, value) VALUES('y', '1')")
        done.set()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(timeout=10)
    assert done.is_set()
    with store.read() as conn:
        keys = {row[0] for row in conn.execute("SELECT key FROM meta WHERE key IN ('x', 'y')")}
    assert keys == {"y"}
    store.close()
