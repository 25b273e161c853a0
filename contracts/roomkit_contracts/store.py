"""ConversationStoreContract: what every ConversationStore must do."""

from __future__ import annotations

import asyncio

import pytest

from roomkit.domain.channel import ChannelBinding
from roomkit.domain.content import TextContent
from roomkit.domain.delivery import DeliveryResult, DeliveryStatus
from roomkit.domain.enums import ChannelType, DeliveryState, EventStatus, RoomStatus
from roomkit.domain.event import EventSource, RoomEvent
from roomkit.domain.identity import Identity
from roomkit.domain.participant import Participant
from roomkit.domain.room import Room
from roomkit.domain.tasks import Observation, Task
from roomkit.ports.store import ConversationStore
from roomkit_contracts.base import ContractSuite

pytestmark = [pytest.mark.contract]


class ConversationStoreContract(ContractSuite):
    """Subclass it and override the ``store`` fixture to return a fresh, empty store."""

    concurrent_appends: int = 200

    @pytest.fixture
    def store(self) -> ConversationStore:
        pytest.fail("override the `store` fixture to return a fresh, empty ConversationStore")

    # scenario helpers (never overridden) ---------------------------------------------------
    @staticmethod
    def event(room_id: str, body: str = "hi", **fields: object) -> RoomEvent:
        return RoomEvent(
            room_id=room_id,
            source=EventSource(channel_id="ws", channel_type=ChannelType.WEBSOCKET),
            content=TextContent(body=body),
            **fields,
        )

    async def room(self, store: ConversationStore, room_id: str = "room-1") -> Room:
        return await store.create_room(Room(id=room_id))

    # rooms ---------------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_create_get_update_delete_room(self, store: ConversationStore) -> None:
        """If this fails, get_room must return what create_room/update_room stored."""
        created = await store.create_room(Room(id="r", metadata={"a": 1}))
        assert created.id == "r"
        fetched = await store.get_room("r")
        assert fetched is not None and fetched.metadata == {"a": 1}
        await store.update_room(fetched.model_copy(update={"status": RoomStatus.PAUSED}))
        updated = await store.get_room("r")
        assert updated is not None and updated.status is RoomStatus.PAUSED
        assert await store.delete_room("r") is True
        assert await store.get_room("r") is None
        assert await store.delete_room("r") is False

    @pytest.mark.asyncio
    async def test_duplicate_room_id_is_rejected(self, store: ConversationStore) -> None:
        """If this fails, create_room silently overwrote an existing room; raise ValueError."""
        await self.room(store, "r")
        with pytest.raises(ValueError):
            await store.create_room(Room(id="r"))

    @pytest.mark.asyncio
    async def test_list_rooms_filters_by_status(self, store: ConversationStore) -> None:
        """If this fails, list_rooms ignores its status filter or paging."""
        for i in range(3):
            await self.room(store, f"r{i}")
        room = await store.get_room("r1")
        assert room is not None
        await store.update_room(room.model_copy(update={"status": RoomStatus.CLOSED}))
        assert {r.id for r in await store.list_rooms()} == {"r0", "r1", "r2"}
        assert [r.id for r in await store.list_rooms(status=RoomStatus.CLOSED)] == ["r1"]
        assert len(await store.list_rooms(limit=2)) == 2

    # events --------------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_indexes_are_assigned_in_order(self, store: ConversationStore) -> None:
        """If this fails, add_event must assign index itself: 0, 1, 2, ... per room."""
        await self.room(store)
        stored = [await store.add_event(self.event("room-1", f"m{i}", index=99)) for i in range(5)]
        assert [e.index for e in stored] == [0, 1, 2, 3, 4]
        room = await store.get_room("room-1")
        assert room is not None and room.event_count == 5 and room.latest_index == 4

    @pytest.mark.asyncio
    async def test_indexes_are_per_room(self, store: ConversationStore) -> None:
        """If this fails, the index counter is shared between rooms."""
        await self.room(store, "a")
        await self.room(store, "b")
        for _ in range(3):
            await store.add_event(self.event("a"))
        first_b = await store.add_event(self.event("b"))
        assert first_b.index == 0

    @pytest.mark.asyncio
    async def test_concurrent_appends_are_gap_free_and_unique(
        self, store: ConversationStore
    ) -> None:
        """If this fails, index assignment races: make read-increment-write atomic."""
        await self.room(store)
        n = self.concurrent_appends
        stored = await asyncio.gather(
            *(store.add_event(self.event("room-1", f"m{i}")) for i in range(n))
        )
        assert sorted(e.index for e in stored) == list(range(n))
        listed = await store.list_events("room-1", offset=0, limit=n + 10)
        assert [e.index for e in listed] == list(range(n))
        assert len({e.id for e in listed}) == n
        assert await store.get_event_count("room-1") == n

    @pytest.mark.asyncio
    async def test_paging(self, store: ConversationStore) -> None:
        """If this fails, list_events must return offset <= index < offset + limit, in order."""
        await self.room(store)
        for i in range(12):
            await store.add_event(self.event("room-1", f"m{i}"))
        page = await store.list_events("room-1", offset=5, limit=4)
        assert [e.content.body for e in page] == ["m5", "m6", "m7", "m8"]  # type: ignore[union-attr]
        assert await store.list_events("room-1", offset=12, limit=4) == []
        assert len(await store.list_events("room-1", offset=10, limit=50)) == 2
        assert await store.list_events("no-such-room") == []

    @pytest.mark.asyncio
    async def test_recent_events_are_the_newest_oldest_first(
        self, store: ConversationStore
    ) -> None:
        """If this fails, list_recent_events must return the last N events in index order."""
        await self.room(store)
        for i in range(10):
            await store.add_event(self.event("room-1", f"m{i}"))
        recent = await store.list_recent_events("room-1", limit=3)
        assert [e.index for e in recent] == [7, 8, 9]

    @pytest.mark.asyncio
    async def test_idempotency_lookup(self, store: ConversationStore) -> None:
        """If this fails, find_event_by_provider_message_id must find by (room, provider id)."""
        await self.room(store, "a")
        await self.room(store, "b")
        stored = await store.add_event(self.event("a", provider_message_id="SM1"))
        found = await store.find_event_by_provider_message_id("a", "SM1")
        assert found is not None and found.id == stored.id
        assert await store.find_event_by_provider_message_id("b", "SM1") is None
        assert await store.find_event_by_provider_message_id("a", "SM2") is None

    @pytest.mark.asyncio
    async def test_update_event_keeps_its_index(self, store: ConversationStore) -> None:
        """If this fails, update_event moved the event in the timeline."""
        await self.room(store)
        await store.add_event(self.event("room-1"))
        second = await store.add_event(self.event("room-1"))
        await store.update_event(second.model_copy(update={"status": EventStatus.FAILED}))
        fetched = await store.get_event(second.id)
        assert fetched is not None and fetched.index == 1 and fetched.status is EventStatus.FAILED
        [_, listed] = await store.list_events("room-1")
        assert listed.status is EventStatus.FAILED

    @pytest.mark.asyncio
    async def test_reads_are_not_changed_by_later_writes(self, store: ConversationStore) -> None:
        """If this fails, the store hands out objects it later mutates in place."""
        await self.room(store)
        first = await store.add_event(self.event("room-1"))
        before = await store.get_room("room-1")
        await store.add_event(self.event("room-1"))
        await store.update_event(first.model_copy(update={"status": EventStatus.FAILED}))
        assert before is not None and before.event_count == 1
        assert first.status is not EventStatus.FAILED

    # participants and bindings -------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_participants(self, store: ConversationStore) -> None:
        """If this fails, participants are not stored, updated or found by address."""
        await self.room(store)
        alice = await store.add_participant(
            Participant(id="p1", room_id="room-1", channel_id="sms", external_id="+1555")
        )
        assert await store.get_participant("room-1", "p1") == alice
        await store.update_participant(alice.model_copy(update={"display_name": "Alice"}))
        found = await store.find_participant("room-1", "sms", "+1555")
        assert found is not None and found.display_name == "Alice"
        assert await store.find_participant("room-1", "sms", "+1666") is None
        assert [p.id for p in await store.list_participants("room-1")] == ["p1"]

    @pytest.mark.asyncio
    async def test_bindings(self, store: ConversationStore) -> None:
        """If this fails, bindings are not stored per room and per channel."""
        await self.room(store, "a")
        await self.room(store, "b")
        for room_id in ("a", "b"):
            await store.add_binding(
                ChannelBinding(room_id=room_id, channel_id="ws", channel_type=ChannelType.WEBSOCKET)
            )
        binding = await store.get_binding("a", "ws")
        assert binding is not None
        await store.update_binding(binding.model_copy(update={"muted": True}))
        updated = await store.get_binding("a", "ws")
        assert updated is not None and updated.muted
        assert {b.room_id for b in await store.list_bindings_for_channel("ws")} == {"a", "b"}
        assert await store.remove_binding("a", "ws") is True
        assert await store.list_bindings("a") == []
        assert [b.room_id for b in await store.list_bindings_for_channel("ws")] == ["b"]
        assert await store.remove_binding("a", "ws") is False

    # identities, tasks, observations, delivery, reads --------------------------------------
    @pytest.mark.asyncio
    async def test_identities_resolve_by_address(self, store: ConversationStore) -> None:
        """If this fails, resolve_identity does not look up channel_addresses."""
        identity = Identity(id="u1", display_name="Ann", channel_addresses={"sms": ["+1555"]})
        await store.add_identity(identity)
        assert await store.get_identity("u1") == identity
        assert await store.resolve_identity("sms", "+1555") == identity
        assert await store.resolve_identity("email", "+1555") is None

    @pytest.mark.asyncio
    async def test_tasks_and_observations(self, store: ConversationStore) -> None:
        """If this fails, tasks or observations are not kept per room."""
        await self.room(store)
        task = await store.add_task(Task(room_id="room-1", title="call back"))
        obs = await store.add_observation(Observation(room_id="room-1", content="happy"))
        assert await store.list_tasks("room-1") == [task]
        assert await store.list_observations("room-1") == [obs]
        assert await store.list_tasks("other") == []

    @pytest.mark.asyncio
    async def test_delivery_results_and_statuses(self, store: ConversationStore) -> None:
        """If this fails, delivery records are lost or not filtered by event."""
        await self.room(store)
        for event_id in ("e1", "e2"):
            await store.add_delivery_result(
                DeliveryResult(
                    room_id="room-1",
                    event_id=event_id,
                    channel_id="sms",
                    state=DeliveryState.FAILED,
                    error="timeout",
                )
            )
        assert len(await store.list_delivery_results("room-1")) == 2
        [only] = await store.list_delivery_results("room-1", event_id="e2")
        assert only.event_id == "e2" and only.error == "timeout"
        status = DeliveryStatus(message_id="SM1", status="delivered")
        await store.add_delivery_status(status)
        assert await store.list_delivery_statuses("SM1") == [status]

    @pytest.mark.asyncio
    async def test_read_tracking(self, store: ConversationStore) -> None:
        """If this fails, read positions move backwards or unread counts are wrong."""
        await self.room(store)
        events = [await store.add_event(self.event("room-1")) for _ in range(5)]
        assert await store.get_unread_count("room-1", "ws") == 5
        await store.mark_read("room-1", "ws", events[2].id)
        assert await store.get_unread_count("room-1", "ws") == 2
        await store.mark_read("room-1", "ws", events[0].id)  # never backwards
        assert await store.get_unread_count("room-1", "ws") == 2
        await store.mark_all_read("room-1", "ws")
        assert await store.get_unread_count("room-1", "ws") == 0
        assert await store.get_unread_count("room-1", "other") == 5
