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

from roomkit.application.inbound.room_checks import check_source, recheck, require_open
from roomkit.application.inbound.state import InboundState
from roomkit.application.runtime import Runtime
from roomkit.domain.enums import RoomStatus
from roomkit.domain.errors import ChannelNotFoundError
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
        snapshot = await rt.snapshot_at(room_id, cached=True)
        room = snapshot.room
        require_open(room)
        if room.status is RoomStatus.PAUSED:
            await rt.store.update_room(transition(room, RoomStatus.ACTIVE, rt.clock.now()))
            snapshot = await rt.snapshot_at(room_id, cached=True)
        state.room_id = room.id
        state.snapshot, state.version = snapshot, snapshot.version
        state.context = context = rt.context_of(snapshot)
        check_source(state, context.get_binding(message.channel_id), context.room)
        if state.blocked:
            state.finish()

    async def recheck(self, state: InboundState, *, fresh: bool = False) -> None:
        """Under the room lock: the room and its bindings again, checked again (``fresh``:
        read from the database, after the store refused a stale version)."""
        await recheck(self._rt, state, fresh=fresh)
