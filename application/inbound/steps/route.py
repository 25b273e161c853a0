"""Step 1: find the target room and load its context once."""

from __future__ import annotations

from roomkit.application.inbound.state import InboundState
from roomkit.application.runtime import Runtime
from roomkit.domain.enums import RoomStatus
from roomkit.domain.errors import ChannelNotFoundError, RoomClosedError
from roomkit.domain.room import transition


class RouteStep:
    name = "route"

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    async def __call__(self, state: InboundState) -> None:
        rt = self._rt
        message = state.message
        assert message is not None
        channel = rt.channel(message.channel_id)
        state.channel = channel
        room_id = state.room_id
        if room_id is None:
            room_id = await rt.router.route(message, channel.channel_type)
            if room_id is None:
                raise ChannelNotFoundError(message.channel_id)
        room = await rt.require_room(room_id)
        if not room.accepts_messages:
            raise RoomClosedError(room.id, room.status)
        if room.status is RoomStatus.PAUSED:
            room = await rt.store.update_room(transition(room, RoomStatus.ACTIVE, rt.clock.now()))
        state.room_id = room.id
        context = await rt.context(room)
        state.context = context
        binding = context.get_binding(message.channel_id)
        if binding is None:
            raise ChannelNotFoundError(message.channel_id, room.id)
        state.source_binding = binding
        if not binding.access.can_write:
            state.blocked = True
            state.reason = (
                f"channel {binding.channel_id!r} has {binding.access} access in room {room.id!r}"
            )
            state.finish()
        elif binding.muted:
            state.blocked = True
            state.reason = f"channel {binding.channel_id!r} is muted in room {room.id!r}"
            state.finish()
