"""The room state machine and the timers rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from roomkit.domain.enums import RoomStatus
from roomkit.domain.errors import InvalidRoomTransitionError
from roomkit.domain.room import Room, RoomTimers, due_transition, transition

T0 = datetime(2026, 1, 1, tzinfo=UTC)

LEGAL = [
    (RoomStatus.ACTIVE, RoomStatus.PAUSED),
    (RoomStatus.ACTIVE, RoomStatus.CLOSED),
    (RoomStatus.PAUSED, RoomStatus.ACTIVE),
    (RoomStatus.PAUSED, RoomStatus.CLOSED),
    (RoomStatus.CLOSED, RoomStatus.ARCHIVED),
]


@pytest.mark.parametrize(("start", "target"), LEGAL)
def test_legal_transitions(start: RoomStatus, target: RoomStatus) -> None:
    room = Room(id="r", status=start)
    moved = transition(room, target, T0)
    assert moved.status is target and room.status is start
    if target is RoomStatus.CLOSED:
        assert moved.closed_at == T0


@pytest.mark.parametrize(
    ("start", "target"),
    [(s, t) for s in RoomStatus for t in RoomStatus if (s, t) not in LEGAL],
)
def test_illegal_transitions_raise(start: RoomStatus, target: RoomStatus) -> None:
    with pytest.raises(InvalidRoomTransitionError, match=f"from {start} to {target}"):
        transition(Room(id="r", status=start), target, T0)


def test_timers() -> None:
    room = Room(
        id="r",
        timers=RoomTimers(inactive_after_seconds=60, closed_after_seconds=300),
        last_activity_at=T0,
    )
    assert due_transition(room, T0 + timedelta(seconds=59)) is None
    assert due_transition(room, T0 + timedelta(seconds=60)) is RoomStatus.PAUSED
    paused = room.model_copy(update={"status": RoomStatus.PAUSED})
    assert due_transition(paused, T0 + timedelta(seconds=120)) is None
    assert due_transition(paused, T0 + timedelta(seconds=300)) is RoomStatus.CLOSED
    assert due_transition(room, T0 + timedelta(seconds=400)) is RoomStatus.CLOSED
    closed = room.model_copy(update={"status": RoomStatus.CLOSED})
    assert due_transition(closed, T0 + timedelta(days=9)) is None


def test_models_are_immutable() -> None:
    from pydantic import ValidationError

    room = Room(id="r")
    with pytest.raises(ValidationError, match="frozen"):
        room.status = RoomStatus.CLOSED  # type: ignore[misc]
