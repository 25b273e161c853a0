"""Registers the "postgres" and "sqlite" stores."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register


class PostgresSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dsn: str = Field(min_length=1)
    schema_name: str | None = Field(default=None, alias="schema")
    settle_window: float = Field(default=0.01, ge=0)


class SQLiteSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1)


def build_postgres(settings: PostgresSettings) -> object:
    from roomkit_sql.postgres import PostgresStore

    return PostgresStore(
        settings.dsn, schema=settings.schema_name, settle_window=settings.settle_window
    )


def build_sqlite(settings: SQLiteSettings) -> object:
    from roomkit_sql.sqlite import SQLiteStore

    return SQLiteStore(settings.path)


@hookimpl
def roomkit_register_stores(register: Register) -> None:
    register(
        name="postgres",
        factory=build_postgres,
        settings=PostgresSettings,
        capabilities={"durable", "cross_process"},
        description="PostgreSQL (asyncpg)",
    )
    register(
        name="sqlite",
        factory=build_sqlite,
        settings=SQLiteSettings,
        capabilities={"durable"},
        description="SQLite file (aiosqlite)",
    )


class PostgresLockSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dsn: str = Field(min_length=1)
    timeout: float = Field(default=30.0, gt=0)
    namespace: str = ""
    max_size: int = Field(default=20, ge=1)
    handovers: int = Field(default=16, ge=0)
    linger: float = Field(default=0.002, ge=0)


class PostgresRealtimeSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dsn: str = Field(min_length=1)
    channel: str = Field(default="roomkit_realtime", pattern=r"^[a-z_][a-z0-9_]{0,62}$")


def build_locks(settings: PostgresLockSettings) -> object:
    from roomkit_sql.locks import PostgresLockManager

    return PostgresLockManager(
        settings.dsn,
        timeout=settings.timeout,
        namespace=settings.namespace,
        max_size=settings.max_size,
        handovers=settings.handovers,
        linger=settings.linger,
    )


def build_realtime(settings: PostgresRealtimeSettings) -> object:
    from roomkit_sql.realtime import PostgresRealtime

    return PostgresRealtime(settings.dsn, channel=settings.channel)


@hookimpl
def roomkit_register_lock_managers(register: Register) -> None:
    register(
        name="postgres",
        factory=build_locks,
        settings=PostgresLockSettings,
        capabilities={"cross_process"},
        description="PostgreSQL advisory locks",
    )


@hookimpl
def roomkit_register_realtime_backends(register: Register) -> None:
    register(
        name="postgres",
        factory=build_realtime,
        settings=PostgresRealtimeSettings,
        capabilities={"cross_process"},
        description="PostgreSQL LISTEN/NOTIFY",
    )
