"""Stores the reliability tests run against: memory and SQLite always, PostgreSQL when it is
reachable (required under CI=true)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from roomkit import InboundMessage, RoomEvent, RoomKit, TextContent, WebSocketChannel
from roomkit.ports.store import ConversationStore

PG_DSN = os.environ.get("ROOMKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


async def _pg_reachable() -> bool:
    import asyncpg

    try:
        conn = await asyncpg.connect(PG_DSN, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await conn.close()
    return True


@pytest_asyncio.fixture(params=["memory", "sqlite", "postgres"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ConversationStore]:
    """A fresh store of each kind."""
    kind = request.param
    if kind == "memory":
        from roomkit.store.memory import InMemoryStore

        yield InMemoryStore()
        return
    from roomkit_sql import PostgresStore, SQLiteStore

    if kind == "sqlite":
        sqlite = SQLiteStore(str(tmp_path / "rooms.db"))
        await sqlite.init()
        yield sqlite
        await sqlite.close()
        return
    if not await _pg_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI and not reachable at {PG_DSN}")
        pytest.skip(f"PostgreSQL not reachable at {PG_DSN} (set ROOMKIT_TEST_POSTGRES)")
    pg = PostgresStore(PG_DSN, schema=f"rk_{uuid.uuid4().hex[:12]}")
    await pg.init(min_size=2, max_size=10)
    yield pg
    await pg.drop_all()
    await pg.close()


def say(body: str, sender: str = "u", channel: str = "ws", **kw: object) -> InboundMessage:
    return InboundMessage(
        channel_id=channel, sender_id=sender, content=TextContent(body=body), **kw
    )


async def room_with_ws(
    store: ConversationStore, room_id: str = "r", **kit_kwargs: object
) -> tuple[RoomKit, list[RoomEvent]]:
    """A kit on ``store`` with one room and a WebSocket channel whose deliveries are kept."""
    kit = RoomKit(store=store, **kit_kwargs)
    ws = WebSocketChannel("ws")
    kit.register_channel(ws)
    inbox: list[RoomEvent] = []

    async def recv(_conn: str, event: RoomEvent) -> None:
        inbox.append(event)

    ws.register_connection("c", recv)
    await kit.create_room(room_id=room_id)
    await kit.attach_channel(room_id, "ws")
    return kit, inbox
