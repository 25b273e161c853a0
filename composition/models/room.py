"""Rooms and their timers."""

from roomkit.domain.room import Room, RoomTimers

__all__ = ["Room", "RoomTimers"]
