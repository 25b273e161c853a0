"""A killed PostgreSQL connection surfaces as StoreUnavailableError naming the operation, and
the store works again once the server is reachable."""

from __future__ import annotations

import asyncpg
import pytest
from roomkit_sql import PostgresStore
from roomkit_sql.store import StoreUnavailableError
from sqlalchemy import text

from roomkit.domain.room import Room


async def test_a_killed_connection_is_store_unavailable(
    pg_store: PostgresStore, pg_dsn: str
) -> None:
    store = PostgresStore(pg_dsn, schema=pg_store.schema)
    await store.init(min_size=1, max_size=1)  # one pooled connection: the one we kill
    try:
        await store.create_room(Room(id="r"))
        async with (await store._eng()).connect() as conn:
            pid = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        admin = await asyncpg.connect(pg_dsn)
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
        finally:
            await admin.close()
        with pytest.raises(StoreUnavailableError, match="get_room"):
            await store.get_room("r")
        room = await store.get_room("r")  # the pool replaced the dead connection
        assert room is not None and room.id == "r"
    finally:
        await store.close()
