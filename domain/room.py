"""Room, its timers and the lifecycle state machine."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import Field

from roomkit.domain.base import Model, new_id, utcnow
from roomkit.domain.enums import RoomStatus
from roomkit.domain.errors import InvalidRoomTransitionError


class RoomTimers(Model):
    """Inactivity timers: ACTIVE -> PAUSED after ``inactive_after_seconds``, then -> CLOSED
    after ``closed_after_seconds`` (both measured from the last activity)."""

    inactive_after_seconds: float | None = Field(default=None, gt=0)
    closed_after_seconds: float | None = Field(default=None, gt=0)


class Room(Model):
    id: str = Field(default_factory=new_id)
    organization_id: str | None = None
    status: RoomStatus = RoomStatus.ACTIVE
    metadata: dict[str, Any] = Field(default_factory=dict)
    timers: RoomTimers = Field(default_factory=RoomTimers)
    event_count: int = 0
    latest_index: int = -1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    last_activity_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None

    @property
    def accepts_messages(self) -> bool:
        return self.status in (RoomStatus.ACTIVE, RoomStatus.PAUSED)


LEGAL_TRANSITIONS: dict[RoomStatus, frozenset[RoomStatus]] = {
    RoomStatus.ACTIVE: frozenset({RoomStatus.PAUSED, RoomStatus.CLOSED}),
    RoomStatus.PAUSED: frozenset({RoomStatus.ACTIVE, RoomStatus.CLOSED}),
    RoomStatus.CLOSED: frozenset({RoomStatus.ARCHIVED}),
    RoomStatus.ARCHIVED: frozenset(),
}


def with_counters_of(room: Room, stored: Room) -> Room:
    """``room`` carrying ``stored``'s counters: a room's event count, latest index and last
    activity move with its appends, so a copy read before some of them must not set them back
    when it is written (the last activity is the later of the two)."""
    counters = {
        "event_count": stored.event_count,
        "latest_index": stored.latest_index,
        "last_activity_at": max(room.last_activity_at, stored.last_activity_at),
    }
    if all(getattr(room, name) == value for name, value in counters.items()):
        return room
    return room.model_copy(update=counters)


def transition(room: Room, target: RoomStatus, now: datetime) -> Room:
    """Return ``room`` in ``target`` status, or raise if the SPEC's state machine forbids it."""
    if target not in LEGAL_TRANSITIONS[room.status]:
        raise InvalidRoomTransitionError(room.id, room.status, target)
    update: dict[str, Any] = {"status": target, "updated_at": now}
    if target is RoomStatus.CLOSED:
        update["closed_at"] = now
    return room.model_copy(update=update)


def due_transition(room: Room, now: datetime) -> RoomStatus | None:
    """The status the timers move ``room`` to at ``now``, or None if nothing is due."""
    idle = now - room.last_activity_at
    timers = room.timers
    if room.status in (RoomStatus.ACTIVE, RoomStatus.PAUSED) and timers.closed_after_seconds:
        if idle >= timedelta(seconds=timers.closed_after_seconds):
            return RoomStatus.CLOSED
    if room.status is RoomStatus.ACTIVE and timers.inactive_after_seconds:
        if idle >= timedelta(seconds=timers.inactive_after_seconds):
            return RoomStatus.PAUSED
    return None
