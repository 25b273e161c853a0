"""Step 1: find the target room and load its context once; re-checked under the room lock.

The first look happens before the lock (identification needs the room), so a message can
wait for the lock while the room is closed or its channel detached. ``recheck`` looks again
once the lock is held: nothing is stored after ``close_room`` returns, and nothing reaches a
binding after ``detach_channel`` returns.

Both looks may use the store's cached snapshot (no round trip on a networked store). The
snapshot's version travels with the state to the append, which the store refuses if the room
changed since (another process's change whose notice has not arrived yet): the store step then
calls ``recheck(fresh=True)`` and appends again.
"""

from __future__ import annotations

from roomkit.application.inbound.state import InboundState
from roomkit.application.runtime import Runtime
from roomkit.domain.channel import ChannelBinding
from roomkit.domain.enums import RoomStatus
from roomkit.domain.errors import ChannelNotFoundError, RoomClosedError
from roomkit.domain.room import Room, transition


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
        context, version = await rt.context_at(room_id, cached=True)
        room = context.room
        _require_open(room)
        if room.status is RoomStatus.PAUSED:
            await rt.store.update_room(transition(room, RoomStatus.ACTIVE, rt.clock.now()))
            context, version = await rt.context_at(room_id, cached=True)
        state.room_id = room.id
        state.context, state.version = context, version
        _check_source(state, context.get_binding(message.channel_id), context.room)
        if state.blocked:
            state.finish()

    async def recheck(self, state: InboundState, *, fresh: bool = False) -> None:
        """Under the room lock: the room and its bindings again, checked again (``fresh``:
        read from the database, after the store refused a stale version)."""
        await recheck(self._rt, state, fresh=fresh)


async def recheck(rt: Runtime, state: InboundState, *, fresh: bool = False) -> None:
    room_id = state.room_id
    assert room_id is not None
    context, state.version = await rt.context_at(room_id, cached=not fresh)
    state.context = context
    _require_open(context.room)
    message = state.message
    if message is not None and not state.blocked:
        _check_source(state, context.get_binding(message.channel_id), context.room)
        if state.blocked:
            state.finish()


def _require_open(room: Room) -> None:
    if not room.accepts_messages:
        raise RoomClosedError(room.id, room.status)


def _check_source(state: InboundState, binding: ChannelBinding | None, room: Room) -> None:
    message = state.message
    assert message is not None
    if binding is None:
        raise ChannelNotFoundError(message.channel_id, room.id)
    state.source_binding = binding
    if not binding.access.can_write:
        state.blocked = True
        state.reason = (
            f"channel {binding.channel_id!r} has {binding.access} access in room {room.id!r}"
        )
    elif binding.muted:
        state.blocked = True
        state.reason = f"channel {binding.channel_id!r} is muted in room {room.id!r}"
