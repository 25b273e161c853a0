"""RoomLockManagerContract: one holder per room at a time, released whatever happens."""

from __future__ import annotations

import asyncio

import pytest

from roomkit.ports.locks import RoomLockManager
from roomkit_contracts.base import ContractSuite, missing_adapter, scenario_helper


class RoomLockManagerContract(ContractSuite, port=RoomLockManager, adapter_fixture="lock_manager"):
    """Subclass it and override the ``lock_manager`` fixture to return a fresh lock manager.

    A manager whose locks are shared between processes (Redis, PostgreSQL advisory locks) sets
    ``process_local = False`` and overrides ``peer_lock_manager`` with a second manager on the
    same backend; the suite then checks the two exclude each other.
    """

    @pytest.fixture
    def lock_manager(self) -> RoomLockManager:
        """A fresh RoomLockManager (must be overridden)."""
        missing_adapter("lock_manager", "RoomLockManager")

    @pytest.fixture
    def peer_lock_manager(self) -> RoomLockManager | None:
        """A second manager sharing locks with ``lock_manager`` (needed if not process_local)."""
        return None

    # capabilities (may be overridden) --------------------------------------------------------
    @property
    def process_local(self) -> bool:
        """True if locks only exclude tasks of this process (asyncio locks)."""
        return True

    @property
    def holders(self) -> int:
        """How many tasks compete for one room in the exclusion tests."""
        return 8

    @property
    def hold_seconds(self) -> float:
        """How long each competing task stays inside the lock."""
        return 0.005

    @property
    def acquire_timeout(self) -> float:
        """Seconds a free lock may take to acquire before the test counts it as stuck."""
        return 2.0

    # scenario helpers (never overridden) -----------------------------------------------------
    @scenario_helper
    async def peak_holders(self, managers: list[RoomLockManager], room_id: str) -> int:
        """Run :attr:`holders` tasks (round-robin over ``managers``) that each hold ``room_id``
        for :attr:`hold_seconds`; return the most that were inside at once."""
        inside = 0
        peak = 0
        done = 0

        async def hold(manager: RoomLockManager) -> None:
            nonlocal inside, peak, done
            async with manager.locked(room_id):
                inside += 1
                peak = max(peak, inside)
                await asyncio.sleep(self.hold_seconds)
                inside -= 1
            done += 1

        n = self.holders
        budget = self.acquire_timeout + n * (self.hold_seconds + 0.05)
        async with asyncio.timeout(budget):
            await asyncio.gather(*(hold(managers[i % len(managers)]) for i in range(n)))
        assert done == n, f"only {done} of {n} holders got through"
        return peak

    @scenario_helper
    async def acquire_and_release(self, manager: RoomLockManager, room_id: str) -> None:
        """Take and release the lock once, failing if it is not free within the timeout."""
        try:
            async with asyncio.timeout(self.acquire_timeout):
                async with manager.locked(room_id):
                    pass
        except TimeoutError:
            pytest.fail(f"lock of {room_id!r} still held after {self.acquire_timeout}s")

    # the adapter -----------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_adapter_implements_the_port(self, lock_manager: RoomLockManager) -> None:
        """The fixture returns a RoomLockManager.

        If this fails, subclass roomkit.ports.locks.RoomLockManager (RoomKit checks it).
        """
        assert isinstance(lock_manager, RoomLockManager), f"{type(lock_manager)!r}"

    # exclusion -------------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_one_holder_per_room(self, lock_manager: RoomLockManager) -> None:
        """Tasks competing for one room's lock enter its block one at a time.

        If this fails, two tasks held the same room's lock at once: locked() must exclude.
        """
        peak = await self.peak_holders([lock_manager], "room")
        assert peak == 1, f"{peak} tasks were inside the same room's lock at once"

    @pytest.mark.asyncio
    async def test_different_rooms_do_not_block_each_other(
        self, lock_manager: RoomLockManager
    ) -> None:
        """Holders of different rooms are inside their blocks at the same time.

        If this fails, the lock is global (or striped too coarsely) instead of per room.
        """
        n = self.holders
        barrier = asyncio.Barrier(n)

        async def hold(room_id: str) -> None:
            async with lock_manager.locked(room_id):
                await barrier.wait()

        try:
            async with asyncio.timeout(self.acquire_timeout):
                await asyncio.gather(*(hold(f"room-{i}") for i in range(n)))
        except TimeoutError:
            pytest.fail(f"{n} different rooms could not all hold their locks at the same time")

    @pytest.mark.asyncio
    async def test_released_when_the_block_raises(self, lock_manager: RoomLockManager) -> None:
        """An exception inside ``async with locked()`` propagates and releases the lock.

        If this fails, release the lock in __aexit__ whatever exc_type is, and do not swallow it.
        """

        class Boom(Exception):
            pass

        with pytest.raises(Boom):
            async with lock_manager.locked("room"):
                raise Boom
        await self.acquire_and_release(lock_manager, "room")
        assert await self.peak_holders([lock_manager], "room") == 1

    @pytest.mark.asyncio
    async def test_released_when_the_holder_is_cancelled(
        self, lock_manager: RoomLockManager
    ) -> None:
        """Cancelling the task that holds the lock releases it.

        If this fails, CancelledError (a BaseException) inside the block leaked the lock.
        """
        entered = asyncio.Event()

        async def holder() -> None:
            async with lock_manager.locked("room"):
                entered.set()
                await asyncio.sleep(60)

        task = asyncio.create_task(holder())
        async with asyncio.timeout(self.acquire_timeout):
            await entered.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await self.acquire_and_release(lock_manager, "room")

    @pytest.mark.asyncio
    async def test_cancelled_waiter_does_not_break_the_lock(
        self, lock_manager: RoomLockManager
    ) -> None:
        """A task cancelled while waiting for the lock leaves it usable and exclusive.

        If this fails, a waiter cancelled during acquire kept (or corrupted) the lock.
        """
        entered = asyncio.Event()
        release = asyncio.Event()

        async def holder() -> None:
            async with lock_manager.locked("room"):
                entered.set()
                await release.wait()

        async def waiter() -> None:
            async with lock_manager.locked("room"):
                pytest.fail("the waiter got the lock while it was held")

        holding = asyncio.create_task(holder())
        async with asyncio.timeout(self.acquire_timeout):
            await entered.wait()
        waiting = asyncio.create_task(waiter())
        await asyncio.sleep(self.hold_seconds)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        release.set()
        async with asyncio.timeout(self.acquire_timeout):
            await holding
        await self.acquire_and_release(lock_manager, "room")
        assert await self.peak_holders([lock_manager], "room") == 1

    # forget ----------------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_forget_after_use_then_reuse(self, lock_manager: RoomLockManager) -> None:
        """forget() on a room that was used leaves the room usable and exclusive.

        If this fails, forget() broke later use of the same room id.
        """
        await self.acquire_and_release(lock_manager, "room")
        await lock_manager.forget("room")
        await self.acquire_and_release(lock_manager, "room")
        assert await self.peak_holders([lock_manager], "room") == 1

    @pytest.mark.asyncio
    async def test_forget_unknown_room_is_harmless(self, lock_manager: RoomLockManager) -> None:
        """forget() of a room never locked does nothing.

        If this fails, forget() raised for a room it holds nothing for.
        """
        await lock_manager.forget("never-locked")
        await self.acquire_and_release(lock_manager, "never-locked")

    @pytest.mark.asyncio
    async def test_forget_while_held_keeps_excluding(self, lock_manager: RoomLockManager) -> None:
        """forget() while a task holds the room does not let a second holder in.

        If this fails, forget() dropped a lock in use: only drop it when nobody holds or awaits it.
        """
        entered = asyncio.Event()
        release = asyncio.Event()
        inside = 0
        peak = 0

        async def holder(signal: bool) -> None:
            nonlocal inside, peak
            async with lock_manager.locked("room"):
                inside += 1
                peak = max(peak, inside)
                if signal:
                    entered.set()
                    await release.wait()
                else:
                    await asyncio.sleep(self.hold_seconds)
                inside -= 1

        first = asyncio.create_task(holder(True))
        async with asyncio.timeout(self.acquire_timeout):
            await entered.wait()
        await lock_manager.forget("room")
        second = asyncio.create_task(holder(False))
        await asyncio.sleep(self.hold_seconds * 4)
        release.set()
        async with asyncio.timeout(self.acquire_timeout + 1):
            await asyncio.gather(first, second)
        assert peak == 1, "a second task entered the lock after forget() while it was held"

    # across processes ------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_peer_managers_exclude_each_other(
        self, lock_manager: RoomLockManager, peer_lock_manager: RoomLockManager | None
    ) -> None:
        """Two managers on the same backend exclude each other (process_local = False only).

        If this fails, the lock lives in the process instead of the shared backend.
        """
        if self.process_local:
            pytest.skip("process_local = True: locks only exclude tasks of one process")
        if peer_lock_manager is None:
            pytest.fail(
                "process_local = False: override `peer_lock_manager` to return a second manager "
                "on the same backend",
                pytrace=False,
            )
        peak = await self.peak_holders([lock_manager, peer_lock_manager], "room")
        assert peak == 1, f"{peak} tasks held the room at once through two managers"
