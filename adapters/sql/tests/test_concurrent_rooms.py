"""The bench's concurrent-rooms scenario as a test, on PostgreSQL: two kits (two processes'
worth of store and room locks on one database) send into 20 rooms at once, and every index,
every delivery and every outbox entry is checked."""

from __future__ import annotations

import asyncio
import collections
import uuid
from typing import Any

from roomkit_sql import PostgresLockManager, PostgresStore

from roomkit import InboundMessage, RoomEvent, RoomKit, TextContent, WebSocketChannel
from roomkit.domain.outbox import OutboxState

ROOMS, PER_ROOM, RECEIVERS = 20, 15, 2


def message(room: str, i: int, kit_no: int) -> InboundMessage:
    # every 5th message arrives at both kits, as a webhook retried to another process would
    provider_id = f"{room}-dup-{i}" if i % 5 == 0 else f"{room}-k{kit_no}-{i}"
    return InboundMessage(
        channel_id="in",
        sender_id=f"user-{kit_no}",
        content=TextContent(body=f"{room}:{kit_no}:{i}"),
        provider_message_id=provider_id,
    )


async def test_twenty_rooms_at_once_keep_every_index_and_delivery(pg_dsn: str) -> None:
    schema = f"cr_{uuid.uuid4().hex[:10]}"
    rooms = [f"room-{r}" for r in range(ROOMS)]
    received: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    kits = []
    for _ in range(2):
        store = PostgresStore(pg_dsn, schema=schema)
        await store.init(min_size=1, max_size=6)
        kit = RoomKit(
            store=store, lock_manager=PostgresLockManager(pg_dsn, max_size=6, namespace=schema)
        )
        kit.register_channel(WebSocketChannel("in"))
        for n in range(RECEIVERS):
            ws = WebSocketChannel(f"out-{n}")

            async def receive(_conn: str, event: RoomEvent, name: str = f"out-{n}") -> None:
                received[(event.room_id, name)].append(event.id)

            ws.register_connection(f"c-{n}", receive)
            kit.register_channel(ws)
        kits.append(kit)
    try:
        for room in rooms:
            await kits[0].create_room(room_id=room)
            for channel_id in ("in", *(f"out-{n}" for n in range(RECEIVERS))):
                await kits[0].attach_channel(room, channel_id)

        async def one_room(kit_no: int, room: str) -> list[bool]:
            kit = kits[kit_no]
            return [
                (await kit.process_inbound(message(room, i, kit_no), room_id=room)).duplicate
                for i in range(PER_ROOM)
            ]

        outcomes = await asyncio.gather(*(one_room(k, room) for k in range(2) for room in rooms))
        duplicates = sum(sum(o) for o in outcomes)
        shared = len(range(0, PER_ROOM, 5))
        assert duplicates == shared * ROOMS  # each shared webhook stored once, the other a dup

        store = kits[0].store
        for room in rooms:
            events = await store.list_events(room, offset=0, limit=1000)
            messages = [e for e in events if e.source.channel_id == "in"]
            assert [e.index for e in events] == list(range(len(events)))
            assert len(messages) == 2 * PER_ROOM - shared
            assert len({e.provider_message_id for e in messages}) == len(messages)
            assert (await store.get_room(room)).event_count == len(events)  # type: ignore[union-attr]
            stored_ids = sorted(e.id for e in messages)
            for n in range(RECEIVERS):
                assert sorted(received[(room, f"out-{n}")]) == stored_ids
        assert await store.list_outbox(OutboxState.PENDING, limit=10_000) == []
        assert await store.list_outbox(OutboxState.DEAD, limit=10_000) == []
        delivered = await store.list_outbox(OutboxState.DELIVERED, limit=100_000)
        per_event = collections.Counter(e.event_id for e in delivered)
        total = ROOMS * (2 * PER_ROOM - shared)
        # each message: its receivers (the sending channel has no connection: no delivery)
        assert len(per_event) == total
        assert set(per_event.values()) == {RECEIVERS}
        assert {e.attempts for e in delivered} == {1}
    finally:
        for kit in kits:
            await kit.close()
        store = PostgresStore(pg_dsn, schema=schema)
        await store.drop_all()
        await store.close()


async def _indexed_bodies(
    store: PostgresStore, *bodies: str, metadata: dict[str, Any] | None = None
) -> list[tuple[int, object]]:
    """Room ``r`` (with ``metadata``) given ``bodies`` in turn: its timeline as (index, body)."""
    kit = RoomKit(store=store)
    kit.register_channel(WebSocketChannel("in"))
    await kit.create_room(room_id="r", metadata=metadata or {})
    await kit.attach_channel("r", "in")
    for body in bodies:
        await kit.process_inbound(
            InboundMessage(channel_id="in", sender_id="u", content=TextContent(body=body)),
            room_id="r",
        )
    timeline = await kit.get_timeline("r")
    return [(e.index, getattr(e.content, "body", None)) for e in timeline]


async def test_text_without_a_jsonb_form_is_stored_as_it_is(pg_store: PostgresStore) -> None:
    """A NUL character (\\u0000 in JSON) has no jsonb form: an event holding one is stored and
    read back unchanged, with the next index."""
    assert await _indexed_bodies(pg_store, "before", "nul \x00 inside", "after") == [
        (0, "before"),
        (1, "nul \x00 inside"),
        (2, "after"),
    ]
    assert (await pg_store.get_room("r")).event_count == 3  # type: ignore[union-attr]


async def test_a_room_whose_data_has_no_jsonb_form_keeps_its_indexes(
    pg_store: PostgresStore,
) -> None:
    """Room data with \\u0000 cannot be updated as jsonb: the append takes the transaction path,
    and room and events read back unchanged."""
    metadata = {"label": "nul \x00 here", "q": 'quote " \\'}
    bodies = ("one", 'two \x00 \u2028 "x"', "three")
    assert await _indexed_bodies(pg_store, *bodies, metadata=metadata) == [
        (0, "one"),
        (1, 'two \x00 \u2028 "x"'),
        (2, "three"),
    ]
    room = await pg_store.get_room("r")
    assert room is not None and room.event_count == 3
    assert room.metadata == {"label": "nul \x00 here", "q": 'quote " \\'}
