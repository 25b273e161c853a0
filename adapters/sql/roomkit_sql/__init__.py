"""Durable storage for RoomKit: ``PostgresStore(dsn)``, ``SQLiteStore(path)``, and the
cross-process ``PostgresLockManager`` and ``PostgresRealtime``."""

from typing import Any

__all__ = [
    "PostgresStore",
    "SQLStore",
    "SQLiteStore",
    "SchemaVersionError",
    "StoreUnavailableError",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from roomkit_sql import store

        return getattr(store, name)
    raise AttributeError(f"module 'roomkit_sql' has no attribute {name!r}")
