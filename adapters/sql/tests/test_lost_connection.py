"""A killed PostgreSQL connection surfaces as StoreUnavailableError naming the operation, and
the store works again once the server is reachable."""

from __future__ import annotations

import asyncpg
import pytest
from roomkit_sql import PostgresStore
from roomkit_sql.store import StoreUnavailableError
from sqlalchemy import text

from roomkit.domain.room import Room


async def kill(pg_dsn: str, pids: set[int]) -> None:
    admin = await asyncpg.connect(pg_dsn)
    try:
        for pid in pids:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()


async def test_a_killed_connection_is_store_unavailable(
    pg_store: PostgresStore, pg_dsn: str
) -> None:
    store = PostgresStore(pg_dsn, schema=pg_store.schema)
    await store.init(min_size=1, max_size=1)  # one pooled connection: the one we kill
    try:
        await store.create_room(Room(id="r"))
        async with (await store._eng()).connect() as conn:  # the pool of the general queries
            pid = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        await kill(pg_dsn, {pid})
        with pytest.raises(StoreUnavailableError, match="list_rooms"):
            await store.list_rooms()
        assert [room.id for room in await store.list_rooms()] == ["r"]  # replaced by the pool
    finally:
        await store.close()


async def test_the_per_message_path_replaces_a_killed_connection(
    pg_store: PostgresStore, pg_dsn: str
) -> None:
    store = PostgresStore(pg_dsn, schema=pg_store.schema)
    await store.init(min_size=1, max_size=1)
    try:
        await store.create_room(Room(id="r"))
        async with (await store._p()).connection() as conn:
            pid = await conn.fetchval("SELECT pg_backend_pid()")
        await kill(pg_dsn, {pid})
        try:
            room = await store.get_room("r")
        except StoreUnavailableError:  # the kill raced the query: reported, then recovered
            room = await store.get_room("r")
        assert room is not None and room.id == "r"
    finally:
        await store.close()
