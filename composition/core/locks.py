"""Room locks."""

from roomkit.plugins.builtin.memory_locks import InMemoryLockManager
from roomkit.ports.locks import RoomLockManager

__all__ = ["InMemoryLockManager", "RoomLockManager"]
