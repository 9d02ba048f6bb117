"""SQLite persistence: the only package with SQL in it.

`Store` owns the database file and hands out transactions; the modules beside it
(`members`, `sessions`, ...) are plain functions that take a connection, so a route can
compose several of them inside one `BEGIN IMMEDIATE` transaction.
"""

from mock_server.store.core import SCHEMA_VERSION, Store, copy_database

__all__ = ["SCHEMA_VERSION", "Store", "copy_database"]
