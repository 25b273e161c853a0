"""The services a registered channel receives through ``Channel.bind``."""

from __future__ import annotations

from typing import Any

from roomkit.application.runtime import Runtime
from roomkit.domain.context import RoomContext
from roomkit.domain.enums import ChannelCategory, HookTrigger
from roomkit.domain.event import RoomEvent
from roomkit.domain.realtime import EphemeralEvent
from roomkit.domain.streaming import StreamMessage
from roomkit.ports.channel import StreamingTransport, StreamWriter


class _RoomStream:
    def __init__(self, room_id: str, transports: list[StreamingTransport]) -> None:
        self._room_id = room_id
        self._transports = transports

    async def send(self, message: StreamMessage) -> None:
        for transport in self._transports:
            await transport.send_stream(message, self._room_id)


class KitChannelRuntime:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    async def fire_hook(self, trigger: HookTrigger, event: Any, context: RoomContext) -> None:
        await self._rt.hooks.run_async(trigger, event, context)

    async def publish_ephemeral(self, event: EphemeralEvent) -> None:
        await self._rt.realtime.publish(event)

    async def history(self, room_id: str, limit: int) -> list[RoomEvent]:
        return await self._rt.store.list_recent_events(room_id, limit)

    async def open_stream(self, room_id: str, channel_id: str) -> StreamWriter | None:
        transports: list[StreamingTransport] = []
        for binding in await self._rt.store.list_bindings(room_id):
            if binding.category is ChannelCategory.INTELLIGENCE or not binding.access.can_read:
                continue
            channel = self._rt.channels.get(binding.channel_id)
            if isinstance(channel, StreamingTransport) and channel.has_stream_connections():
                transports.append(channel)
        return _RoomStream(room_id, transports) if transports else None
