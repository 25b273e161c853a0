"""InMemoryRealtime: ephemeral events fanned out to subscribers in this process."""

from __future__ import annotations

import logging

from roomkit.domain.base import new_id
from roomkit.domain.realtime import EphemeralEvent
from roomkit.plugins.hookspecs import Register
from roomkit.plugins.markers import hookimpl
from roomkit.ports.realtime import EphemeralCallback, RealtimeBackend

log = logging.getLogger("roomkit.realtime")


class InMemoryRealtime(RealtimeBackend):
    def __init__(self, settings: object = None) -> None:
        self._by_room: dict[str, dict[str, EphemeralCallback]] = {}
        self._room_of: dict[str, str] = {}

    async def publish(self, event: EphemeralEvent) -> None:
        for sub_id, callback in list(self._by_room.get(event.room_id, {}).items()):
            try:
                await callback(event)
            except Exception:
                log.exception("realtime subscriber %s failed on %s", sub_id, event.type)

    async def subscribe(self, room_id: str, callback: EphemeralCallback) -> str:
        sub_id = new_id()
        self._by_room.setdefault(room_id, {})[sub_id] = callback
        self._room_of[sub_id] = room_id
        return sub_id

    async def unsubscribe(self, subscription_id: str) -> bool:
        room_id = self._room_of.pop(subscription_id, None)
        if room_id is None:
            return False
        subs = self._by_room.get(room_id, {})
        subs.pop(subscription_id, None)
        if not subs:
            self._by_room.pop(room_id, None)
        return True

    async def close(self) -> None:
        self._by_room.clear()
        self._room_of.clear()


@hookimpl
def roomkit_register_realtime_backends(register: Register) -> None:
    register(name="memory", factory=InMemoryRealtime, description="Subscribers in this process")
