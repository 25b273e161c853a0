"""Outbox recovery: deliveries a dead process left pending, and dead letters sent again.

Each entry is re-checked under the room's lock: an entry whose channel has been detached from
the room since is dropped (settled as ``dropped``), never sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from roomkit.application.runtime import Runtime
from roomkit.domain.enums import DeliveryState
from roomkit.domain.errors import ChannelNotFoundError, RoomKitError
from roomkit.domain.outbox import OutboxState

if TYPE_CHECKING:
    from roomkit.application.inbound.pipeline import InboundPipeline

_FAILED = frozenset({DeliveryState.FAILED, DeliveryState.CIRCUIT_OPEN})


class OutboxRecovery:
    def __init__(self, runtime: Runtime, pipeline: InboundPipeline) -> None:
        self._rt = runtime
        self._pipeline = pipeline

    async def recover(self, older_than: float, limit: int) -> int:
        """Attempt every pending entry older than ``older_than`` seconds; how many were sent."""
        store = self._rt.store
        if not store.supports_outbox:
            return 0
        cutoff = self._rt.clock.now().timestamp() - older_than
        attempted = 0
        for entry in await store.list_outbox(OutboxState.PENDING, limit=limit):
            if entry.created_at.timestamp() > cutoff:
                continue
            if entry.channel_id not in self._rt.channels:
                continue  # another process may own this channel
            event = await store.get_event(entry.event_id)
            if event is None:
                continue
            if await self._pipeline.redeliver(event, entry.channel_id) is not None:
                attempted += 1
        return attempted

    async def redeliver(self, event_id: str, channel_id: str) -> bool:
        """Send a stored event to one channel again; True if delivered. A channel that is no
        longer attached raises ChannelNotFoundError and its entry is dropped."""
        event = await self._rt.store.get_event(event_id)
        if event is None:
            raise RoomKitError(f"event {event_id!r} does not exist")
        self._rt.channel(channel_id)
        outcome = await self._pipeline.redeliver(event, channel_id)
        if outcome is None:
            raise ChannelNotFoundError(channel_id, event.room_id)
        return not any(r.state in _FAILED for r in outcome.results)
