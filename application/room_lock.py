"""Holding a room's lock, re-entrantly for the task that holds it (and the tasks it awaits).

A hook or channel that closes the room or detaches a channel while the pipeline holds the
room's lock would otherwise wait for itself forever. The holder is remembered per process;
tasks started by the holder inherit the context variable and pass through while the holder
still has the lock.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from types import TracebackType
from typing import TYPE_CHECKING

from roomkit.ports.locks import RoomLockManager

if TYPE_CHECKING:
    from contextlib import AbstractAsyncContextManager

_mine: ContextVar[tuple[tuple[str, object], ...]] = ContextVar("roomkit_held_rooms", default=())


class RoomHold:
    """``async with RoomHold(...)``: the room's lock, unless this task already holds it."""

    __slots__ = ("_cv", "_holders", "_inner", "_locks", "_mark", "_room_id")

    def __init__(self, locks: RoomLockManager, holders: dict[str, object], room_id: str) -> None:
        self._locks = locks
        self._holders = holders
        self._room_id = room_id
        self._inner: AbstractAsyncContextManager[None] | None = None
        self._cv: Token[tuple[tuple[str, object], ...]] | None = None
        self._mark: object = None

    async def __aenter__(self) -> None:
        room_id = self._room_id
        current = self._holders.get(room_id)
        held = _mine.get()
        if current is not None and (room_id, current) in held:
            return  # re-entrant: this task (or the one awaiting it) holds the lock
        inner = self._locks.locked(room_id)
        await inner.__aenter__()
        self._inner = inner
        self._mark = mark = object()
        self._holders[room_id] = mark
        self._cv = _mine.set((*held, (room_id, mark)))

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        inner = self._inner
        if inner is None:
            return
        self._inner = None
        if self._holders.get(self._room_id) is self._mark:
            del self._holders[self._room_id]
        if self._cv is not None:
            try:
                _mine.reset(self._cv)
            except ValueError:  # exited from another context: nothing of ours to undo there
                pass
            self._cv = None
        await inner.__aexit__(exc_type, exc, tb)
