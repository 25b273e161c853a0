"""InMemoryStore: the default ConversationStore, kept in dicts for one process.

Models are immutable, so reads hand out the stored objects themselves: no copies, and a timeline
page costs O(limit) whatever the room's history size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from roomkit.domain.base import evolve, utcnow
from roomkit.domain.channel import ChannelBinding
from roomkit.domain.delivery import DeliveryResult, DeliveryStatus
from roomkit.domain.enums import RoomStatus
from roomkit.domain.event import RoomEvent
from roomkit.domain.fallback import FallbackState, PendingFallback
from roomkit.domain.identity import Identity
from roomkit.domain.participant import Participant
from roomkit.domain.room import Room, with_counters_of
from roomkit.domain.tasks import Observation, Task
from roomkit.domain.validation import check_event, check_id
from roomkit.plugins.hookspecs import Register
from roomkit.plugins.markers import hookimpl
from roomkit.ports.store import ConversationStore, RoomSnapshot

_SNAPSHOT_READS = ("get_room", "list_bindings", "list_participants", "list_recent_events")
_SNAPSHOT_WRITES = (
    "create_room",
    "update_room",
    "delete_room",
    "add_event",
    "update_event",
    "add_participant",
    "update_participant",
    "add_binding",
    "update_binding",
    "remove_binding",
)


class InMemoryStore(ConversationStore):
    _reads_its_own_way = False
    _keeps_snapshots = True

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls._reads_its_own_way = _overrides(cls, _SNAPSHOT_READS)
        # a subclass that writes its own way may change a room without the cache hearing of it
        cls._keeps_snapshots = not cls._reads_its_own_way and not _overrides(
            cls, (*_SNAPSHOT_WRITES, "get_room_snapshot")
        )

    def __init__(self, settings: object = None) -> None:
        self._rooms: dict[str, Room] = {}
        self._timelines: dict[str, list[RoomEvent]] = defaultdict(list)
        self._events: dict[str, RoomEvent] = {}
        self._by_provider_id: dict[tuple[str, str], str] = {}
        self._participants: dict[str, dict[str, Participant]] = defaultdict(dict)
        self._participant_by_address: dict[tuple[str, str, str], str] = {}
        self._bindings: dict[str, dict[str, ChannelBinding]] = defaultdict(dict)
        self._bindings_by_channel: dict[str, dict[str, ChannelBinding]] = defaultdict(dict)
        self._identities: dict[str, Identity] = {}
        self._addresses: dict[tuple[str, str], str] = {}
        self._tasks: dict[str, list[Task]] = defaultdict(list)
        self._observations: dict[str, list[Observation]] = defaultdict(list)
        self._delivery_results: dict[str, list[DeliveryResult]] = defaultdict(list)
        self._delivery_statuses: dict[str, list[DeliveryStatus]] = defaultdict(list)
        self._sent_by_provider_id: dict[str, DeliveryResult] = {}
        self._read_index: dict[tuple[str, str], int] = {}
        self._fallbacks: dict[tuple[str, str], PendingFallback] = {}
        #: the inbound path's snapshot of each room, until the room changes
        self._snapshots: dict[str, tuple[int, RoomSnapshot]] = {}

    # rooms ---------------------------------------------------------------------------------
    async def create_room(self, room: Room) -> Room:
        check_id(room.id, "room id")
        if room.id in self._rooms:
            raise ValueError(f"room {room.id!r} already exists")
        self._rooms[room.id] = room
        return room

    async def get_room(self, room_id: str) -> Room | None:
        return self._rooms.get(room_id)

    async def update_room(self, room: Room) -> Room:
        stored = self._rooms.get(room.id)
        if stored is None:
            raise KeyError(f"room {room.id!r} does not exist")
        self._snapshots.pop(room.id, None)
        room = self._rooms[room.id] = with_counters_of(room, stored)
        return room

    async def delete_room(self, room_id: str) -> bool:
        self._snapshots.pop(room_id, None)
        if self._rooms.pop(room_id, None) is None:
            return False
        for event in self._timelines.pop(room_id, []):
            self._events.pop(event.id, None)
        self._by_provider_id = {k: v for k, v in self._by_provider_id.items() if k[0] != room_id}
        self._participants.pop(room_id, None)
        self._participant_by_address = {
            k: v for k, v in self._participant_by_address.items() if k[0] != room_id
        }
        for channel_id in self._bindings.pop(room_id, {}):
            self._bindings_by_channel[channel_id].pop(room_id, None)
        self._tasks.pop(room_id, None)
        self._observations.pop(room_id, None)
        self._delivery_results.pop(room_id, None)
        self._sent_by_provider_id = {
            k: v for k, v in self._sent_by_provider_id.items() if v.room_id != room_id
        }
        self._read_index = {k: v for k, v in self._read_index.items() if k[0] != room_id}
        self._fallbacks = {k: v for k, v in self._fallbacks.items() if v.room_id != room_id}
        return True

    async def list_rooms(
        self, *, status: RoomStatus | None = None, offset: int = 0, limit: int = 100
    ) -> list[Room]:
        rooms = [r for r in self._rooms.values() if status is None or r.status is status]
        return rooms[offset : offset + limit]

    # events --------------------------------------------------------------------------------
    async def add_event(self, event: RoomEvent, deliveries: Sequence[str] = ()) -> RoomEvent:
        check_event(event)
        room = self._rooms.get(event.room_id)
        if room is None:
            raise KeyError(f"room {event.room_id!r} does not exist")
        timeline = self._timelines[event.room_id]
        self._snapshots.pop(room.id, None)
        now = utcnow()
        stored = evolve(event, index=len(timeline), stored_at=now)
        timeline.append(stored)
        self._events[stored.id] = stored
        if stored.provider_message_id:
            self._by_provider_id[(stored.room_id, stored.provider_message_id)] = stored.id
        self._rooms[room.id] = evolve(
            room,
            event_count=len(timeline),
            latest_index=stored.index,
            last_activity_at=max(room.last_activity_at, stored.created_at),
        )
        return stored

    async def get_room_snapshot(self, room_id: str, event_limit: int) -> RoomSnapshot | None:
        """Read straight from the dicts (every message reads one, twice), unless a subclass
        reads rooms, bindings, participants or events its own way."""
        if type(self)._reads_its_own_way:
            return await super().get_room_snapshot(room_id, event_limit)
        room = self._rooms.get(room_id)
        if room is None:
            return None
        timeline = self._timelines.get(room_id) or []
        return RoomSnapshot(
            room,
            list(self._bindings.get(room_id, {}).values()),
            list(self._participants.get(room_id, {}).values()),
            timeline[max(0, len(timeline) - event_limit) :] if event_limit > 0 else [],
        )

    async def cached_room_snapshot(self, room_id: str, event_limit: int) -> RoomSnapshot | None:
        """The same snapshot object until the room changes: the pipeline's look under the
        room's lock then sees at once that nothing changed since its first look."""
        if not self._keeps_snapshots:
            return await self.get_room_snapshot(room_id, event_limit)
        kept = self._snapshots.get(room_id)
        if kept is not None and kept[0] == event_limit:
            return kept[1]
        snapshot = await self.get_room_snapshot(room_id, event_limit)
        if snapshot is not None:
            self._snapshots[room_id] = (event_limit, snapshot)
        return snapshot

    async def get_event(self, event_id: str) -> RoomEvent | None:
        return self._events.get(event_id)

    async def update_event(self, event: RoomEvent) -> RoomEvent:
        check_event(event)
        current = self._events.get(event.id)
        if current is None:
            raise KeyError(f"event {event.id!r} does not exist")
        stored = event.model_copy(update={"index": current.index, "room_id": current.room_id})
        self._snapshots.pop(current.room_id, None)
        self._events[event.id] = stored
        self._timelines[current.room_id][current.index] = stored
        return stored

    async def list_events(self, room_id: str, offset: int = 0, limit: int = 50) -> list[RoomEvent]:
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit must be >= 0")
        return self._timelines.get(room_id, [])[offset : offset + limit]

    async def list_recent_events(self, room_id: str, limit: int = 50) -> list[RoomEvent]:
        timeline = self._timelines.get(room_id, [])
        return timeline[max(0, len(timeline) - limit) :] if limit > 0 else []

    async def get_event_count(self, room_id: str) -> int:
        return len(self._timelines.get(room_id, ()))

    async def find_event_by_provider_message_id(
        self, room_id: str, provider_message_id: str
    ) -> RoomEvent | None:
        event_id = self._by_provider_id.get((room_id, provider_message_id))
        return self._events.get(event_id) if event_id else None

    # participants --------------------------------------------------------------------------
    async def add_participant(self, participant: Participant) -> Participant:
        room = self._participants[participant.room_id]
        self._snapshots.pop(participant.room_id, None)
        previous = room.get(participant.id)
        if previous is not None and previous.channel_id and previous.external_id:
            key = (previous.room_id, previous.channel_id, previous.external_id)
            if self._participant_by_address.get(key) == previous.id:
                del self._participant_by_address[key]
        room[participant.id] = participant
        if participant.channel_id and participant.external_id:
            key = (participant.room_id, participant.channel_id, participant.external_id)
            self._participant_by_address[key] = participant.id
        return participant

    async def get_participant(self, room_id: str, participant_id: str) -> Participant | None:
        return self._participants.get(room_id, {}).get(participant_id)

    async def update_participant(self, participant: Participant) -> Participant:
        if participant.id not in self._participants.get(participant.room_id, {}):
            raise KeyError(f"participant {participant.id!r} does not exist")
        return await self.add_participant(participant)

    async def list_participants(self, room_id: str) -> list[Participant]:
        return list(self._participants.get(room_id, {}).values())

    async def find_participant(
        self, room_id: str, channel_id: str, external_id: str
    ) -> Participant | None:
        participant_id = self._participant_by_address.get((room_id, channel_id, external_id))
        if participant_id is None:
            return None
        return self._participants.get(room_id, {}).get(participant_id)

    # bindings ------------------------------------------------------------------------------
    async def add_binding(self, binding: ChannelBinding) -> ChannelBinding:
        self._snapshots.pop(binding.room_id, None)
        self._bindings[binding.room_id][binding.channel_id] = binding
        self._bindings_by_channel[binding.channel_id][binding.room_id] = binding
        return binding

    async def get_binding(self, room_id: str, channel_id: str) -> ChannelBinding | None:
        return self._bindings.get(room_id, {}).get(channel_id)

    async def update_binding(self, binding: ChannelBinding) -> ChannelBinding:
        if binding.channel_id not in self._bindings.get(binding.room_id, {}):
            raise KeyError(f"binding {binding.room_id}/{binding.channel_id} does not exist")
        return await self.add_binding(binding)

    async def remove_binding(self, room_id: str, channel_id: str) -> bool:
        self._snapshots.pop(room_id, None)
        removed = self._bindings.get(room_id, {}).pop(channel_id, None)
        self._bindings_by_channel.get(channel_id, {}).pop(room_id, None)
        return removed is not None

    async def list_bindings(self, room_id: str) -> list[ChannelBinding]:
        return list(self._bindings.get(room_id, {}).values())

    async def list_bindings_for_channel(self, channel_id: str) -> list[ChannelBinding]:
        return list(self._bindings_by_channel.get(channel_id, {}).values())

    # identities ----------------------------------------------------------------------------
    async def add_identity(self, identity: Identity) -> Identity:
        previous = self._identities.get(identity.id)
        if previous is not None:
            for channel_type, addresses in previous.channel_addresses.items():
                for address in addresses:
                    if self._addresses.get((str(channel_type), address)) == identity.id:
                        del self._addresses[(str(channel_type), address)]
        self._identities[identity.id] = identity
        for channel_type, addresses in identity.channel_addresses.items():
            for address in addresses:
                self._addresses[(str(channel_type), address)] = identity.id
        return identity

    async def get_identity(self, identity_id: str) -> Identity | None:
        return self._identities.get(identity_id)

    async def resolve_identity(self, channel_type: str, address: str) -> Identity | None:
        identity_id = self._addresses.get((str(channel_type), address))
        return self._identities.get(identity_id) if identity_id else None

    # tasks and observations ----------------------------------------------------------------
    async def add_task(self, task: Task) -> Task:
        self._tasks[task.room_id].append(task)
        return task

    async def list_tasks(self, room_id: str) -> list[Task]:
        return list(self._tasks.get(room_id, ()))

    async def add_observation(self, observation: Observation) -> Observation:
        self._observations[observation.room_id].append(observation)
        return observation

    async def list_observations(self, room_id: str) -> list[Observation]:
        return list(self._observations.get(room_id, ()))

    # delivery ------------------------------------------------------------------------------
    async def add_delivery_result(self, result: DeliveryResult) -> None:
        self._delivery_results[result.room_id].append(result)
        if (
            result.provider_message_id
            and result.provider_message_id not in self._sent_by_provider_id
        ):
            self._sent_by_provider_id[result.provider_message_id] = result

    async def find_delivery_result(self, provider_message_id: str) -> DeliveryResult | None:
        return self._sent_by_provider_id.get(provider_message_id)

    async def list_delivery_results(
        self, room_id: str, event_id: str | None = None
    ) -> list[DeliveryResult]:
        results = self._delivery_results.get(room_id, [])
        return [r for r in results if event_id is None or r.event_id == event_id]

    async def add_delivery_status(self, status: DeliveryStatus) -> None:
        self._delivery_statuses[status.message_id].append(status)

    async def list_delivery_statuses(self, message_id: str) -> list[DeliveryStatus]:
        return list(self._delivery_statuses.get(message_id, ()))

    # read tracking -------------------------------------------------------------------------
    async def mark_read(self, room_id: str, channel_id: str, event_id: str) -> None:
        event = self._events.get(event_id)
        if event is None or event.room_id != room_id:
            raise KeyError(f"event {event_id!r} is not in room {room_id!r}")
        key = (room_id, channel_id)
        self._read_index[key] = max(self._read_index.get(key, -1), event.index)

    async def mark_all_read(self, room_id: str, channel_id: str) -> None:
        self._read_index[(room_id, channel_id)] = len(self._timelines.get(room_id, ())) - 1

    async def get_unread_count(self, room_id: str, channel_id: str) -> int:
        total = len(self._timelines.get(room_id, ()))
        return total - 1 - self._read_index.get((room_id, channel_id), -1)

    # cross-channel fallbacks ---------------------------------------------------------------
    supports_fallbacks = True

    async def add_fallback(self, record: PendingFallback) -> bool:
        key = (record.event_id, record.channel_id)
        if key in self._fallbacks:
            return False
        self._fallbacks[key] = record
        return True

    async def get_fallback(self, event_id: str, channel_id: str) -> PendingFallback | None:
        return self._fallbacks.get((event_id, channel_id))

    async def settle_fallback(
        self, event_id: str, channel_id: str, state: FallbackState, reason: str
    ) -> PendingFallback | None:
        # no await between the check and the write: atomic on the event loop
        current = self._fallbacks.get((event_id, channel_id))
        if current is None or current.state is not FallbackState.PENDING:
            return None
        settled = current.model_copy(
            update={"state": FallbackState(state), "reason": reason, "updated_at": utcnow()}
        )
        self._fallbacks[(event_id, channel_id)] = settled
        return settled

    async def list_due_fallbacks(self, now: datetime, limit: int = 100) -> list[PendingFallback]:
        due = [
            r
            for r in self._fallbacks.values()
            if r.state is FallbackState.PENDING and r.due_at is not None and r.due_at <= now
        ]
        return sorted(due, key=lambda r: r.due_at or now)[:limit]

    async def list_fallbacks(
        self, room_id: str, event_id: str | None = None
    ) -> list[PendingFallback]:
        return [
            r
            for r in self._fallbacks.values()
            if r.room_id == room_id and (event_id is None or r.event_id == event_id)
        ]


@hookimpl
def roomkit_register_stores(register: Register) -> None:
    register(name="memory", factory=InMemoryStore, description="Dicts in this process")


def _overrides(cls: type, names: tuple[str, ...]) -> bool:
    return any(getattr(cls, name) is not getattr(InMemoryStore, name) for name in names)
