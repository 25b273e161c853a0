"""The checks of a message's room, made before the room's lock and again under it: the room
accepts messages, and the source channel is attached and may write. Shared by the route step
and the store step (which re-checks after the store refused a stale snapshot version)."""

from __future__ import annotations

from roomkit.application.inbound.state import InboundState
from roomkit.application.runtime import Runtime
from roomkit.domain.channel import ChannelBinding
from roomkit.domain.errors import ChannelNotFoundError, RoomClosedError
from roomkit.domain.room import Room


async def recheck(rt: Runtime, state: InboundState, *, fresh: bool = False) -> None:
    """Under the room's lock: the room and its bindings again (``fresh``: from the database,
    not a cache), checked again; the state gets the context and its version."""
    room_id = state.room_id
    assert room_id is not None
    snapshot = await rt.snapshot_at(room_id, cached=not fresh)
    if snapshot is state.snapshot and not fresh:
        return  # the store's very snapshot of the first look: the room is as it was checked
    state.snapshot, state.version = snapshot, snapshot.version
    state.context = context = rt.context_of(snapshot)
    require_open(context.room)
    message = state.message
    if message is not None and not state.blocked:
        check_source(state, context.get_binding(message.channel_id), context.room)
        if state.blocked:
            state.finish()


def require_open(room: Room) -> None:
    if not room.accepts_messages:
        raise RoomClosedError(room.id, room.status)


def check_source(state: InboundState, binding: ChannelBinding | None, room: Room) -> None:
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
