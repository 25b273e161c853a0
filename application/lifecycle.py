"""Room lifecycle: create, close, archive, metadata, and the inactivity timers."""

from __future__ import annotations

from typing import Any

from roomkit.application.runtime import Runtime
from roomkit.domain.base import new_id
from roomkit.domain.content import SystemContent
from roomkit.domain.context import RoomContext
from roomkit.domain.enums import EventType, HookTrigger, RoomStatus
from roomkit.domain.errors import RoomAlreadyExistsError
from roomkit.domain.event import EventSource, RoomEvent
from roomkit.domain.room import Room, RoomTimers, due_transition, transition
from roomkit.domain.validation import check_id

_TRIGGERS = {
    RoomStatus.PAUSED: (HookTrigger.ON_ROOM_PAUSED, EventType.ROOM_PAUSED, "room_paused"),
    RoomStatus.CLOSED: (HookTrigger.ON_ROOM_CLOSED, EventType.ROOM_CLOSED, "room_closed"),
}


def lifecycle_event(room_id: str, kind: EventType, body: str, **data: Any) -> RoomEvent:
    """A system event handed to lifecycle hooks; it is not stored in the timeline."""
    return RoomEvent(
        room_id=room_id,
        type=kind,
        source=EventSource(channel_id="roomkit"),
        content=SystemContent(body=body, code=str(kind), data=data),
    )


class RoomLifecycle:
    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    async def create(
        self,
        room_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        timers: RoomTimers | None = None,
        organization_id: str | None = None,
    ) -> Room:
        rt = self._rt
        room_id = new_id() if room_id is None else check_id(room_id, "room_id")
        if await rt.store.get_room(room_id) is not None:
            raise RoomAlreadyExistsError(room_id)
        now = rt.clock.now()
        room = Room(
            id=room_id,
            metadata=dict(metadata or {}),
            timers=timers or RoomTimers(),
            organization_id=organization_id,
            created_at=now,
            updated_at=now,
            last_activity_at=now,
        )
        room = await rt.store.create_room(room)
        await self._notify(
            room, HookTrigger.ON_ROOM_CREATED, EventType.ROOM_CREATED, "room_created"
        )
        return room

    async def close(self, room_id: str) -> Room:
        return await self._move(await self._rt.require_room(room_id), RoomStatus.CLOSED)

    async def archive(self, room_id: str) -> Room:
        return await self._move(await self._rt.require_room(room_id), RoomStatus.ARCHIVED)

    async def update_metadata(self, room_id: str, metadata: dict[str, Any]) -> Room:
        room = await self._rt.require_room(room_id)
        merged = {**room.metadata, **metadata}
        return await self._rt.store.update_room(
            room.model_copy(update={"metadata": merged, "updated_at": self._rt.clock.now()})
        )

    async def set_timers(self, room_id: str, timers: RoomTimers) -> Room:
        room = await self._rt.require_room(room_id)
        return await self._rt.store.update_room(room.model_copy(update={"timers": timers}))

    async def check_timers(self, room_id: str) -> Room:
        room = await self._rt.require_room(room_id)
        target = due_transition(room, self._rt.clock.now())
        return room if target is None else await self._move(room, target)

    async def check_all(self) -> list[Room]:
        moved: list[Room] = []
        now = self._rt.clock.now()
        offset, page = 0, 500
        while True:
            rooms = await self._rt.store.list_rooms(offset=offset, limit=page)
            for room in rooms:
                target = due_transition(room, now)
                if target is not None:
                    moved.append(await self._move(room, target))
            if len(rooms) < page:
                return moved
            offset += page

    async def _move(self, room: Room, target: RoomStatus) -> Room:
        rt = self._rt
        async with rt.room_lock(room.id):
            current = await rt.require_room(room.id)
            updated = await rt.store.update_room(transition(current, target, rt.clock.now()))
        if target in (RoomStatus.CLOSED, RoomStatus.ARCHIVED):
            await rt.locks.forget(room.id)
        if target in _TRIGGERS:
            trigger, kind, name = _TRIGGERS[target]
            await self._notify(updated, trigger, kind, name)
        return updated

    async def _notify(self, room: Room, trigger: HookTrigger, kind: EventType, name: str) -> None:
        rt = self._rt
        if rt.hooks.has_hooks(trigger, room.id):
            context = RoomContext(room=room, bindings=await rt.store.list_bindings(room.id))
            await rt.hooks.run_async(
                trigger,
                lifecycle_event(room.id, kind, f"{name.replace('_', ' ')}: {room.id}"),
                context,
            )
        await rt.events.emit(name, room_id=room.id, status=str(room.status))
