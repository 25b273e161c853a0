"""From the adapter package behind the ``roomkit[sqlite]`` extra (docs/getting-started.md)."""

try:
    from roomkit_sql import SQLiteStore
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.store.sqlite", "sqlite") from exc

__all__ = ["SQLiteStore"]
