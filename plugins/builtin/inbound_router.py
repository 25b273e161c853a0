"""DefaultInboundRoomRouter: the room a channel is bound to, preferring the sender's own."""

from __future__ import annotations

from roomkit.domain.enums import ChannelType
from roomkit.domain.inbound import InboundMessage
from roomkit.domain.room import Room
from roomkit.plugins.hookspecs import Register
from roomkit.plugins.markers import hookimpl
from roomkit.ports.routing import InboundRoomRouter
from roomkit.ports.store import ConversationStore


class DefaultInboundRoomRouter(InboundRoomRouter):
    """Among rooms the channel is attached to: one where the sender already participates, else
    the most recently active open room. A channel bound only to closed rooms routes to the newest
    of them, so the pipeline can say the room is closed instead of "no room"."""

    def __init__(self, store: ConversationStore) -> None:
        self._store = store

    async def route(self, message: InboundMessage, channel_type: ChannelType) -> str | None:
        bindings = await self._store.list_bindings_for_channel(message.channel_id)
        if not bindings:
            return None
        if len(bindings) == 1:
            return bindings[0].room_id
        rooms: list[Room] = []
        for binding in bindings:
            room = await self._store.get_room(binding.room_id)
            if room is not None:
                rooms.append(room)
        open_rooms = [r for r in rooms if r.accepts_messages]
        for room in open_rooms:
            if await self._store.find_participant(room.id, message.channel_id, message.sender_id):
                return room.id
        pool = open_rooms or rooms
        if not pool:
            return None
        return max(pool, key=lambda r: r.last_activity_at).id


def _factory(settings: object, store: ConversationStore) -> DefaultInboundRoomRouter:
    return DefaultInboundRoomRouter(store)


@hookimpl
def roomkit_register_inbound_routers(register: Register) -> None:
    register(name="default", factory=_factory, description="Route by channel binding")
