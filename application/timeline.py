"""Reading a room's timeline from either end, at a cost independent of the room's history."""

from __future__ import annotations

from roomkit.application.runtime import Runtime
from roomkit.domain.event import RoomEvent


async def read_timeline(
    runtime: Runtime, room_id: str, *, offset: int = 0, limit: int = 50, newest_first: bool = False
) -> list[RoomEvent]:
    """``limit`` events after skipping ``offset``: from the oldest by default (index order), or
    with ``newest_first`` from the latest, newest first (the last N messages of a chat)."""
    if offset < 0 or limit < 0:
        raise ValueError(f"offset and limit must be >= 0, got offset={offset}, limit={limit}")
    await runtime.require_room(room_id)
    store = runtime.store
    if not newest_first:
        return await store.list_events(room_id, offset=offset, limit=limit)
    count = await store.get_event_count(room_id)
    end = max(count - offset, 0)
    start = max(end - limit, 0)
    events = await store.list_events(room_id, offset=start, limit=end - start) if end else []
    return list(reversed(events))
