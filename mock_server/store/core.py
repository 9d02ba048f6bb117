"""Connections, transactions and the schema."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mock_server.store import ddl_money, ddl_services, sessions, staff

# Bump when a table changes. A mock database with another version is rebuilt from the
# roster at start (it holds demo data only); see docs/architecture.md.
# 3 also keys PIN and password hashes with the server's pepper (mock_server/hashing.py).
# 4 keeps each notice's figures as data (notices.facts) for its English text.
SCHEMA_VERSION = 4

# The database holds personal data and PIN hashes: only its owner may read it. SQLite gives
# the -wal and -shm files the mode of the database file, so creating that one 0600 is enough
# for new files; existing ones are tightened at open.
FILE_MODE = 0o600
DIR_MODE = 0o700
_COMPANIONS = ("", "-wal", "-shm", "-journal")

BUSY_TIMEOUT_MS = 30_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);
CREATE TABLE IF NOT EXISTS members (
    member_number         TEXT PRIMARY KEY,
    pin_hash              TEXT NOT NULL,
    name                  TEXT NOT NULL,
    name_kana             TEXT NOT NULL,
    birthday              TEXT NOT NULL,
    status                TEXT NOT NULL DEFAULT 'active',   -- active | suspended
    suspension_reason     TEXT,
    card_status           TEXT NOT NULL DEFAULT 'active',   -- active | lost
    failed_attempts       INTEGER NOT NULL DEFAULT 0,
    locked                INTEGER NOT NULL DEFAULT 0,
    locked_at             TEXT,
    contract_date         TEXT NOT NULL,
    credit_limit          INTEGER NOT NULL,
    interest_rate         TEXT NOT NULL,
    repayment_cycle       TEXT NOT NULL,                    -- 35days | monthly
    monthly_due_day       INTEGER,
    annual_income         INTEGER NOT NULL,                 -- as last declared by the member
    verified_annual_income INTEGER NOT NULL,                -- the contract's or a certificate's
    other_lenders_balance INTEGER NOT NULL DEFAULT 0,       -- from the credit bureau
    has_credit_card       INTEGER NOT NULL DEFAULT 0,
    bank_code             TEXT NOT NULL,
    branch_name           TEXT NOT NULL,
    account_type          TEXT NOT NULL,
    account_number        TEXT NOT NULL,
    holder_kana           TEXT NOT NULL,
    postal_code           TEXT NOT NULL,
    prefecture            TEXT NOT NULL,
    city                  TEXT NOT NULL,
    line1                 TEXT NOT NULL,
    line2                 TEXT NOT NULL DEFAULT '',
    home_phone            TEXT,
    mobile_phone          TEXT,
    email                 TEXT,
    employer_name         TEXT NOT NULL,
    employer_phone        TEXT NOT NULL,
    employer_reported_at  TEXT,
    income_reported_at    TEXT,
    e_delivery            INTEGER NOT NULL DEFAULT 0,
    e_delivery_at         TEXT,
    created_at            TEXT NOT NULL
);
-- Unknown member numbers get the same failure counting as real ones, so the two cannot
-- be told apart from outside (SPEC 2.1).
CREATE TABLE IF NOT EXISTS unknown_login_failures (
    member_number   TEXT PRIMARY KEY,
    failed_attempts INTEGER NOT NULL,
    locked          INTEGER NOT NULL DEFAULT 0
);
-- The loan as of `accrued_through` (domain.account.AccountState, whose limit, rate and cycle are
-- in `members`): interest after that day is computed from the clock, not stored.
CREATE TABLE IF NOT EXISTS loans (
    member_number        TEXT PRIMARY KEY REFERENCES members(member_number),
    principal            INTEGER NOT NULL CHECK (principal >= 0),
    unpaid_interest      INTEGER NOT NULL DEFAULT 0 CHECK (unpaid_interest >= 0),
    unpaid_late_interest INTEGER NOT NULL DEFAULT 0 CHECK (unpaid_late_interest >= 0),
    accrued_through      TEXT NOT NULL,
    interest_free_until  TEXT,
    next_due_date        TEXT,
    minimum_base         INTEGER NOT NULL DEFAULT 0 CHECK (minimum_base >= 0),
    paid_in_cycle        INTEGER NOT NULL DEFAULT 0 CHECK (paid_in_cycle >= 0),
    last_overdue_on      TEXT
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash          TEXT PRIMARY KEY,
    kind                TEXT NOT NULL,          -- member | staff
    subject             TEXT NOT NULL,          -- member number or staff id
    created_at          TEXT NOT NULL,
    last_seen_at        TEXT NOT NULL,
    absolute_expires_at TEXT NOT NULL,
    revoked_at          TEXT,
    revoked_reason      TEXT,
    -- Opened with a one-time PIN: only the PIN change until it is done (SPEC 2.17).
    pin_change_required INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS sessions_subject ON sessions(kind, subject);
CREATE TABLE IF NOT EXISTS login_failures (
    address TEXT NOT NULL,
    at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_address ON login_failures(address, at);
CREATE TABLE IF NOT EXISTS staff (
    staff_id      TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TEXT NOT NULL,
    actor_kind    TEXT NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    member_number TEXT,
    reason        TEXT,
    details       TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS audit_member ON audit(member_number, id);
"""


