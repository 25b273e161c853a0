"""The PostgreSQL store's per-room snapshot cache: a change another process commits is never
missed, even when its NOTIFY has not arrived (the append is conditional on the room's version),
and a process's own hooks may still change the room they are running in."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from roomkit_sql import PostgresLockManager, PostgresStore

from roomkit import (
    HookResult,
    HookTrigger,
    InboundMessage,
    RoomClosedError,
    RoomEvent,
    RoomKit,
    TextContent,
    WebSocketChannel,
)
from roomkit.domain.outbox import OutboxState


def say(body: str) -> InboundMessage:
    return InboundMessage(channel_id="in", sender_id="u", content=TextContent(body=body))


def kit_on(dsn: str, schema: str, received: list[str]) -> RoomKit:
    store = PostgresStore(dsn, schema=schema)
    kit = RoomKit(store=store, lock_manager=PostgresLockManager(dsn, max_size=2, namespace=schema))
    inbound = WebSocketChannel("in")  # a connection of its own: messages are echoed to it

    async def echo(_conn: str, _event: RoomEvent) -> None:
        pass

    inbound.register_connection("echo", echo)
    kit.register_channel(inbound)
    out = WebSocketChannel("out")

    async def receive(_conn: str, event: RoomEvent) -> None:
        received.append(event.id)

    out.register_connection("c", receive)
    kit.register_channel(out)
    return kit


def count_reads(store: PostgresStore) -> list[str]:
    """The rooms ``store`` reads from the database from now on (its cache missing), in order."""
    reads: list[str] = []
    read = store._read_snapshot

    async def counted(room_id: str, event_limit: int):  # type: ignore[no-untyped-def]
        reads.append(room_id)
        return await read(room_id, event_limit)

    store._read_snapshot = counted  # type: ignore[method-assign]
    return reads


@pytest_asyncio.fixture
async def two_kits(pg_dsn: str) -> AsyncIterator[tuple[RoomKit, RoomKit, list[str]]]:
    """Two processes' worth of kits on one schema; ``a`` never hears NOTIFY (as if every
    notice were late); what ``a`` delivers to ``out`` is recorded."""
    schema = f"rc_{uuid.uuid4().hex[:10]}"
    received: list[str] = []
    a, b = kit_on(pg_dsn, schema, received), kit_on(pg_dsn, schema, [])
    store_a = a.store
    assert isinstance(store_a, PostgresStore)
    await store_a.init(min_size=1, max_size=2)
    await b.store.init(min_size=1, max_size=2)  # type: ignore[attr-defined]
    await store_a._listener.remove_listener(store_a.channel, store_a._on_change)
    await a.create_room(room_id="r")
    await a.attach_channel("r", "in")
    await a.attach_channel("r", "out")
    try:
        yield a, b, received
    finally:
        await a.close()
        await b.close()
        cleanup = PostgresStore(pg_dsn, schema=schema)
        await cleanup.drop_all()
        await cleanup.close()


async def test_a_detach_by_another_process_is_seen_without_its_notice(
    two_kits: tuple[RoomKit, RoomKit, list[str]],
) -> None:
    a, b, received = two_kits
    first = await a.process_inbound(say("one"), room_id="r")
    assert first.event is not None and received == [first.event.id]  # a's cache is warm now
    await b.detach_channel("r", "out")
    second = await a.process_inbound(say("two"), room_id="r")
    assert second.event is not None and second.event.index == 1
    assert received == [first.event.id]  # not delivered to the detached binding
    entries = await a.store.list_outbox(OutboxState.DELIVERED, limit=100)
    assert {e.channel_id for e in entries if e.event_id == second.event.id} == {"in"}


async def test_a_close_by_another_process_stores_nothing_more(
    two_kits: tuple[RoomKit, RoomKit, list[str]],
) -> None:
    a, b, _ = two_kits
    await a.process_inbound(say("one"), room_id="r")
    await b.close_room("r")
    with pytest.raises(RoomClosedError):
        await a.process_inbound(say("after close"), room_id="r")
    assert await a.store.get_event_count("r") == 1


async def test_messages_from_another_process_keep_the_context_exact(
    two_kits: tuple[RoomKit, RoomKit, list[str]],
) -> None:
    """b's appends move the room's count on: a's next append takes the next index under the
    room row's lock, sees that it skipped b's, and drops its cached snapshot; from then on a's
    context holds b's message (another process's messages reach a's cached context after a's
    next append, never later)."""
    a, b, _ = two_kits
    await a.process_inbound(say("a1"), room_id="r")
    await b.process_inbound(say("b1"), room_id="r")
    seen: list[list[int]] = []

    @a.hook(HookTrigger.BEFORE_BROADCAST)
    async def look(event, ctx):  # type: ignore[no-untyped-def]
        seen.append([e.index for e in ctx.recent_events])
        return HookResult.allow()

    result = await a.process_inbound(say("a2"), room_id="r")
    assert result.event is not None and result.event.index == 2
    events = await a.store.list_events("r", 0, 10)
    assert [e.index for e in events] == [0, 1, 2]
    await a.process_inbound(say("a3"), room_id="r")
    assert seen[-1] == [0, 1, 2]


async def test_a_hook_may_change_its_own_room_on_postgres(pg_store: PostgresStore) -> None:
    """Changes made under the room's lock by the message's own hooks stand as they did before
    the cache: the message is still stored (checked when the lock was taken)."""
    kit = RoomKit(store=pg_store)
    kit.register_channel(WebSocketChannel("in"))
    kit.register_channel(WebSocketChannel("out"))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "in")
    await kit.attach_channel("r", "out")

    @kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def goodbye(event, ctx):  # type: ignore[no-untyped-def]
        if event.content.body == "bye":
            await kit.detach_channel(ctx.room.id, "out")
            await kit.close_room(ctx.room.id)
        return HookResult.allow()

    result = await kit.process_inbound(say("bye"), room_id="r")
    assert result.event is not None and result.event.index == 0
    assert (await kit.get_room("r")).status == "closed"  # type: ignore[union-attr]
    with pytest.raises(RoomClosedError):
        await kit.process_inbound(say("after"), room_id="r")


async def test_delivery_outcomes_of_several_messages_are_settled_together(pg_dsn: str) -> None:
    """Within the settle window nothing is written; a read of the outbox waits for it all."""
    import asyncpg

    schema = f"sw_{uuid.uuid4().hex[:10]}"
    store = PostgresStore(pg_dsn, schema=schema, settle_window=3600.0)
    kit = RoomKit(store=store)
    kit.register_channel(WebSocketChannel("in"))
    out = WebSocketChannel("out")
    got: list[str] = []

    async def receive(_conn: str, event: RoomEvent) -> None:
        got.append(event.id)

    out.register_connection("c", receive)
    kit.register_channel(out)
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "in")
    await kit.attach_channel("r", "out")
    conn = await asyncpg.connect(pg_dsn, server_settings={"search_path": schema})
    try:
        for i in range(5):
            await kit.process_inbound(say(f"m{i}"), room_id="r")
        assert len(got) == 5
        assert await conn.fetchval("SELECT count(*) FROM event_outbox WHERE pending") == 5
        delivered = await store.list_outbox(OutboxState.DELIVERED, limit=100)
        assert {(e.event_id, e.channel_id) for e in delivered} == {
            (event_id, "out") for event_id in got
        }
        assert await conn.fetchval("SELECT count(*) FROM event_outbox WHERE pending") == 0
    finally:
        await conn.close()
        await store.drop_all()
        await kit.close()


async def test_appends_catch_up_with_another_process_without_reading_the_room(
    two_kits: tuple[RoomKit, RoomKit, list[str]],
) -> None:
    """Messages of two processes alternating in one room: each append brings the other's
    events into the cached snapshot, which matches a fresh read after every append."""
    a, b, _ = two_kits
    store = a.store
    assert isinstance(store, PostgresStore)
    reads = count_reads(store)
    await a.process_inbound(say("first"), room_id="r")
    await b.process_inbound(say("first of b"), room_id="r")
    for i in range(6):
        before = len(reads)
        await a.process_inbound(say(f"a{i}"), room_id="r")
        cached = await store.cached_room_snapshot("r", 10)
        assert len(reads) == before  # no read of the room, though b wrote since
        fresh = await b.store.get_room_snapshot("r", 10)
        assert cached is not None and fresh is not None
        assert [e.id for e in cached.recent_events] == [e.id for e in fresh.recent_events]
        assert cached.room.event_count == fresh.room.event_count == 2 * i + 3
        await b.process_inbound(say(f"b{i}"), room_id="r")


async def test_an_append_after_more_messages_than_the_context_holds_catches_up_too(
    two_kits: tuple[RoomKit, RoomKit, list[str]],
) -> None:
    """Another process stored more messages than a snapshot keeps: the append brings back only
    the newest of them (an index range, whatever the room's history) and the cache stays."""
    a, b, _ = two_kits
    store = a.store
    assert isinstance(store, PostgresStore)
    await a.process_inbound(say("first"), room_id="r")
    limit = store._cache["r"].limit
    for i in range(limit + 5):
        await b.process_inbound(say(f"b{i}"), room_id="r")
    reads = count_reads(store)
    await a.process_inbound(say("after"), room_id="r")
    cached = await store.cached_room_snapshot("r", limit)
    assert reads == []
    fresh = await b.store.get_room_snapshot("r", limit)
    assert cached is not None and fresh is not None
    assert [e.id for e in cached.recent_events] == [e.id for e in fresh.recent_events]
    assert cached.room.event_count == fresh.room.event_count == limit + 7
