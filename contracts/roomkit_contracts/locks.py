"""RoomLockManagerContract: mutual exclusion per room, released on error."""

from __future__ import annotations

import asyncio

import pytest

from roomkit.ports.locks import RoomLockManager
from roomkit_contracts.base import ContractSuite

pytestmark = [pytest.mark.contract]


class RoomLockManagerContract(ContractSuite):
    """Subclass it and override the ``locks`` fixture to return a fresh lock manager."""

    holders: int = 8

    @pytest.fixture
    def locks(self) -> RoomLockManager:
        pytest.fail("override the `locks` fixture to return a fresh RoomLockManager")

    @staticmethod
    async def max_concurrency(locks: RoomLockManager, rooms: list[str]) -> int:
        """Run one holder per entry of ``rooms``; return how many were inside at once."""
        inside = 0
        peak = 0

        async def hold(room_id: str) -> None:
            nonlocal inside, peak
            async with locks.locked(room_id):
                inside += 1
                peak = max(peak, inside)
                await asyncio.sleep(0.005)
                inside -= 1

        await asyncio.gather(*(hold(r) for r in rooms))
        return peak

    @pytest.mark.asyncio
    async def test_one_holder_per_room(self, locks: RoomLockManager) -> None:
        """If this fails, two tasks held the same room's lock at once."""
        assert await self.max_concurrency(locks, ["room"] * self.holders) == 1

    @pytest.mark.asyncio
    async def test_different_rooms_do_not_block_each_other(self, locks: RoomLockManager) -> None:
        """If this fails, the lock is global instead of per room."""
        rooms = [f"room-{i}" for i in range(self.holders)]
        assert await self.max_concurrency(locks, rooms) == self.holders

    @pytest.mark.asyncio
    async def test_released_when_the_block_raises(self, locks: RoomLockManager) -> None:
        """If this fails, an exception inside ``async with`` left the room locked."""
        with pytest.raises(RuntimeError):
            async with locks.locked("room"):
                raise RuntimeError("boom")
        async with asyncio.timeout(1):
            async with locks.locked("room"):
                pass

    @pytest.mark.asyncio
    async def test_released_when_the_holder_is_cancelled(self, locks: RoomLockManager) -> None:
        """If this fails, cancelling a holder leaked the lock."""
        entered = asyncio.Event()

        async def holder() -> None:
            async with locks.locked("room"):
                entered.set()
                await asyncio.sleep(10)

        task = asyncio.create_task(holder())
        await entered.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        async with asyncio.timeout(1):
            async with locks.locked("room"):
                pass

    @pytest.mark.asyncio
    async def test_forget_then_reuse(self, locks: RoomLockManager) -> None:
        """If this fails, forget() broke later use of the same room."""
        async with locks.locked("room"):
            pass
        await locks.forget("room")
        assert await self.max_concurrency(locks, ["room"] * 3) == 1
