"""What the SQL stores keep of rooms between messages: parsed models by their stored JSON, and
a room's snapshot as this process last read or wrote it."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from roomkit.domain.base import evolve
from roomkit.domain.channel import ChannelBinding
from roomkit.domain.event import RoomEvent
from roomkit.domain.participant import Participant
from roomkit.domain.room import Room
from roomkit.ports.store import RoomSnapshot


class Parsed[M]:
    """Models parsed from stored JSON, by its exact text: identical bytes, identical (frozen)
    model, so a room's bindings and recent events are not parsed again on every message."""

    def __init__(self, parse: Callable[[str], M], size: int = 4096) -> None:
        self._parse = parse
        self._size = size
        self._seen: OrderedDict[str, M] = OrderedDict()

    def __call__(self, text: str) -> M:
        model = self._seen.get(text)
        if model is None:
            model = self._seen[text] = self._parse(text)
            if len(self._seen) > self._size:
                self._seen.popitem(last=False)
        return model


class CachedRoom:
    """One room's snapshot as this process last read or wrote it."""

    __slots__ = ("bindings", "count", "events", "limit", "participants", "room", "version")

    def __init__(
        self,
        room: Room,
        bindings: list[ChannelBinding],
        participants: list[Participant],
        events: list[RoomEvent],
        limit: int,
        version: int,
        count: int,
    ) -> None:
        self.room, self.bindings, self.participants = room, bindings, participants
        self.events, self.limit, self.version, self.count = events, limit, version, count

    def snapshot(self) -> RoomSnapshot:
        return RoomSnapshot(
            self.room,
            list(self.bindings),
            list(self.participants),
            list(self.events),
            self.version,
        )

    def appended(self, stored: RoomEvent) -> None:
        """Our own append, made on this very state: the room moves on without a read."""
        room = self.room
        self.room = evolve(
            room,
            event_count=stored.index + 1,
            latest_index=stored.index,
            last_activity_at=max(room.last_activity_at, stored.created_at),
        )
        self.count = stored.index + 1
        if self.limit:
            self.events = [*self.events[1 - self.limit :], stored] if self.limit > 1 else [stored]

    def caught_up(self, room: Room, between: list[RoomEvent], stored: RoomEvent) -> None:
        """Our append, made after other processes' events ``between`` (the newest of them):
        the room as that append left it."""
        self.room = room
        self.count = stored.index + 1
        if self.limit:
            self.events = [*self.events, *between, stored][-self.limit :]
