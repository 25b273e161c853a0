"""Ephemeral events: typing, presence, reactions, read receipts, tool calls. Never stored."""

from __future__ import annotations

from typing import Any

from roomkit.application.runtime import Runtime
from roomkit.domain.enums import EphemeralEventType
from roomkit.domain.realtime import EphemeralEvent
from roomkit.ports.realtime import EphemeralCallback

PRESENCE = {
    "online": EphemeralEventType.PRESENCE_ONLINE,
    "away": EphemeralEventType.PRESENCE_AWAY,
    "offline": EphemeralEventType.PRESENCE_OFFLINE,
}


class RealtimeEvents:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    async def publish(
        self,
        room_id: str,
        kind: EphemeralEventType,
        user_id: str,
        data: dict[str, Any] | None = None,
        channel_id: str | None = None,
    ) -> EphemeralEvent:
        await self._rt.require_room(room_id)
        event = EphemeralEvent(
            room_id=room_id, type=kind, user_id=user_id, channel_id=channel_id, data=data or {}
        )
        await self._rt.realtime.publish(event)
        return event

    async def typing(self, room_id: str, user_id: str, is_typing: bool = True) -> EphemeralEvent:
        kind = EphemeralEventType.TYPING_START if is_typing else EphemeralEventType.TYPING_STOP
        return await self.publish(room_id, kind, user_id)

    async def presence(self, room_id: str, user_id: str, status: str) -> EphemeralEvent:
        kind = PRESENCE.get(status)
        if kind is None:
            raise ValueError(f"presence status {status!r} must be one of {', '.join(PRESENCE)}")
        return await self.publish(room_id, kind, user_id, {"status": status})

    async def subscribe(self, room_id: str, callback: EphemeralCallback) -> str:
        await self._rt.require_room(room_id)
        return await self._rt.realtime.subscribe(room_id, callback)

    async def unsubscribe(self, subscription_id: str) -> bool:
        return await self._rt.realtime.unsubscribe(subscription_id)
