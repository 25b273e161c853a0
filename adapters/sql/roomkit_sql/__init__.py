"""Durable storage for RoomKit: ``PostgresStore(dsn)``, ``SQLiteStore(path)``, and the
cross-process ``PostgresLockManager`` and ``PostgresRealtime``. Loaded on first use."""

import importlib
from typing import Any

_HOME = {
    "LockTimeoutError": "locks",
    "PostgresLockManager": "locks",
    "PostgresRealtime": "realtime",
    "PostgresStore": "postgres",
    "SQLStore": "store",
    "SQLiteStore": "sqlite",
    "SchemaVersionError": "store",
    "StoreUnavailableError": "store",
}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(f"roomkit_sql.{_HOME[name]}"), name)
    raise AttributeError(f"module 'roomkit_sql' has no attribute {name!r}")