class Store:
    """One SQLite database in WAL mode, one connection per thread.

    Every write runs in ``BEGIN IMMEDIATE`` so concurrent writers queue on SQLite's lock
    (with a generous busy timeout) instead of failing half-way. Writers of the same process
    queue first on a lock of their own: SQLite's busy handler waits by sleeping (1, 2, 5,
    10 ... 100 ms), so a writer could sleep long after the lock was free (a p99 of 350 ms
    for borrowings under 16 clients on one worker); a thread lock hands over at once.
    Other processes (uvicorn workers) still queue on SQLite's lock.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self.fresh = False

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open (creating if needed) the database and bring its schema up to date.

        ``store.fresh`` is True when the roster still has to be seeded.
        """
        store = cls(path)
        store._private_files()
        store.fresh = store._migrate()
        return store

    def _private_files(self) -> None:
        """Create the database file 0600 (its folder 0700 when we make it); tighten old ones."""
        path = Path(self.path)
        if not path.parent.exists():
            path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE))
        for suffix in _COMPANIONS:
            companion = Path(f"{self.path}{suffix}")
            if companion.exists():
                os.chmod(companion, FILE_MODE)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        with self._all_lock:
            self._all.append(conn)
        return conn

    def connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: all of it commits, or none of it."""
        conn = self.connection()
        with self._write_lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: one consistent snapshot."""
        conn = self.connection()
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def _migrate(self) -> bool:
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            has_meta = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
            ).fetchone()
            version = None
            if has_meta:
                row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
                version = int(row["value"]) if row else None
            if version is not None and version != SCHEMA_VERSION:
                tables = conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                ).fetchall()
                for table in tables:
                    conn.execute(f'DROP TABLE IF EXISTS "{table["name"]}"')
                version = None
            schemas = (SCHEMA, ddl_money.SCHEMA, ddl_services.SCHEMA, staff.SCHEMA, sessions.SCHEMA)
            for statement in ";".join(schemas).split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(
                "INSERT INTO meta(key, value) VALUES('schema_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (str(SCHEMA_VERSION),),
            )
            seeded = conn.execute("SELECT 1 FROM meta WHERE key='seeded_at'").fetchone()
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return seeded is None

    def close(self) -> None:
        with self._all_lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


def copy_database(source: Path, target: Path) -> None:
    """Copy a closed database together with the pepper its PIN and password hashes were
    made with (``<database>.pepper``): a copy without it would refuse every login."""
    from mock_server.hashing import pepper_path

    shutil.copyfile(source, target)
    shutil.copyfile(pepper_path(source), pepper_path(target))
    os.chmod(target, 0o600)
    os.chmod(pepper_path(target), 0o600)
