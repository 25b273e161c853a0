"""DefaultInboundRoomRouter: the room a channel is bound to, never a guess unless asked for.

The rules, in order (docs/pipeline.md states them for users):

1. the channel is attached to one room: that room;
2. among the open rooms it is attached to, the one where the sender already takes part;
3. a single open room: that room;
4. several candidates: ``AmbiguousRoomError`` naming them, or with ``ambiguous="most_recent"``
   the most recently active one;
5. only closed rooms: the newest, so the pipeline can say the room is closed instead of "no room".
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from roomkit.domain.enums import ChannelType
from roomkit.domain.errors import AmbiguousRoomError
from roomkit.domain.inbound import InboundMessage
from roomkit.domain.room import Room
from roomkit.plugins.hookspecs import Register
from roomkit.plugins.markers import hookimpl
from roomkit.ports.routing import InboundRoomRouter
from roomkit.ports.store import ConversationStore

AmbiguityRule = Literal["error", "most_recent"]


class DefaultRouterSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: what to do when several open rooms are candidates: raise, or pick the latest active
    ambiguous: AmbiguityRule = "error"


class DefaultInboundRoomRouter(InboundRoomRouter):
    """Routes by channel binding and the sender's participation; see the module's rules."""

    def __init__(self, store: ConversationStore, ambiguous: AmbiguityRule = "error") -> None:
        self._store = store
        self.ambiguous = ambiguous

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
        if not open_rooms:
            return _latest(rooms)
        if len(open_rooms) == 1:
            return open_rooms[0].id
        joined = [
            room
            for room in open_rooms
            if await self._store.find_participant(room.id, message.channel_id, message.sender_id)
        ]
        if len(joined) == 1:
            return joined[0].id
        if self.ambiguous == "most_recent":
            return _latest(joined or open_rooms)
        candidates = sorted(r.id for r in (joined or open_rooms))
        raise AmbiguousRoomError(message.channel_id, message.sender_id, candidates)


def _latest(rooms: list[Room]) -> str | None:
    return max(rooms, key=lambda r: r.last_activity_at).id if rooms else None


def _factory(settings: DefaultRouterSettings, store: ConversationStore) -> DefaultInboundRoomRouter:
    return DefaultInboundRoomRouter(store, ambiguous=settings.ambiguous)


@hookimpl
def roomkit_register_inbound_routers(register: Register) -> None:
    register(
        name="default",
        factory=_factory,
        settings=DefaultRouterSettings,
        description="Route by channel binding and the sender's rooms; ambiguity is an error",
    )
