"""InMemoryLockManager: one asyncio.Lock per room, dropped as soon as nobody holds or awaits it."""

from __future__ import annotations

import asyncio
from types import TracebackType

from roomkit.plugins.hookspecs import Register
from roomkit.plugins.markers import hookimpl
from roomkit.ports.locks import RoomLockManager


class _Entry:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class _Held:
    """The ``async with`` object for one room; cheap enough for the per-message hot path."""

    __slots__ = ("_entry", "_manager", "_room_id")

    def __init__(self, manager: InMemoryLockManager, room_id: str) -> None:
        self._manager = manager
        self._room_id = room_id
        self._entry: _Entry | None = None

    async def __aenter__(self) -> None:
        locks = self._manager._locks
        entry = locks.get(self._room_id)
        if entry is None:
            entry = locks[self._room_id] = _Entry()
        entry.users += 1
        self._entry = entry
        try:
            await entry.lock.acquire()
        except BaseException:
            self._leave()
            raise

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._entry is not None
        self._entry.lock.release()
        self._leave()

    def _leave(self) -> None:
        entry = self._entry
        assert entry is not None
        entry.users -= 1
        if entry.users == 0 and self._manager._locks.get(self._room_id) is entry:
            del self._manager._locks[self._room_id]


class InMemoryLockManager(RoomLockManager):
    def __init__(self, settings: object = None) -> None:
        self._locks: dict[str, _Entry] = {}

    def locked(self, room_id: str) -> _Held:
        return _Held(self, room_id)

    async def forget(self, room_id: str) -> None:
        entry = self._locks.get(room_id)
        if entry is not None and entry.users == 0:
            del self._locks[room_id]

    @property
    def held_rooms(self) -> int:
        """How many rooms currently have a lock object (held or awaited)."""
        return len(self._locks)


@hookimpl
def roomkit_register_lock_managers(register: Register) -> None:
    register(name="memory", factory=InMemoryLockManager, description="asyncio locks per room")
