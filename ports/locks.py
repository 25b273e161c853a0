"""RoomLockManager: at most one holder of a room's lock at a time."""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractAsyncContextManager


class RoomLockManager(ABC):
    @abstractmethod
    def locked(self, room_id: str) -> AbstractAsyncContextManager[None]:
        """Hold the room's lock for the ``async with`` block; released on error too."""

    @abstractmethod
    async def forget(self, room_id: str) -> None:
        """Drop what is kept for a room that is closed, so lock objects do not pile up."""

    async def close(self) -> None:
        """Release connections, if any."""
