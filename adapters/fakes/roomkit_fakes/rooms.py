"""A ready room for end-to-end tests of an AI provider: a WebSocket user and an AI channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from roomkit import (
    ChannelCategory,
    InboundMessage,
    RoomEvent,
    RoomKit,
    TextContent,
    WebSocketChannel,
)
from roomkit.channels.ai import AIChannel
from roomkit.providers.ai.base import AIProvider

WEATHER_TOOL: dict[str, Any] = {
    "name": "get_weather",
    "description": "Current weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
}


@dataclass
class AIRoom:
    """``kit`` with room ``room_id`` holding the user's WebSocket channel and the AI channel;
    ``inbox`` collects the text of everything delivered to the user."""

    kit: RoomKit
    room_id: str
    inbox: list[str] = field(default_factory=list)

    async def say(self, text: str) -> None:
        await self.kit.process_inbound(
            InboundMessage(channel_id="ws", sender_id="user", content=TextContent(body=text)),
            room_id=self.room_id,
        )


async def ai_room(
    provider: AIProvider, *, channel_id: str = "ai", room_id: str = "r", **ai_channel_options: Any
) -> AIRoom:
    """A kit, a room, a WebSocket user ``ws`` and ``AIChannel(channel_id, provider, ...)``."""
    kit = RoomKit()
    room = AIRoom(kit, room_id)
    ws = WebSocketChannel("ws")

    async def receive(_conn: str, event: RoomEvent) -> None:
        room.inbox.append(getattr(event.content, "body", event.content.type))

    ws.register_connection("user", receive)
    kit.register_channel(ws)
    kit.register_channel(AIChannel(channel_id, provider=provider, **ai_channel_options))
    await kit.create_room(room_id=room_id)
    await kit.attach_channel(room_id, "ws")
    await kit.attach_channel(room_id, channel_id, category=ChannelCategory.INTELLIGENCE)
    return room
