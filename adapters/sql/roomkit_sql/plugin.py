"""Registers the "postgres" and "sqlite" stores."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register


class PostgresSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dsn: str = Field(min_length=1)
    schema_name: str | None = Field(default=None, alias="schema")


class SQLiteSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1)


def build_postgres(settings: PostgresSettings) -> object:
    from roomkit_sql.store import PostgresStore

    return PostgresStore(settings.dsn, schema=settings.schema_name)


def build_sqlite(settings: SQLiteSettings) -> object:
    from roomkit_sql.store import SQLiteStore

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
