"""ConversationStore: rooms, timelines, participants, bindings and everything else that persists."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from roomkit.domain.channel import ChannelBinding
from roomkit.domain.delivery import DeliveryResult, DeliveryStatus
from roomkit.domain.enums import RoomStatus
from roomkit.domain.errors import RoomKitError
from roomkit.domain.event import RoomEvent
from roomkit.domain.fallback import FallbackState, PendingFallback
from roomkit.domain.identity import Identity
from roomkit.domain.outbox import DeliverySettlement, OutboxEntry, OutboxState
from roomkit.domain.participant import Participant
from roomkit.domain.room import Room
from roomkit.domain.tasks import Observation, Task


class RoomSnapshot(NamedTuple):
    """What a room's context is built from, read together.

    ``version`` is None, or a token of the room's state the snapshot shows (status, bindings,
    participants, stored events changed; appends do not change it): a store that fills it
    accepts ``add_event(..., version=token)`` and refuses the append with StaleSnapshotError
    once the room has changed.
    """

    room: Room
    bindings: list[ChannelBinding]
    participants: list[Participant]
    recent_events: list[RoomEvent]
    version: object | None = None


class StaleSnapshotError(RoomKitError):
    """``add_event(..., version=...)``: the room changed since the snapshot carrying that
    version was read; nothing was stored. Read the snapshot again and redo the checks.

    ``current`` is the room's version now when every change since was made through this very
    store object (the caller's own hooks, while it holds the room's lock): the checks made on
    the snapshot then stand as they did before, and the append may be made at ``current``.
    """

    def __init__(self, room_id: str, current: object | None = None) -> None:
        super().__init__(f"room {room_id!r} changed since its snapshot was read")
        self.room_id = room_id
        self.current = current


class ConversationStore(ABC):
    """Persistence for everything a room holds.

    Invariants every adapter keeps (the contract suite checks them):
    - ``add_event`` assigns ``index`` itself: 0, 1, 2, ... per room, gap-free and unique even
      under concurrent calls, and updates the room's ``event_count``/``latest_index``.
    - reads return models the caller may keep: later writes never change them.
    - ``list_events`` pages in index order at a cost independent of the room's history size.
    """

    # rooms ---------------------------------------------------------------------------------
    @abstractmethod
    async def create_room(self, room: Room) -> Room:
        """Store a new room; raise ValueError if the id is taken."""

    @abstractmethod
    async def get_room(self, room_id: str) -> Room | None: ...

    @abstractmethod
    async def update_room(self, room: Room) -> Room:
        """Replace the stored room with ``room``, except for its counters (``event_count``,
        ``latest_index``; ``last_activity_at`` becomes the later of the two), which stay as the
        room's appends left them; return the room as stored."""

    @abstractmethod
    async def delete_room(self, room_id: str) -> bool: ...

    @abstractmethod
    async def list_rooms(
        self, *, status: RoomStatus | None = None, offset: int = 0, limit: int = 100
    ) -> list[Room]: ...

    # events --------------------------------------------------------------------------------
    @abstractmethod
    async def add_event(self, event: RoomEvent, deliveries: Sequence[str] = ()) -> RoomEvent:
        """Append to the room's timeline; return the event with its assigned index.

        A store with ``supports_outbox`` records one pending outbox entry per channel id in
        ``deliveries`` in the same transaction; other stores ignore them. A store whose
        snapshots carry a ``version`` also takes ``version=`` (keyword) and appends only if the
        room is still in that state, raising StaleSnapshotError otherwise; it is passed only
        to such stores.
        """

    @abstractmethod
    async def get_event(self, event_id: str) -> RoomEvent | None: ...

    @abstractmethod
    async def update_event(self, event: RoomEvent) -> RoomEvent:
        """Replace a stored event (status changes); its index never changes."""

    @abstractmethod
    async def list_events(self, room_id: str, offset: int = 0, limit: int = 50) -> list[RoomEvent]:
        """Events with ``offset <= index < offset + limit``, oldest first."""

    @abstractmethod
    async def list_recent_events(self, room_id: str, limit: int = 50) -> list[RoomEvent]:
        """The newest ``limit`` events, oldest first."""

    async def get_room_snapshot(self, room_id: str, event_limit: int) -> RoomSnapshot | None:
        """The room, its bindings and participants and its newest ``event_limit`` events.

        The default reads them one after the other; a networked store answers in one round."""
        room = await self.get_room(room_id)
        if room is None:
            return None
        return RoomSnapshot(
            room,
            await self.list_bindings(room_id),
            await self.list_participants(room_id),
            await self.list_recent_events(room_id, event_limit) if event_limit else [],
        )

    async def cached_room_snapshot(self, room_id: str, event_limit: int) -> RoomSnapshot | None:
        """``get_room_snapshot``, possibly from a cache that can lag changes another process
        committed a moment ago; the snapshot's ``version`` makes ``add_event`` refuse an
        append decided on such a snapshot. A store may answer with the very snapshot object it
        gave before as long as the room has not changed since (the pipeline then skips its
        second look); its lists are then shared and read-only. The default reads afresh."""
        return await self.get_room_snapshot(room_id, event_limit)

    @abstractmethod
    async def get_event_count(self, room_id: str) -> int: ...

    @abstractmethod
    async def find_event_by_provider_message_id(
        self, room_id: str, provider_message_id: str
    ) -> RoomEvent | None:
        """The stored event that carried this provider id (idempotency lookup)."""

    # participants --------------------------------------------------------------------------
    @abstractmethod
    async def add_participant(self, participant: Participant) -> Participant: ...

    @abstractmethod
    async def get_participant(self, room_id: str, participant_id: str) -> Participant | None: ...

    @abstractmethod
    async def update_participant(self, participant: Participant) -> Participant: ...

    @abstractmethod
    async def list_participants(self, room_id: str) -> list[Participant]: ...

    @abstractmethod
    async def find_participant(
        self, room_id: str, channel_id: str, external_id: str
    ) -> Participant | None:
        """The participant who speaks through ``channel_id`` as ``external_id``."""

    # bindings ------------------------------------------------------------------------------
    @abstractmethod
    async def add_binding(self, binding: ChannelBinding) -> ChannelBinding: ...

    @abstractmethod
    async def get_binding(self, room_id: str, channel_id: str) -> ChannelBinding | None: ...

    @abstractmethod
    async def update_binding(self, binding: ChannelBinding) -> ChannelBinding: ...

    @abstractmethod
    async def remove_binding(self, room_id: str, channel_id: str) -> bool: ...

    @abstractmethod
    async def list_bindings(self, room_id: str) -> list[ChannelBinding]: ...

    @abstractmethod
    async def list_bindings_for_channel(self, channel_id: str) -> list[ChannelBinding]:
        """Every room binding of one channel (used to route inbound messages)."""

    # identities ----------------------------------------------------------------------------
    @abstractmethod
    async def add_identity(self, identity: Identity) -> Identity: ...

    @abstractmethod
    async def get_identity(self, identity_id: str) -> Identity | None: ...

    @abstractmethod
    async def resolve_identity(self, channel_type: str, address: str) -> Identity | None:
        """The identity whose ``channel_addresses[channel_type]`` holds ``address``."""

    # tasks and observations ----------------------------------------------------------------
    @abstractmethod
    async def add_task(self, task: Task) -> Task: ...

    @abstractmethod
    async def list_tasks(self, room_id: str) -> list[Task]: ...

    @abstractmethod
    async def add_observation(self, observation: Observation) -> Observation: ...

    @abstractmethod
    async def list_observations(self, room_id: str) -> list[Observation]: ...

    # delivery ------------------------------------------------------------------------------
    @abstractmethod
    async def add_delivery_result(self, result: DeliveryResult) -> None: ...

    @abstractmethod
    async def list_delivery_results(
        self, room_id: str, event_id: str | None = None
    ) -> list[DeliveryResult]: ...

    async def find_delivery_result(self, provider_message_id: str) -> DeliveryResult | None:
        """The recorded delivery a provider gave ``provider_message_id`` to, if this store keeps
        an index of them (status callbacks are then tied back to their room and event)."""
        return None

    @abstractmethod
    async def add_delivery_status(self, status: DeliveryStatus) -> None: ...

    @abstractmethod
    async def list_delivery_statuses(self, message_id: str) -> list[DeliveryStatus]: ...

    # read tracking -------------------------------------------------------------------------
    @abstractmethod
    async def mark_read(self, room_id: str, channel_id: str, event_id: str) -> None:
        """Move the channel's read position up to ``event_id`` (never backwards)."""

    @abstractmethod
    async def mark_all_read(self, room_id: str, channel_id: str) -> None: ...

    @abstractmethod
    async def get_unread_count(self, room_id: str, channel_id: str) -> int: ...

    # delivery outbox (durable stores) ----------------------------------------------------
    #: True when add_event records ``deliveries`` atomically and the methods below are real.
    supports_outbox: bool = False

    async def mark_delivery(
        self,
        event_id: str,
        channel_id: str,
        state: OutboxState,
        attempts: int,
        error: str | None = None,
    ) -> None:
        """Record the outcome of delivering ``event_id`` to ``channel_id``."""

    async def mark_deliveries(self, event_id: str, outcomes: Sequence[DeliverySettlement]) -> None:
        """Settle several of ``event_id``'s outbox entries at once (a broadcast's targets).

        The default marks them one by one; durable stores do it in one statement."""
        for outcome in outcomes:
            await self.mark_delivery(
                event_id, outcome.channel_id, outcome.state, outcome.attempts, outcome.error
            )

    async def list_outbox(
        self, state: OutboxState, *, room_id: str | None = None, limit: int = 100
    ) -> list[OutboxEntry]:
        """Outbox entries in ``state``, oldest first."""
        return []

    # cross-channel fallbacks ---------------------------------------------------------------
    #: True when the methods below keep fallback records (bindings may then have a fallback).
    supports_fallbacks: bool = False

    async def add_fallback(self, record: PendingFallback) -> bool:
        """Store ``record`` unless one exists for its (event_id, channel_id); True if stored.

        Delivering an event to a channel again (recovery, redelivery) never makes a second one."""
        raise NotImplementedError(f"{type(self).__name__} keeps no fallback records")

    async def get_fallback(self, event_id: str, channel_id: str) -> PendingFallback | None:
        """The record of ``event_id``'s fallback from ``channel_id``, if any."""
        raise NotImplementedError(f"{type(self).__name__} keeps no fallback records")

    async def settle_fallback(
        self, event_id: str, channel_id: str, state: FallbackState, reason: str
    ) -> PendingFallback | None:
        """Move the record from ``pending`` to ``state``, atomically: of concurrent or repeated
        calls (two workers, a redelivered status) exactly one gets the updated record back, the
        others None. With ``supports_outbox``, moving to ``fired`` also records a pending outbox
        entry for (event_id, fallback_channel_id) in the same transaction."""
        raise NotImplementedError(f"{type(self).__name__} keeps no fallback records")

    async def list_due_fallbacks(self, now: datetime, limit: int = 100) -> list[PendingFallback]:
        """Pending records whose ``due_at`` is at or before ``now``, earliest first."""
        raise NotImplementedError(f"{type(self).__name__} keeps no fallback records")

    async def list_fallbacks(
        self, room_id: str, event_id: str | None = None
    ) -> list[PendingFallback]:
        """A room's fallback records (one event's with ``event_id``), oldest first."""
        raise NotImplementedError(f"{type(self).__name__} keeps no fallback records")

    async def close(self) -> None:
        """Release connections; the in-memory store has none."""
