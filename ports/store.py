"""ConversationStore: rooms, timelines, participants, bindings and everything else that persists."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from roomkit.domain.channel import ChannelBinding
from roomkit.domain.delivery import DeliveryResult, DeliveryStatus
from roomkit.domain.enums import RoomStatus
from roomkit.domain.event import RoomEvent
from roomkit.domain.identity import Identity
from roomkit.domain.outbox import OutboxEntry, OutboxState
from roomkit.domain.participant import Participant
from roomkit.domain.room import Room
from roomkit.domain.tasks import Observation, Task


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
        """Replace the stored room (counters included) with ``room``."""

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
        ``deliveries`` in the same transaction; other stores ignore them.
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

    async def list_outbox(
        self, state: OutboxState, *, room_id: str | None = None, limit: int = 100
    ) -> list[OutboxEntry]:
        """Outbox entries in ``state``, oldest first."""
        return []

    async def close(self) -> None:
        """Release connections; the in-memory store has none."""
