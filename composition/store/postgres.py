"""From the adapter package behind the ``roomkit[postgres]`` extra (docs/getting-started.md)."""

try:
    from roomkit_sql import PostgresStore
except ImportError as exc:  # the adapter distribution is not installed
    from roomkit.unavailable import placeholder_module_error

    raise placeholder_module_error("roomkit.store.postgres", "postgres") from exc

__all__ = ["PostgresStore"]
