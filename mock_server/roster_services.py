"""Roster data of the member services (documents, e-mail settings, ...), seeded after the loans."""

from __future__ import annotations

import sqlite3
from datetime import datetime


def seed(conn: sqlite3.Connection, now: datetime) -> None:
    """Seed service rows for the roster members (inside the roster's transaction)."""
