"""ConversationStoreContract: what every ConversationStore must do."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from roomkit.domain.channel import ChannelBinding
from roomkit.domain.content import TextContent
from roomkit.domain.delivery import DeliveryResult, DeliveryStatus
from roomkit.domain.enums import (
    ChannelType,
    DeliveryState,
    EventStatus,
    ParticipantRole,
    RoomStatus,
)
from roomkit.domain.event import EventSource, RoomEvent
from roomkit.domain.fallback import FallbackPolicy, FallbackState, PendingFallback
from roomkit.domain.identity import Identity
from roomkit.domain.outbox import DeliverySettlement, OutboxEntry, OutboxState
from roomkit.domain.participant import Participant
from roomkit.domain.room import Room
from roomkit.domain.tasks import Observation, Task
from roomkit.ports.store import ConversationStore, StaleSnapshotError
from roomkit_contracts.base import ContractSuite, missing_adapter, scenario_helper


class ConversationStoreContract(ContractSuite, port=ConversationStore, adapter_fixture="store"):
    """Subclass it and override the ``store`` fixture to return a fresh, empty store."""

    @pytest.fixture
    def store(self) -> ConversationStore:
        """A fresh, empty ConversationStore (must be overridden)."""
        missing_adapter("store", "ConversationStore")

    # capabilities (may be overridden) --------------------------------------------------------
    @property
    def concurrent_appends(self) -> int:
        """How many ``add_event`` calls the concurrency test runs at once on one room."""
        return 200

    @property
    def timeout(self) -> float:
        """Seconds one test may spend on a batch of store calls before it counts as hung."""
        return 30.0

    # scenario helpers (never overridden) -----------------------------------------------------
    @staticmethod
    @scenario_helper
    def event(room_id: str, body: str = "hi", **fields: Any) -> RoomEvent:
        """A text message event for ``room_id`` (extra RoomEvent fields as keywords)."""
        return RoomEvent(
            room_id=room_id,
            source=EventSource(channel_id="ws", channel_type=ChannelType.WEBSOCKET),
            content=TextContent(body=body),
            **fields,
        )

    @staticmethod
    @scenario_helper
    def body(event: RoomEvent) -> str:
        """The text of an event made by :meth:`event`."""
        assert isinstance(event.content, TextContent), f"content changed type: {event.content!r}"
        return event.content.body

    @scenario_helper
    async def room(self, store: ConversationStore, room_id: str = "room-1") -> Room:
        """Create and return an empty room."""
        return await store.create_room(Room(id=room_id))

    @scenario_helper
    async def fill(self, store: ConversationStore, room_id: str, count: int) -> list[RoomEvent]:
        """Append ``count`` events with bodies m0, m1, ... one after the other."""
        return [await store.add_event(self.event(room_id, f"m{i}")) for i in range(count)]

    @scenario_helper
    async def within_timeout[T](self, awaitable: Awaitable[T]) -> T:
        """Await ``awaitable``, failing the test instead of hanging past :attr:`timeout`."""
        async with asyncio.timeout(self.timeout):
            return await awaitable

    @staticmethod
    @scenario_helper
    def binding(room_id: str, channel_id: str = "ws") -> ChannelBinding:
        """A websocket binding of ``channel_id`` to ``room_id``."""
        return ChannelBinding(
            room_id=room_id, channel_id=channel_id, channel_type=ChannelType.WEBSOCKET
        )

    # the adapter -----------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_adapter_implements_the_port(self, store: ConversationStore) -> None:
        """The fixture returns a ConversationStore.

        If this fails, subclass roomkit.ports.store.ConversationStore (RoomKit checks it).
        """
        assert isinstance(store, ConversationStore), f"{type(store)!r} is no ConversationStore"

    # rooms -----------------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_create_and_get_room(self, store: ConversationStore) -> None:
        """get_room returns the room create_room stored, fields intact.

        If this fails, check that every Room field is persisted and read back.
        """
        created = await store.create_room(
            Room(id="r", organization_id="org", metadata={"topic": "billing", "n": 1})
        )
        assert created.id == "r"
        fetched = await store.get_room("r")
        assert fetched is not None, "get_room did not find the room just created"
        assert fetched.organization_id == "org"
        assert fetched.metadata == {"topic": "billing", "n": 1}
        assert fetched.status is RoomStatus.ACTIVE
        assert fetched.event_count == 0 and fetched.latest_index == -1

    @pytest.mark.asyncio
    async def test_unknown_room_is_none(self, store: ConversationStore) -> None:
        """get_room of an id never created is None.

        If this fails, get_room must return None (not raise) for a missing room.
        """
        assert await store.get_room("no-such-room") is None

    @pytest.mark.asyncio
    async def test_duplicate_room_id_is_rejected(self, store: ConversationStore) -> None:
        """A second create_room with the same id raises ValueError and keeps the first room.

        If this fails, create_room silently overwrote a room: raise ValueError when the id exists.
        """
        await store.create_room(Room(id="r", metadata={"first": True}))
        with pytest.raises(ValueError):
            await store.create_room(Room(id="r", metadata={"first": False}))
        kept = await store.get_room("r")
        assert kept is not None and kept.metadata == {"first": True}

    @pytest.mark.asyncio
    async def test_update_room(self, store: ConversationStore) -> None:
        """update_room replaces the stored room.

        If this fails, update_room did not persist status or metadata changes.
        """
        room = await self.room(store, "r")
        await store.update_room(
            room.model_copy(update={"status": RoomStatus.PAUSED, "metadata": {"k": "v"}})
        )
        updated = await store.get_room("r")
        assert updated is not None
        assert updated.status is RoomStatus.PAUSED and updated.metadata == {"k": "v"}

    @pytest.mark.asyncio
    async def test_update_room_keeps_the_counters_of_later_appends(
        self, store: ConversationStore
    ) -> None:
        """update_room with a copy of the room read before some appends changes what the copy
        changed and leaves the counters as the appends left them; it returns the room as stored.

        If this fails, writing back a room read earlier (a status change, conversation state
        saved after an AI call) sets its counters back: the room claims fewer events than its
        timeline holds.
        """
        read_before = await self.room(store, "r")
        await self.fill(store, "r", 3)
        appended = await store.get_room("r")
        assert appended is not None
        returned = await store.update_room(read_before.model_copy(update={"metadata": {"k": "v"}}))
        after = await store.get_room("r")
        for room in (returned, after):
            assert room is not None and room.metadata == {"k": "v"}
            assert (room.event_count, room.latest_index) == (3, 2)
            assert room.last_activity_at == appended.last_activity_at

    @pytest.mark.asyncio
    async def test_delete_room(self, store: ConversationStore) -> None:
        """delete_room removes the room: True the first time, False after.

        If this fails, delete_room must report whether the room existed and then forget it.
        """
        await self.room(store, "r")
        assert await store.delete_room("r") is True
        assert await store.get_room("r") is None
        assert await store.delete_room("r") is False
        assert await store.delete_room("never-existed") is False

    @pytest.mark.asyncio
    async def test_deleted_room_id_can_be_reused_from_scratch(
        self, store: ConversationStore
    ) -> None:
        """A room created again under a deleted id starts empty: indexes, counters, reads.

        If this fails, delete_room left timeline, participants, bindings or read positions behind.
        """
        await self.room(store, "r")
        await self.fill(store, "r", 5)
        await store.add_participant(Participant(id="p", room_id="r", channel_id="sms"))
        await store.add_binding(self.binding("r"))
        await store.mark_all_read("r", "ws")
        assert await store.delete_room("r") is True
        await self.room(store, "r")
        first = await store.add_event(self.event("r"))
        assert first.index == 0, f"first event of the new room got index {first.index}"
        assert await store.get_event_count("r") == 1
        assert [self.body(e) for e in await store.list_events("r")] == ["hi"]
        assert await store.list_participants("r") == []
        assert await store.list_bindings("r") == []
        assert await store.get_unread_count("r", "ws") == 1, "read position of the old room kept"

    @pytest.mark.asyncio
    async def test_list_rooms_filters_and_pages(self, store: ConversationStore) -> None:
        """list_rooms filters by status and pages with offset/limit.

        If this fails, list_rooms ignores status, offset or limit, or repeats rooms across pages.
        """
        for i in range(5):
            await self.room(store, f"r{i}")
        for room_id in ("r1", "r3"):
            room = await store.get_room(room_id)
            assert room is not None
            await store.update_room(room.model_copy(update={"status": RoomStatus.CLOSED}))
        assert {r.id for r in await store.list_rooms()} == {f"r{i}" for i in range(5)}
        closed = await store.list_rooms(status=RoomStatus.CLOSED)
        assert sorted(r.id for r in closed) == ["r1", "r3"]
        pages = [await store.list_rooms(offset=o, limit=2) for o in (0, 2, 4)]
        assert [len(p) for p in pages] == [2, 2, 1]
        assert sorted(r.id for page in pages for r in page) == [f"r{i}" for i in range(5)]
        assert await store.list_rooms(offset=5, limit=2) == []

    # events ----------------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_add_event_assigns_indexes_in_order(self, store: ConversationStore) -> None:
        """add_event assigns index 0, 1, 2, ... itself, whatever index the event carried.

        If this fails, add_event must set index = number of events already in the room.
        """
        await self.room(store)
        stored = [await store.add_event(self.event("room-1", f"m{i}", index=99)) for i in range(5)]
        assert [e.index for e in stored] == [0, 1, 2, 3, 4]

    @pytest.mark.asyncio
    async def test_add_event_returns_what_get_event_reads(self, store: ConversationStore) -> None:
        """The event add_event returns is the one get_event reads back, content intact.

        If this fails, the stored event lost fields or get_event does not look events up by id.
        """
        await self.room(store)
        stored = await store.add_event(
            self.event("room-1", "hello", metadata={"k": [1, 2]}, correlation_id="c-1")
        )
        fetched = await store.get_event(stored.id)
        assert fetched is not None, "get_event did not find the event just added"
        assert fetched.id == stored.id and fetched.index == stored.index == 0
        assert fetched.room_id == "room-1" and self.body(fetched) == "hello"
        assert fetched.metadata == {"k": [1, 2]} and fetched.correlation_id == "c-1"
        assert await store.get_event("no-such-event") is None

    @pytest.mark.asyncio
    async def test_events_no_store_could_read_back_are_refused_before_storing(
        self, store: ConversationStore
    ) -> None:
        """add_event refuses, with InvalidEventError and nothing stored, what every store must
        refuse alike: content nested deeper than MAX_CONTENT_DEPTH, ids over their documented
        length, NUL in ids, lone surrogates anywhere. The room stays readable.

        If this fails, call ``roomkit.domain.validation.check_event(event)`` first in add_event
        and update_event (and ``check_id(room.id, "room id")`` in create_room).
        """
        from roomkit.domain.content import MAX_CONTENT_DEPTH, EditContent
        from roomkit.domain.errors import InvalidEventError
        from roomkit.domain.validation import MAX_EXTERNAL_ID_LENGTH

        await self.room(store)
        deep: Any = TextContent(body="x")
        for i in range(MAX_CONTENT_DEPTH + 2):
            deep = EditContent.model_construct(
                type="edit", target_event_id=f"e{i}", new_content=deep, edit_source=None
            )
        bad_events = [
            self.event("room-1").model_copy(update={"content": deep}),
            self.event("room-1").model_copy(update={"content": None}),
            self.event("room-1", provider_message_id="p" * (MAX_EXTERNAL_ID_LENGTH + 1)),
            self.event("room-1", provider_message_id="p\x00"),
            self.event("room-1", "lone \ud800 surrogate"),
            self.event("room-1", metadata={"k": "\udfff"}),
        ]
        for bad in bad_events:
            with pytest.raises(InvalidEventError):
                await store.add_event(bad)
        assert await store.list_events("room-1") == []
        for bad_id in ("", "r" * 201, "a\x00b", "a\ud800"):
            with pytest.raises(InvalidEventError):
                await store.create_room(Room(id=bad_id))
        stored = await store.add_event(self.event("room-1", "nul\x00 and \U0001f600 kept"))
        fetched = await store.get_event(stored.id)
        assert fetched is not None and self.body(fetched) == "nul\x00 and \U0001f600 kept"

    @pytest.mark.asyncio
    async def test_room_counters_follow_the_timeline(self, store: ConversationStore) -> None:
        """Each add_event moves the room's event_count and latest_index and get_event_count.

        If this fails, add_event must update the room's counters in the same write.
        """
        await self.room(store)
        assert await store.get_event_count("room-1") == 0
        for i in range(3):
            await store.add_event(self.event("room-1"))
            room = await store.get_room("room-1")
            assert room is not None
            assert (room.event_count, room.latest_index) == (i + 1, i)
            assert await store.get_event_count("room-1") == i + 1

    @pytest.mark.asyncio
    async def test_indexes_are_independent_across_rooms(self, store: ConversationStore) -> None:
        """Each room has its own counter, even when appends interleave.

        If this fails, the index counter is shared between rooms: key it by room_id.
        """
        await self.room(store, "a")
        await self.room(store, "b")
        got: dict[str, list[int]] = {"a": [], "b": []}
        for room_id in ("a", "a", "b", "a", "b", "b", "b"):
            got[room_id].append((await store.add_event(self.event(room_id))).index)
        assert got == {"a": [0, 1, 2], "b": [0, 1, 2, 3]}

    @pytest.mark.asyncio
    async def test_concurrent_appends_are_gap_free_and_unique(
        self, store: ConversationStore
    ) -> None:
        """Appends racing on one room (asyncio.gather) still get 0..n-1, each index once.

        If this fails, index assignment races: make read-count-then-insert one atomic step.
        """
        await self.room(store)
        n = self.concurrent_appends
        stored = await self.within_timeout(
            asyncio.gather(*(store.add_event(self.event("room-1", f"m{i}")) for i in range(n)))
        )
        assert sorted(e.index for e in stored) == list(range(n)), "indexes not 0..n-1 once each"
        listed = await store.list_events("room-1", offset=0, limit=n + 10)
        assert [e.index for e in listed] == list(range(n))
        assert {e.id for e in listed} == {e.id for e in stored}
        assert await store.get_event_count("room-1") == n
        room = await store.get_room("room-1")
        assert room is not None and (room.event_count, room.latest_index) == (n, n - 1)

    @pytest.mark.asyncio
    async def test_concurrent_appends_to_two_rooms(self, store: ConversationStore) -> None:
        """Appends racing on two rooms keep each room's indexes gap-free and unique.

        If this fails, a lock or counter is shared across rooms, or one room's write lost another's.
        """
        await self.room(store, "a")
        await self.room(store, "b")
        n = self.concurrent_appends // 2
        calls = [store.add_event(self.event("ab"[i % 2])) for i in range(2 * n)]
        stored = await self.within_timeout(asyncio.gather(*calls))
        for room_id in ("a", "b"):
            indexes = sorted(e.index for e in stored if e.room_id == room_id)
            assert indexes == list(range(n)), f"room {room_id}: indexes {indexes[:10]}..."
            assert await store.get_event_count(room_id) == n

    @pytest.mark.asyncio
    async def test_list_events_pages_in_index_order(self, store: ConversationStore) -> None:
        """list_events returns offset <= index < offset + limit, oldest first.

        If this fails, list_events must page by index (not by time or id) and sort ascending.
        """
        await self.room(store)
        await self.fill(store, "room-1", 12)
        page = await store.list_events("room-1", offset=5, limit=4)
        assert [e.index for e in page] == [5, 6, 7, 8]
        assert [self.body(e) for e in page] == ["m5", "m6", "m7", "m8"]
        assert [e.index for e in await store.list_events("room-1")] == list(range(12))
        assert [e.index for e in await store.list_events("room-1", offset=10, limit=50)] == [
            10,
            11,
        ]

    @pytest.mark.asyncio
    async def test_list_events_past_the_end_is_empty(self, store: ConversationStore) -> None:
        """Paging past the last event, or in an unknown room, gives an empty list.

        If this fails, list_events raised or returned events outside the requested window.
        """
        await self.room(store)
        await self.fill(store, "room-1", 3)
        assert await store.list_events("room-1", offset=3, limit=10) == []
        assert await store.list_events("room-1", offset=100, limit=10) == []
        assert await store.list_events("no-such-room") == []

    @pytest.mark.asyncio
    async def test_list_recent_events_is_newest_n_oldest_first(
        self, store: ConversationStore
    ) -> None:
        """list_recent_events(limit=n) is the newest n events, oldest of them first.

        If this fails, take the last n by index and return them in ascending index order.
        """
        await self.room(store)
        await self.fill(store, "room-1", 10)
        recent = await store.list_recent_events("room-1", limit=3)
        assert [e.index for e in recent] == [7, 8, 9]
        everything = await store.list_recent_events("room-1", limit=50)
        assert [e.index for e in everything] == list(range(10))
        assert await store.list_recent_events("no-such-room", limit=3) == []

    @pytest.mark.asyncio
    async def test_room_snapshot_is_what_the_single_reads_return(
        self, store: ConversationStore
    ) -> None:
        """get_room_snapshot(room, n) holds the room, its bindings, its participants and its
        newest n events, exactly as get_room, list_bindings, list_participants and
        list_recent_events return them; an unknown room is None.

        If this fails, build the snapshot from the same queries (one round trip where you can):
        a room's context is loaded from it for every message.
        """
        await self.room(store)
        await store.add_binding(self.binding("room-1", "ws"))
        await store.add_binding(self.binding("room-1", "sms"))
        await store.add_participant(
            Participant(room_id="room-1", id="p1", channel_id="ws", external_id="u1")
        )
        await self.fill(store, "room-1", 6)
        snapshot = await self.within_timeout(store.get_room_snapshot("room-1", 4))
        assert snapshot is not None
        assert snapshot.room == await store.get_room("room-1")
        assert snapshot.room.event_count == 6
        assert snapshot.bindings == await store.list_bindings("room-1")
        assert snapshot.participants == await store.list_participants("room-1")
        assert snapshot.recent_events == await store.list_recent_events("room-1", 4)
        empty = await store.get_room_snapshot("room-1", 0)
        assert empty is not None and empty.recent_events == []
        assert await store.get_room_snapshot("no-such-room", 4) is None

    @pytest.mark.asyncio
    async def test_the_cached_snapshot_follows_every_change_of_the_room(
        self, store: ConversationStore
    ) -> None:
        """cached_room_snapshot shows at once every change made through this store: the room,
        bindings added, updated and removed, participants added and updated, events appended
        and updated.

        If this fails, drop a kept snapshot whenever the room, its bindings, its participants
        or its events change: the pipeline checks a message against it and hands it to hooks.
        """

        async def cached() -> Any:
            snapshot = await self.within_timeout(store.cached_room_snapshot("room-1", 3))
            assert snapshot is not None
            return snapshot

        await self.room(store)
        await store.add_binding(self.binding("room-1", "ws"))
        assert [b.channel_id for b in (await cached()).bindings] == ["ws"]
        await store.add_binding(self.binding("room-1", "sms"))
        assert sorted(b.channel_id for b in (await cached()).bindings) == ["sms", "ws"]
        sms = await store.get_binding("room-1", "sms")
        assert sms is not None
        await store.update_binding(sms.model_copy(update={"metadata": {"to": "+15145550100"}}))
        assert [b.metadata for b in (await cached()).bindings if b.channel_id == "sms"] == [
            {"to": "+15145550100"}
        ]
        await store.remove_binding("room-1", "sms")
        assert [b.channel_id for b in (await cached()).bindings] == ["ws"]
        await store.add_participant(Participant(room_id="room-1", id="p1"))
        assert [p.id for p in (await cached()).participants] == ["p1"]
        p1 = await store.get_participant("room-1", "p1")
        assert p1 is not None
        await store.update_participant(p1.model_copy(update={"display_name": "Ann"}))
        assert [p.display_name for p in (await cached()).participants] == ["Ann"]
        stored = await store.add_event(self.event("room-1", "one"))
        after = await cached()
        assert [e.id for e in after.recent_events] == [stored.id]
        assert after.room.event_count == 1
        await store.update_event(stored.model_copy(update={"metadata": {"edited": True}}))
        assert (await cached()).recent_events[0].metadata == {"edited": True}
        await store.update_room(after.room.model_copy(update={"metadata": {"k": "v"}}))
        assert (await cached()).room.metadata == {"k": "v"}

    @pytest.mark.asyncio
    async def test_an_append_on_a_stale_snapshot_version_is_refused(
        self, store: ConversationStore
    ) -> None:
        """(Stores whose snapshots carry a ``version``) the version changes with the room's
        bindings, participants and status, not with appends; ``add_event(..., version=v)``
        appends on the current version and refuses an older one with StaleSnapshotError,
        storing nothing. ``cached_room_snapshot`` returns the same room as a fresh one here.

        If this fails, make the version a token of what the snapshot shows and compare it in
        the append's own transaction: the pipeline checks a room (maybe from a cache) before
        its lock-held append and relies on the append to catch a change made since.
        """
        await self.room(store)
        await store.add_binding(self.binding("room-1", "ws"))
        first = await store.get_room_snapshot("room-1", 2)
        assert first is not None
        if first.version is None:
            pytest.skip("this store's snapshots carry no version")
        cached = await store.cached_room_snapshot("room-1", 2)
        assert cached is not None and cached.version == first.version
        assert cached.bindings == first.bindings
        add: Any = store.add_event  # takes version= only on stores that version
        stored = await add(self.event("room-1", "on time"), version=first.version)
        assert stored.index == 0
        assert (await add(self.event("room-1", "next"), version=first.version)).index == 1
        second = await store.get_room_snapshot("room-1", 2)
        assert second is not None and second.version == first.version
        await store.update_room(second.room.model_copy(update={"metadata": {"k": "v"}}))
        with pytest.raises(StaleSnapshotError):  # the room changed
            await add(self.event("room-1", "late"), version=first.version)
        second = await store.get_room_snapshot("room-1", 2)
        assert second is not None and second.version != first.version
        await store.add_binding(self.binding("room-1", "sms"))
        third = await store.get_room_snapshot("room-1", 2)
        assert third is not None and third.version not in (first.version, second.version)
        with pytest.raises(StaleSnapshotError):  # a binding changed
            await add(self.event("room-1", "stale"), version=second.version)
        await store.add_participant(Participant(room_id="room-1", id="p1"))
        with pytest.raises(StaleSnapshotError):  # a participant joined
            await add(self.event("room-1", "stale"), version=third.version)
        assert await store.get_event_count("room-1") == 2
        fourth = await store.cached_room_snapshot("room-1", 2)
        assert fourth is not None and [p.id for p in fourth.participants] == ["p1"]
        assert (await add(self.event("room-1", "fresh"), version=fourth.version)).index == 2

    @pytest.mark.asyncio
    async def test_outbox_entries_settle_together(self, store: ConversationStore) -> None:
        """(Durable stores) mark_deliveries settles several targets of one event at once:
        each entry gets its state, its attempts added and its error; the others stay pending.

        If this fails, update each (event_id, channel_id) entry named in the outcomes, and
        only those: an entry left pending is delivered again by recovery.
        """
        if not store.supports_outbox:
            pytest.skip("the store keeps no outbox (supports_outbox is False)")
        await self.room(store)
        event = await store.add_event(self.event("room-1"), ["a", "b", "c"])
        await self.within_timeout(
            store.mark_deliveries(
                event.id,
                [
                    DeliverySettlement("a", OutboxState.DELIVERED, 1),
                    DeliverySettlement("b", OutboxState.DEAD, 3, "provider down"),
                ],
            )
        )
        await store.mark_deliveries(event.id, [])
        pending = await store.list_outbox(OutboxState.PENDING, room_id="room-1")
        delivered = await store.list_outbox(OutboxState.DELIVERED, room_id="room-1")
        dead = await store.list_outbox(OutboxState.DEAD, room_id="room-1")
        assert [(e.event_id, e.channel_id) for e in pending] == [(event.id, "c")]
        assert [(e.channel_id, e.attempts, e.last_error) for e in delivered] == [("a", 1, None)]
        assert [(e.channel_id, e.attempts, e.last_error) for e in dead] == [
            ("b", 3, "provider down")
        ]

    @pytest.mark.asyncio
    async def test_find_event_by_provider_message_id(self, store: ConversationStore) -> None:
        """The idempotency lookup finds the event by provider id, only in its own room.

        If this fails, index provider_message_id per room: a redelivered message would be stored
        twice.
        """
        await self.room(store, "a")
        await self.room(store, "b")
        await store.add_event(self.event("a", "other"))
        stored = await store.add_event(self.event("a", provider_message_id="SM1"))
        found = await store.find_event_by_provider_message_id("a", "SM1")
        assert found is not None and found.id == stored.id and found.index == 1
        assert await store.find_event_by_provider_message_id("b", "SM1") is None
        assert await store.find_event_by_provider_message_id("a", "SM2") is None

    @pytest.mark.asyncio
    async def test_update_event_keeps_its_index(self, store: ConversationStore) -> None:
        """update_event changes an event in place: same index, even if the update says otherwise.

        If this fails, update_event moved the event in the timeline or did not persist the change.
        """
        await self.room(store)
        await self.fill(store, "room-1", 3)
        [second] = await store.list_events("room-1", offset=1, limit=1)
        await store.update_event(
            second.model_copy(update={"status": EventStatus.FAILED, "index": 42})
        )
        fetched = await store.get_event(second.id)
        assert fetched is not None and fetched.index == 1, "update_event moved the event"
        assert fetched.status is EventStatus.FAILED
        listed = await store.list_events("room-1")
        assert [e.index for e in listed] == [0, 1, 2]
        assert listed[1].id == second.id and listed[1].status is EventStatus.FAILED
        assert await store.get_event_count("room-1") == 3

    # participants ----------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_participants_add_get_list(self, store: ConversationStore) -> None:
        """Participants are stored per room and read back by id and by listing.

        If this fails, add_participant/get_participant/list_participants lose or mix up rooms.
        """
        await self.room(store, "a")
        await self.room(store, "b")
        alice = await store.add_participant(
            Participant(id="p1", room_id="a", channel_id="sms", external_id="+1555")
        )
        await store.add_participant(Participant(id="p2", room_id="a", channel_id="ws"))
        await store.add_participant(Participant(id="p3", room_id="b", channel_id="ws"))
        assert await store.get_participant("a", "p1") == alice
        assert await store.get_participant("b", "p1") is None
        assert await store.get_participant("a", "nobody") is None
        assert {p.id for p in await store.list_participants("a")} == {"p1", "p2"}
        assert [p.id for p in await store.list_participants("b")] == ["p3"]
        assert await store.list_participants("no-such-room") == []

    @pytest.mark.asyncio
    async def test_update_participant(self, store: ConversationStore) -> None:
        """update_participant replaces the stored participant.

        If this fails, update_participant did not persist the new fields.
        """
        await self.room(store)
        alice = await store.add_participant(
            Participant(id="p1", room_id="room-1", channel_id="sms", external_id="+1555")
        )
        await store.update_participant(
            alice.model_copy(update={"display_name": "Alice", "role": ParticipantRole.OWNER})
        )
        updated = await store.get_participant("room-1", "p1")
        assert updated is not None
        assert updated.display_name == "Alice" and updated.role is ParticipantRole.OWNER
        assert [p.display_name for p in await store.list_participants("room-1")] == ["Alice"]

    @pytest.mark.asyncio
    async def test_find_participant_by_channel_address(self, store: ConversationStore) -> None:
        """find_participant looks up (room, channel_id, external_id), nothing broader.

        If this fails, the lookup ignores the room or the channel of the address.
        """
        await self.room(store, "a")
        await self.room(store, "b")
        alice = await store.add_participant(
            Participant(id="p1", room_id="a", channel_id="sms", external_id="+1555")
        )
        assert await store.find_participant("a", "sms", "+1555") == alice
        assert await store.find_participant("a", "whatsapp", "+1555") is None
        assert await store.find_participant("a", "sms", "+1666") is None
        assert await store.find_participant("b", "sms", "+1555") is None

    @pytest.mark.asyncio
    async def test_find_participant_follows_an_address_change(
        self, store: ConversationStore
    ) -> None:
        """After update_participant changes the address, only the new address finds them.

        If this fails, the address index keeps the old (channel_id, external_id) entry.
        """
        await self.room(store)
        alice = await store.add_participant(
            Participant(id="p1", room_id="room-1", channel_id="sms", external_id="+1555")
        )
        await store.update_participant(alice.model_copy(update={"external_id": "+1777"}))
        found = await store.find_participant("room-1", "sms", "+1777")
        assert found is not None and found.id == "p1"
        stale = await store.find_participant("room-1", "sms", "+1555")
        assert stale is None, f"old address still finds {stale!r}"

    # bindings --------------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_bindings_add_get_update_list(self, store: ConversationStore) -> None:
        """Bindings are stored per (room, channel) and updated in place.

        If this fails, add_binding/get_binding/update_binding/list_bindings lose fields or rooms.
        """
        await self.room(store, "a")
        await self.room(store, "b")
        await store.add_binding(self.binding("a", "ws"))
        await store.add_binding(self.binding("a", "sms"))
        await store.add_binding(self.binding("b", "ws"))
        binding = await store.get_binding("a", "ws")
        assert binding is not None and binding.channel_type is ChannelType.WEBSOCKET
        assert await store.get_binding("a", "email") is None
        await store.update_binding(binding.model_copy(update={"muted": True, "metadata": {"x": 1}}))
        updated = await store.get_binding("a", "ws")
        assert updated is not None and updated.muted and updated.metadata == {"x": 1}
        other = await store.get_binding("b", "ws")
        assert other is not None and not other.muted, "update_binding touched another room"
        assert {b.channel_id for b in await store.list_bindings("a")} == {"ws", "sms"}
        assert await store.list_bindings("no-such-room") == []

    @pytest.mark.asyncio
    async def test_remove_binding(self, store: ConversationStore) -> None:
        """remove_binding detaches one channel from one room: True once, then False.

        If this fails, remove_binding must report whether the binding existed and then drop it.
        """
        await self.room(store)
        await store.add_binding(self.binding("room-1", "ws"))
        await store.add_binding(self.binding("room-1", "sms"))
        assert await store.remove_binding("room-1", "ws") is True
        assert await store.get_binding("room-1", "ws") is None
        assert [b.channel_id for b in await store.list_bindings("room-1")] == ["sms"]
        assert await store.remove_binding("room-1", "ws") is False
        assert await store.remove_binding("room-1", "never-bound") is False

    @pytest.mark.asyncio
    async def test_list_bindings_for_channel(self, store: ConversationStore) -> None:
        """list_bindings_for_channel lists every room a channel is bound to, current state.

        If this fails, the per-channel view is not kept in step with add/update/remove_binding.
        """
        for room_id in ("a", "b", "c"):
            await self.room(store, room_id)
            await store.add_binding(self.binding(room_id, "ws"))
        await store.add_binding(self.binding("a", "sms"))
        assert {b.room_id for b in await store.list_bindings_for_channel("ws")} == {"a", "b", "c"}
        binding = await store.get_binding("b", "ws")
        assert binding is not None
        await store.update_binding(binding.model_copy(update={"muted": True}))
        await store.remove_binding("c", "ws")
        for_ws = {b.room_id: b for b in await store.list_bindings_for_channel("ws")}
        assert set(for_ws) == {"a", "b"} and for_ws["b"].muted
        assert [b.room_id for b in await store.list_bindings_for_channel("sms")] == ["a"]
        assert await store.list_bindings_for_channel("never-bound") == []

    # identities ------------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_identities_add_get(self, store: ConversationStore) -> None:
        """add_identity stores an identity that get_identity reads back.

        If this fails, identities (and their channel_addresses) are not persisted.
        """
        identity = Identity(
            id="u1", display_name="Ann", channel_addresses={"sms": ["+1555"]}, metadata={"vip": 1}
        )
        await store.add_identity(identity)
        assert await store.get_identity("u1") == identity
        assert await store.get_identity("nobody") is None

    @pytest.mark.asyncio
    async def test_resolve_identity_by_channel_type_and_address(
        self, store: ConversationStore
    ) -> None:
        """resolve_identity finds the identity holding an address under that channel type.

        If this fails, look the address up in channel_addresses[channel_type], not elsewhere.
        """
        ann = Identity(
            id="u1", channel_addresses={"sms": ["+1555", "+1556"], "email": ["ann@example.com"]}
        )
        bob = Identity(id="u2", channel_addresses={"sms": ["+1666"]})
        await store.add_identity(ann)
        await store.add_identity(bob)
        for channel_type, address, expected in [
            ("sms", "+1555", "u1"),
            ("sms", "+1556", "u1"),
            ("email", "ann@example.com", "u1"),
            ("sms", "+1666", "u2"),
        ]:
            found = await store.resolve_identity(channel_type, address)
            assert found is not None and found.id == expected, (channel_type, address, found)
        assert await store.resolve_identity(ChannelType.SMS, "+1666") == bob
        assert await store.resolve_identity("email", "+1555") is None
        assert await store.resolve_identity("sms", "+1999") is None

    # tasks and observations ------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_tasks_are_kept_per_room(self, store: ConversationStore) -> None:
        """add_task/list_tasks keep every task of a room and only that room's.

        If this fails, tasks are lost, duplicated or listed under the wrong room.
        """
        await self.room(store, "a")
        await self.room(store, "b")
        first = await store.add_task(Task(room_id="a", title="call back"))
        second = await store.add_task(Task(room_id="a", title="send invoice", status="done"))
        await store.add_task(Task(room_id="b", title="elsewhere"))
        listed = {t.id: t for t in await store.list_tasks("a")}
        assert listed == {first.id: first, second.id: second}
        assert [t.title for t in await store.list_tasks("b")] == ["elsewhere"]
        assert await store.list_tasks("no-such-room") == []

    @pytest.mark.asyncio
    async def test_observations_are_kept_per_room(self, store: ConversationStore) -> None:
        """add_observation/list_observations keep every observation of a room and only its own.

        If this fails, observations are lost, duplicated or listed under the wrong room.
        """
        await self.room(store, "a")
        await self.room(store, "b")
        obs = await store.add_observation(
            Observation(room_id="a", content="happy", category="sentiment", confidence=0.9)
        )
        await store.add_observation(Observation(room_id="b", content="elsewhere"))
        assert await store.list_observations("a") == [obs]
        assert [o.content for o in await store.list_observations("b")] == ["elsewhere"]
        assert await store.list_observations("no-such-room") == []

    # delivery --------------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_delivery_results_filter_by_event(self, store: ConversationStore) -> None:
        """list_delivery_results lists a room's results, or one event's with event_id.

        If this fails, delivery results are lost or the event_id filter is ignored.
        """
        await self.room(store, "a")
        await self.room(store, "b")
        for room_id, event_id, channel_id in [
            ("a", "e1", "sms"),
            ("a", "e1", "ws"),
            ("a", "e2", "sms"),
            ("b", "e3", "sms"),
        ]:
            await store.add_delivery_result(
                DeliveryResult(
                    room_id=room_id,
                    event_id=event_id,
                    channel_id=channel_id,
                    state=DeliveryState.FAILED,
                    attempts=2,
                    error="timeout",
                )
            )
        assert len(await store.list_delivery_results("a")) == 3
        e1 = await store.list_delivery_results("a", event_id="e1")
        assert sorted(r.channel_id for r in e1) == ["sms", "ws"]
        [only] = await store.list_delivery_results("a", event_id="e2")
        assert (only.event_id, only.error, only.attempts) == ("e2", "timeout", 2)
        assert only.state is DeliveryState.FAILED
        assert await store.list_delivery_results("a", event_id="e3") == []
        assert await store.list_delivery_results("no-such-room") == []

    @pytest.mark.asyncio
    async def test_delivery_statuses_by_message_id(self, store: ConversationStore) -> None:
        """list_delivery_statuses gives one provider message's reports in arrival order.

        If this fails, statuses are lost, mixed across messages or reordered.
        """
        reports = [
            DeliveryStatus(provider="twilio", message_id="SM1", status=s)
            for s in ("queued", "sent", "delivered")
        ]
        for status in reports:
            await store.add_delivery_status(status)
        await store.add_delivery_status(DeliveryStatus(message_id="SM2", status="failed"))
        assert [s.status for s in await store.list_delivery_statuses("SM1")] == [
            "queued",
            "sent",
            "delivered",
        ]
        assert await store.list_delivery_statuses("SM1") == reports
        assert [s.status for s in await store.list_delivery_statuses("SM2")] == ["failed"]
        assert await store.list_delivery_statuses("SM3") == []

    # read tracking ---------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_unread_count_starts_at_event_count(self, store: ConversationStore) -> None:
        """A channel that never read anything has every event unread.

        If this fails, get_unread_count must count events above the read position (none: all).
        """
        await self.room(store)
        assert await store.get_unread_count("room-1", "ws") == 0
        await self.fill(store, "room-1", 4)
        assert await store.get_unread_count("room-1", "ws") == 4

    @pytest.mark.asyncio
    async def test_mark_read_never_moves_backwards(self, store: ConversationStore) -> None:
        """mark_read moves the read position up to an event, never down.

        If this fails, keep max(old position, event index) instead of overwriting it.
        """
        await self.room(store)
        events = await self.fill(store, "room-1", 5)
        await store.mark_read("room-1", "ws", events[2].id)
        assert await store.get_unread_count("room-1", "ws") == 2
        await store.mark_read("room-1", "ws", events[0].id)
        assert await store.get_unread_count("room-1", "ws") == 2, "read position moved back"
        await store.mark_read("room-1", "ws", events[4].id)
        assert await store.get_unread_count("room-1", "ws") == 0

    @pytest.mark.asyncio
    async def test_mark_all_read_then_new_events_are_unread(self, store: ConversationStore) -> None:
        """mark_all_read clears the count; events added afterwards are unread again.

        If this fails, mark_all_read must store the current latest index, not a flag.
        """
        await self.room(store)
        await self.fill(store, "room-1", 3)
        await store.mark_all_read("room-1", "ws")
        assert await store.get_unread_count("room-1", "ws") == 0
        await self.fill(store, "room-1", 2)
        assert await store.get_unread_count("room-1", "ws") == 2

    @pytest.mark.asyncio
    async def test_read_positions_are_per_room_and_channel(self, store: ConversationStore) -> None:
        """Each (room, channel) has its own read position.

        If this fails, key read positions by both room_id and channel_id.
        """
        await self.room(store, "a")
        await self.room(store, "b")
        events = await self.fill(store, "a", 3)
        await self.fill(store, "b", 3)
        await store.mark_read("a", "ws", events[1].id)
        assert await store.get_unread_count("a", "ws") == 1
        assert await store.get_unread_count("a", "sms") == 3
        assert await store.get_unread_count("b", "ws") == 3

    # isolation of reads ----------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_reads_are_not_changed_by_later_writes(self, store: ConversationStore) -> None:
        """A model or list returned by a read stays as it was when later writes happen.

        If this fails, the store hands out objects (or lists) it later mutates in place.
        """
        await self.room(store)
        first = await store.add_event(self.event("room-1"))
        room_before = await store.get_room("room-1")
        event_before = await store.get_event(first.id)
        events_before = await store.list_events("room-1")
        alice = await store.add_participant(Participant(id="p1", room_id="room-1"))
        participants_before = await store.list_participants("room-1")
        binding = await store.add_binding(self.binding("room-1"))
        binding_before = await store.get_binding("room-1", "ws")

        await store.add_event(self.event("room-1"))
        await store.update_event(first.model_copy(update={"status": EventStatus.FAILED}))
        await store.update_participant(alice.model_copy(update={"display_name": "Alice"}))
        await store.add_participant(Participant(id="p2", room_id="room-1"))
        await store.update_binding(binding.model_copy(update={"muted": True}))

        assert room_before is not None and room_before.event_count == 1
        assert first.status is EventStatus.PENDING
        assert event_before is not None and event_before.status is EventStatus.PENDING
        assert [e.status for e in events_before] == [EventStatus.PENDING]
        assert alice.display_name is None
        assert [p.id for p in participants_before] == ["p1"]
        assert participants_before[0].display_name is None
        assert binding_before is not None and not binding_before.muted

    # what the pipeline and the outbox call -------------------------------------------------
    @pytest.mark.asyncio
    async def test_add_event_takes_the_targets_the_pipeline_passes(
        self, store: ConversationStore
    ) -> None:
        """``add_event(event, deliveries)`` works positionally and by keyword, as RoomKit calls it.

        If this fails, give ``add_event`` the port's signature:
        ``async def add_event(self, event, deliveries=())``. Stores without an outbox accept the
        channel ids and ignore them.
        """
        await self.room(store)
        first = await store.add_event(self.event("room-1", "a"), ["ws", "ai"])
        second = await store.add_event(self.event("room-1", "b"), deliveries=("ws",))
        third = await store.add_event(self.event("room-1", "c"))
        assert [first.index, second.index, third.index] == [0, 1, 2]
        assert [self.body(e) for e in await store.list_events("room-1")] == ["a", "b", "c"]

    @pytest.mark.asyncio
    async def test_outbox_methods_have_the_port_signatures(self, store: ConversationStore) -> None:
        """``supports_outbox`` is a bool; ``mark_delivery`` and ``list_outbox`` take the port's
        parameters (RoomKit calls them by these names).

        If this fails, copy the signatures from roomkit.ports.store.ConversationStore.
        """
        assert isinstance(store.supports_outbox, bool), "supports_outbox must be True or False"
        port = ConversationStore
        for name in ("add_event", "mark_delivery", "list_outbox"):
            wanted = inspect.signature(getattr(port, name)).parameters
            given = inspect.signature(getattr(type(store), name)).parameters
            for param in wanted.values():
                assert param.name in given, f"{name}() lacks the parameter {param.name!r}"
                assert given[param.name].kind == param.kind, (
                    f"{name}(): {param.name!r} must be {param.kind.description}"
                )

    @pytest.mark.asyncio
    async def test_outbox_records_one_pending_entry_per_target(
        self, store: ConversationStore
    ) -> None:
        """With ``supports_outbox``, ``add_event(event, deliveries)`` records one pending entry
        per channel id, listed oldest first and filtered by room; without it, nothing is listed
        and ``mark_delivery`` is accepted and ignored.

        If this fails, write the entries in the same transaction as the event (or set
        ``supports_outbox = False``, and RoomKit delivers without an outbox).
        """
        await self.room(store, "room-1")
        await self.room(store, "room-2")
        first = await store.add_event(self.event("room-1", "a"), ["ws", "ai"])
        second = await store.add_event(self.event("room-2", "b"), ["ws"])
        pending = await store.list_outbox(OutboxState.PENDING)
        if not store.supports_outbox:
            await store.mark_delivery(first.id, "ws", OutboxState.DELIVERED, 1)
            assert pending == [] and await store.list_outbox(OutboxState.DELIVERED) == []
            return
        assert all(isinstance(e, OutboxEntry) for e in pending)
        assert [(e.room_id, e.event_id, e.channel_id) for e in pending if e.event_id == first.id]
        assert sorted((e.event_id, e.channel_id) for e in pending) == sorted(
            [(first.id, "ws"), (first.id, "ai"), (second.id, "ws")]
        )
        assert {e.attempts for e in pending} == {0}
        assert pending[-1].event_id == second.id, "the outbox lists oldest first"
        in_room_2 = await store.list_outbox(OutboxState.PENDING, room_id="room-2")
        assert [(e.event_id, e.channel_id) for e in in_room_2] == [(second.id, "ws")]
        assert len(await store.list_outbox(OutboxState.PENDING, limit=2)) == 2

    @pytest.mark.asyncio
    async def test_mark_delivery_moves_an_entry_between_states(
        self, store: ConversationStore
    ) -> None:
        """``mark_delivery`` moves exactly one (event, channel) entry to the given state, with its
        attempts and last error.

        If this fails, key the update on both the event id and the channel id.
        """
        if not store.supports_outbox:
            pytest.skip("the store has no outbox (supports_outbox is False)")
        await self.room(store)
        event = await store.add_event(self.event("room-1"), ["ws", "ai"])
        await store.mark_delivery(event.id, "ws", OutboxState.DELIVERED, 1)
        await store.mark_delivery(event.id, "ai", OutboxState.DEAD, 3, "provider down")
        assert await store.list_outbox(OutboxState.PENDING) == []
        [delivered] = await store.list_outbox(OutboxState.DELIVERED)
        [dead] = await store.list_outbox(OutboxState.DEAD)
        assert (delivered.channel_id, delivered.attempts) == ("ws", 1)
        assert (dead.channel_id, dead.attempts, dead.last_error) == ("ai", 3, "provider down")

    # cross-channel fallbacks (stores with supports_fallbacks) -------------------------------
    @staticmethod
    @scenario_helper
    def fallback(
        event: RoomEvent, channel_id: str = "wa", due_at: datetime | None = None
    ) -> PendingFallback:
        """A pending fallback of ``event`` from ``channel_id`` to "sms"."""
        return PendingFallback(
            room_id=event.room_id,
            event_id=event.id,
            channel_id=channel_id,
            fallback_channel_id="sms",
            due_at=due_at,
        )

    @scenario_helper
    def require_fallbacks(self, store: ConversationStore) -> None:
        """Skip the test for a store that keeps no fallback records."""
        assert isinstance(store.supports_fallbacks, bool), "supports_fallbacks must be a bool"
        if not store.supports_fallbacks:
            pytest.skip("the store keeps no fallback records (supports_fallbacks is False)")

    @pytest.mark.asyncio
    async def test_binding_fallback_policy_round_trips(self, store: ConversationStore) -> None:
        """A binding's FallbackPolicy reads back equal, through add and update.

        If this fails, store the whole ChannelBinding (its ``fallback`` field included).
        """
        await self.room(store)
        policy = FallbackPolicy(channel_id="sms", after=90.0, on_failed=False)
        await store.add_binding(
            self.binding("room-1", "wa").model_copy(update={"fallback": policy})
        )
        stored = await store.get_binding("room-1", "wa")
        assert stored is not None and stored.fallback == policy
        await store.update_binding(stored.model_copy(update={"fallback": None}))
        cleared = await store.get_binding("room-1", "wa")
        assert cleared is not None and cleared.fallback is None

    @pytest.mark.asyncio
    async def test_fallback_records_are_kept_once_per_event_and_channel(
        self, store: ConversationStore
    ) -> None:
        """``add_fallback`` stores one record per (event, channel) and refuses a second one
        (False) without changing the first; reads return what was stored; deleting the room
        removes its records.

        If this fails, key the records on (event_id, channel_id) and insert only when absent:
        a redelivered event must not get a fresh pending fallback.
        """
        self.require_fallbacks(store)
        await self.room(store)
        await self.room(store, "room-2")
        first = await store.add_event(self.event("room-1"))
        other = await store.add_event(self.event("room-2"))
        due = datetime(2026, 1, 1, 12, 0, 30, 250000, tzinfo=UTC)
        record = self.fallback(first, due_at=due)
        assert await store.add_fallback(record) is True
        assert await store.add_fallback(record.model_copy(update={"due_at": None})) is False
        assert await store.add_fallback(self.fallback(first, "rcs")) is True
        assert await store.add_fallback(self.fallback(other)) is True
        got = await store.get_fallback(first.id, "wa")
        assert got is not None
        assert (got.event_id, got.channel_id, got.fallback_channel_id) == (first.id, "wa", "sms")
        assert got.state is FallbackState.PENDING and got.due_at == due and got.on_failed
        assert await store.get_fallback(first.id, "sms") is None
        assert {r.channel_id for r in await store.list_fallbacks("room-1")} == {"wa", "rcs"}
        assert [r.room_id for r in await store.list_fallbacks("room-2", other.id)] == ["room-2"]
        await store.delete_room("room-1")
        assert await store.list_fallbacks("room-1") == []
        assert await store.get_fallback(first.id, "wa") is None

    @pytest.mark.asyncio
    async def test_a_fallback_leaves_pending_exactly_once(self, store: ConversationStore) -> None:
        """Of many concurrent ``settle_fallback`` calls on one pending record, exactly one gets
        the updated record back; the rest, and every later call, get None.

        If this fails, make the settle a compare-and-set (``UPDATE ... WHERE state =
        'pending'`` and check the row count): otherwise two workers, or a status callback the
        vendor sends twice, both send the fallback.
        """
        self.require_fallbacks(store)
        await self.room(store)
        event = await store.add_event(self.event("room-1"))
        await store.add_fallback(self.fallback(event))
        states = [FallbackState.FIRED, FallbackState.SETTLED] * 10
        outcomes = await self.within_timeout(
            asyncio.gather(
                *(
                    store.settle_fallback(event.id, "wa", s, f"call {i}")
                    for i, s in enumerate(states)
                )
            )
        )
        winners = [o for o in outcomes if o is not None]
        assert len(winners) == 1, f"{len(winners)} calls settled the same fallback"
        [winner] = winners
        stored = await store.get_fallback(event.id, "wa")
        assert stored is not None
        assert (stored.state, stored.reason) == (winner.state, winner.reason)
        assert await store.settle_fallback(event.id, "wa", FallbackState.FIRED, "late") is None
        assert await store.settle_fallback(event.id, "nope", FallbackState.FIRED, "x") is None

    @pytest.mark.asyncio
    async def test_due_fallbacks_are_listed_by_deadline(self, store: ConversationStore) -> None:
        """``list_due_fallbacks(now)`` lists pending records due at or before ``now``, earliest
        first, up to ``limit``; records without a deadline or no longer pending never appear.

        If this fails, filter on the state and the deadline and order by the deadline.
        """
        self.require_fallbacks(store)
        await self.room(store)
        t0 = datetime(2026, 1, 1, tzinfo=UTC)
        events = [await store.add_event(self.event("room-1", f"m{i}")) for i in range(4)]
        await store.add_fallback(self.fallback(events[0], due_at=t0 + timedelta(seconds=20)))
        await store.add_fallback(self.fallback(events[1], due_at=t0 + timedelta(seconds=10)))
        await store.add_fallback(self.fallback(events[2]))  # no deadline
        await store.add_fallback(self.fallback(events[3], due_at=t0))
        await store.settle_fallback(events[3].id, "wa", FallbackState.SETTLED, "delivered")
        assert await store.list_due_fallbacks(t0 + timedelta(seconds=9)) == []
        due = await store.list_due_fallbacks(t0 + timedelta(seconds=10))
        assert [r.event_id for r in due] == [events[1].id]
        later = await store.list_due_fallbacks(t0 + timedelta(hours=1))
        assert [r.event_id for r in later] == [events[1].id, events[0].id]
        assert len(await store.list_due_fallbacks(t0 + timedelta(hours=1), limit=1)) == 1

    @pytest.mark.asyncio
    async def test_firing_a_fallback_records_its_outbox_entry(
        self, store: ConversationStore
    ) -> None:
        """(Durable stores) settling a fallback as ``fired`` records a pending outbox entry for
        the fallback channel in the same transaction; ``settled`` records none.

        If this fails, insert the (event_id, fallback_channel_id) outbox row inside the
        settle's transaction: a process that dies after firing must still deliver it.
        """
        self.require_fallbacks(store)
        if not store.supports_outbox:
            pytest.skip("the store keeps no outbox (supports_outbox is False)")
        await self.room(store)
        fired = await store.add_event(self.event("room-1", "a"), ["wa"])
        settled = await store.add_event(self.event("room-1", "b"), ["wa"])
        await store.mark_deliveries(fired.id, [DeliverySettlement("wa", OutboxState.DELIVERED, 1)])
        await store.mark_deliveries(
            settled.id, [DeliverySettlement("wa", OutboxState.DELIVERED, 1)]
        )
        await store.add_fallback(self.fallback(fired))
        await store.add_fallback(self.fallback(settled))
        await store.settle_fallback(fired.id, "wa", FallbackState.FIRED, "failed")
        await store.settle_fallback(settled.id, "wa", FallbackState.SETTLED, "delivered")
        pending = await store.list_outbox(OutboxState.PENDING, room_id="room-1")
        assert [(e.event_id, e.channel_id) for e in pending] == [(fired.id, "sms")]
