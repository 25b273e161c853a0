"""Schema 5 keeps an event's outbox entries in one row; a version-4 database (a row per target)
is converted by ``init``, every entry's state, attempts, error and times kept."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from roomkit_sql import PostgresStore, SQLiteStore
from roomkit_sql import schema as t
from roomkit_sql.store import SQLStore
from sqlalchemy import delete, func, insert, inspect, select

from roomkit import Room, RoomEvent, TextContent
from roomkit.domain.event import EventSource
from roomkit.domain.outbox import DeliverySettlement, OutboxState

EARLY = "2026-01-01T10:00:00+00:00"
LATER = "2026-01-01T10:05:00+00:00"
LEGACY_ROWS = [
    # event e1 went to two channels: one delivered at the second try, one a dead letter
    ("e1", "sms", "delivered", 2, None, EARLY, LATER),
    ("e1", "email", "dead", 3, "mailbox full", EARLY, LATER),
    # event e2's only target was still pending when the old version stopped
    ("e2", "ws", "pending", 0, None, LATER, LATER),
]


async def make_version_4(store: SQLStore) -> None:
    """Turn a fresh database into what RoomKit's schema 4 left: the outbox a row per target."""
    async with store._tx() as conn:
        await conn.run_sync(lambda sync: t.event_outbox.drop(sync))
        await conn.run_sync(lambda sync: t.legacy_outbox.create(sync))
        await conn.execute(
            insert(t.legacy_outbox),
            [
                dict(
                    zip(
                        (
                            "event_id",
                            "channel_id",
                            "state",
                            "attempts",
                            "last_error",
                            "created_at",
                            "updated_at",
                        ),
                        row,
                        strict=True,
                    ),
                    room_id="r",
                )
                for row in LEGACY_ROWS
            ],
        )
        await conn.execute(delete(t.schema_version))
        await conn.execute(insert(t.schema_version).values(version=4))


async def test_a_version_4_sqlite_outbox_becomes_a_row_per_event(tmp_path: Path) -> None:
    path = str(tmp_path / "v4.db")
    await converts_the_outbox(lambda: SQLiteStore(path))


async def test_a_version_4_postgres_outbox_becomes_a_row_per_event(pg_dsn: str) -> None:
    schema = f"mig_{uuid.uuid4().hex[:10]}"
    await converts_the_outbox(lambda: PostgresStore(pg_dsn, schema=schema))


async def converts_the_outbox(reopen: Callable[[], SQLStore]) -> None:
    old = reopen()
    await old.init()
    await make_version_4(old)
    await old.close()

    store = reopen()
    await store.init()
    dead = await store.list_outbox(OutboxState.DEAD)
    assert [(e.event_id, e.channel_id, e.attempts, e.last_error) for e in dead] == [
        ("e1", "email", 3, "mailbox full")
    ]
    assert dead[0].created_at == datetime.fromisoformat(EARLY)
    assert dead[0].updated_at == datetime.fromisoformat(LATER)
    delivered = await store.list_outbox(OutboxState.DELIVERED)
    assert [(e.event_id, e.channel_id, e.attempts) for e in delivered] == [("e1", "sms", 2)]
    pending = await store.list_outbox(OutboxState.PENDING)
    assert [(e.room_id, e.event_id, e.channel_id) for e in pending] == [("r", "e2", "ws")]

    # the converted rows settle like new ones: the dead letter sent again at last
    await store.mark_delivery("e1", "email", OutboxState.DELIVERED, 1)
    assert await store.list_outbox(OutboxState.DEAD) == []
    again = await store.list_outbox(OutboxState.DELIVERED)
    assert {(e.channel_id, e.attempts) for e in again} == {("sms", 2), ("email", 4)}

    engine = await store._eng()
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        version = await conn.scalar(select(func.max(t.schema_version.c.version)))
    try:
        assert "outbox" not in tables and "event_outbox" in tables
        assert version == t.SCHEMA_VERSION == 5
    finally:
        if isinstance(store, PostgresStore):
            await store.drop_all()
        await store.close()


async def test_outcomes_settled_by_another_process_are_not_written_over(pg_dsn: str) -> None:
    """The store that stored an event knows its outbox document and writes the next version
    without reading it, unless the row moved on meanwhile (another process settled one of its
    entries): then the outcomes are merged into what is stored."""
    schema = f"cas_{uuid.uuid4().hex[:10]}"
    store = PostgresStore(pg_dsn, schema=schema, settle_window=0)
    peer = PostgresStore(pg_dsn, schema=schema, settle_window=0)
    try:
        await store.init()
        await peer.init()
        await store.create_room(Room(id="r"))
        event = await store.add_event(
            RoomEvent(
                room_id="r",
                source=EventSource(channel_id="in", channel_type="websocket"),
                content=TextContent(body="hello"),
            ),
            ["a", "b", "c"],
        )
        await store.mark_deliveries(event.id, [DeliverySettlement("b", OutboxState.DELIVERED, 1)])
        await peer.mark_delivery(event.id, "a", OutboxState.DEAD, 2, "refused")
        await store.mark_deliveries(event.id, [DeliverySettlement("c", OutboxState.DELIVERED, 1)])
        assert await store.list_outbox(OutboxState.PENDING) == []
        dead = await store.list_outbox(OutboxState.DEAD)
        assert [(e.channel_id, e.attempts, e.last_error) for e in dead] == [("a", 2, "refused")]
        await store.mark_delivery(event.id, "a", OutboxState.DELIVERED, 1)
        delivered = await peer.list_outbox(OutboxState.DELIVERED)
        assert [(e.channel_id, e.attempts, e.last_error) for e in delivered] == [
            ("a", 3, None),
            ("b", 1, None),
            ("c", 1, None),
        ]
    finally:
        await store.drop_all()
        await store.close()
        await peer.close()
