"""Channel: an endpoint attached to rooms, and the runtime services RoomKit gives it."""

from __future__ import annotations

from abc import ABC
from typing import Any, Protocol, runtime_checkable

from roomkit.domain.base import assemble
from roomkit.domain.channel import ChannelBinding, ChannelCapabilities
from roomkit.domain.content import SystemContent
from roomkit.domain.context import RoomContext
from roomkit.domain.delivery import ChannelOutput
from roomkit.domain.enums import (
    ChannelCategory,
    ChannelDirection,
    ChannelType,
    EventType,
    HookTrigger,
)
from roomkit.domain.event import EventSource, RoomEvent
from roomkit.domain.inbound import InboundMessage
from roomkit.domain.realtime import EphemeralEvent
from roomkit.domain.streaming import StreamMessage


class StreamWriter(Protocol):
    """Sends one streamed reply to every streaming-capable connection of a room."""

    async def send(self, message: StreamMessage) -> None: ...


class ChannelRuntime(Protocol):
    """What an attached channel may ask of the framework (given by ``Channel.bind``)."""

    async def fire_hook(self, trigger: HookTrigger, event: Any, context: RoomContext) -> None:
        """Run the async hooks registered for ``trigger``."""

    async def publish_ephemeral(self, event: EphemeralEvent) -> None: ...

    async def history(self, room_id: str, limit: int) -> list[RoomEvent]:
        """The newest ``limit`` stored events of the room, oldest first."""

    async def open_stream(self, room_id: str, channel_id: str) -> StreamWriter | None:
        """A writer to the room's streaming connections, or None if there are none."""


@runtime_checkable
class StreamingTransport(Protocol):
    """A transport that can show a reply while it is generated (WebSocket)."""

    def has_stream_connections(self) -> bool: ...

    async def send_stream(self, message: StreamMessage, room_id: str | None = None) -> list[str]:
        """Send to the streaming connections serving ``room_id`` (all when None); return the
        connection ids that got it."""


def inbound_event_type(message: InboundMessage) -> EventType:
    """A provider's reaction (SystemContent coded "reaction") is a REACTION event, its other
    notices (a bot added to a conversation) SYSTEM events: intelligence channels answer neither."""
    content = message.content
    if isinstance(content, SystemContent):
        return EventType.REACTION if content.code == "reaction" else EventType.SYSTEM
    return EventType.MESSAGE


class Channel(ABC):
    """Base class of every channel. Registered once, attached to many rooms.

    Transport channels override ``deliver``; intelligence channels override ``on_event`` and
    return response events, which re-enter the inbound pipeline.
    """

    channel_type: ChannelType = ChannelType.SYSTEM
    category: ChannelCategory = ChannelCategory.TRANSPORT
    direction: ChannelDirection = ChannelDirection.BIDIRECTIONAL

    def __init__(self, channel_id: str) -> None:
        if not channel_id:
            raise ValueError("channel_id must be a non-empty string")
        self.channel_id = channel_id
        self._runtime: ChannelRuntime | None = None

    # wiring --------------------------------------------------------------------------------
    def bind(self, runtime: ChannelRuntime) -> None:
        """Called by ``register_channel``; gives access to hooks, realtime and history."""
        self._runtime = runtime

    @property
    def runtime(self) -> ChannelRuntime | None:
        return self._runtime

    def capabilities(self) -> ChannelCapabilities:
        return ChannelCapabilities()

    @property
    def info(self) -> dict[str, Any]:
        return {"channel_id": self.channel_id, "type": str(self.channel_type)}

    # inbound -------------------------------------------------------------------------------
    async def handle_inbound(self, message: InboundMessage, context: RoomContext) -> RoomEvent:
        """Parse a provider message into a RoomEvent (index assigned later by the store)."""
        return assemble(
            RoomEvent,
            room_id=context.room.id,
            source=assemble(
                EventSource,
                channel_id=self.channel_id,
                channel_type=self.channel_type,
                direction=ChannelDirection.INBOUND,
                external_id=message.sender_id,
            ),
            content=message.content,
            type=inbound_event_type(message),
            metadata=dict(message.metadata),
            provider_message_id=message.provider_message_id,
        )

    # outbound ------------------------------------------------------------------------------
    def reaches_anyone(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> bool:
        """Whether delivering ``event`` through ``binding`` would reach anyone. False leaves
        the binding out of the broadcast (no outbox entry, no ``deliver`` call): a customer's
        own SMS is not sent back through the channel it came in on. Default: True."""
        return True

    async def deliver(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        """Push ``event`` to this channel's users. Raise to report a failed delivery."""
        return ChannelOutput.empty()

    async def on_event(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        """React to a broadcast as an intelligence channel; may return response events."""
        return ChannelOutput.empty()

    async def close(self) -> None:
        """Release connections."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.channel_id!r}>"
