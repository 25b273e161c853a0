"""Advisory-lock room locks and LISTEN/NOTIFY realtime pass their contracts across two managers
or backends on the same PostgreSQL (two "processes")."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from roomkit_sql.locks import PostgresLockManager
from roomkit_sql.realtime import PostgresRealtime

from roomkit.domain.enums import EphemeralEventType
from roomkit.domain.realtime import EphemeralEvent
from roomkit_contracts import RealtimeBackendContract, RoomLockManagerContract


class TestPostgresLocks(RoomLockManagerContract):
    process_local = False

    @pytest.fixture
    def namespace(self) -> str:
        """Rooms of this test only: other runs on the same database use the same room names."""
        return f"t{uuid.uuid4().hex[:10]}"

    @pytest_asyncio.fixture
    async def lock_manager(self, pg_dsn: str, namespace: str) -> AsyncIterator[PostgresLockManager]:
        manager = PostgresLockManager(pg_dsn, timeout=10, namespace=namespace)
        yield manager
        await manager.close()

    @pytest_asyncio.fixture
    async def peer_lock_manager(
        self, pg_dsn: str, namespace: str
    ) -> AsyncIterator[PostgresLockManager]:
        manager = PostgresLockManager(pg_dsn, timeout=10, namespace=namespace)
        yield manager
        await manager.close()


class TestPostgresRealtime(RealtimeBackendContract):
    process_local = False

    @pytest_asyncio.fixture
    async def realtime(self, pg_dsn: str) -> AsyncIterator[PostgresRealtime]:
        backend = PostgresRealtime(pg_dsn, channel=f"rk_{os.getpid()}_{id(self)}")
        yield backend
        await backend.close()

    @pytest_asyncio.fixture
    async def peer_realtime(
        self, realtime: PostgresRealtime, pg_dsn: str
    ) -> AsyncIterator[PostgresRealtime]:
        backend = PostgresRealtime(pg_dsn, channel=realtime.channel)
        yield backend
        await backend.close()


async def test_payloads_over_the_notify_limit_are_delivered(pg_dsn: str) -> None:
    a = PostgresRealtime(pg_dsn, channel="rk_big")
    b = PostgresRealtime(pg_dsn, channel="rk_big")
    got: list[EphemeralEvent] = []
    done = asyncio.Event()

    async def receive(event: EphemeralEvent) -> None:
        got.append(event)
        done.set()

    try:
        await b.subscribe("room", receive)
        big = EphemeralEvent(
            room_id="room", type=EphemeralEventType.CUSTOM, user_id="u", data={"blob": "x" * 20_000}
        )
        await a.publish(big)
        await asyncio.wait_for(done.wait(), 5)
        assert got[0].data["blob"] == "x" * 20_000 and got[0].id == big.id
    finally:
        await a.close()
        await b.close()


async def test_lock_wait_times_out_clearly(pg_dsn: str) -> None:
    from roomkit_sql.locks import LockTimeoutError

    holder = PostgresLockManager(pg_dsn)
    waiter = PostgresLockManager(pg_dsn, timeout=0.3)
    try:
        async with holder.locked("busy-room"):
            with pytest.raises(LockTimeoutError, match="'busy-room' stayed locked"):
                async with waiter.locked("busy-room"):
                    pass
    finally:
        await holder.close()
        await waiter.close()


async def test_namespaces_keep_same_named_rooms_apart(pg_dsn: str) -> None:
    tag = uuid.uuid4().hex[:8]
    first = PostgresLockManager(pg_dsn, timeout=5, namespace=f"{tag}-a")
    second = PostgresLockManager(pg_dsn, timeout=5, namespace=f"{tag}-b")
    same = PostgresLockManager(pg_dsn, timeout=0.3, namespace=f"{tag}-a")
    try:
        async with first.locked("room-1"):
            async with second.locked("room-1"):  # another deployment's room-1: not blocked
                pass
            from roomkit_sql.locks import LockTimeoutError

            with pytest.raises(LockTimeoutError):  # the same deployment's room-1 is
                async with same.locked("room-1"):
                    pass
    finally:
        for manager in (first, second, same):
            await manager.close()


async def test_a_busy_process_hands_the_room_to_a_waiting_peer(pg_dsn: str) -> None:
    """A process with a steady queue for a room keeps the advisory lock for at most
    ``handovers`` messages in a row: a peer process waiting for the room gets it in between,
    and no two holders are ever inside at once."""
    namespace = f"t{uuid.uuid4().hex[:10]}"
    busy = PostgresLockManager(pg_dsn, timeout=20, handovers=3, namespace=namespace)
    peer = PostgresLockManager(pg_dsn, timeout=20, namespace=namespace)
    order: list[str] = []
    inside = 0

    async def hold(manager: PostgresLockManager, who: str) -> None:
        nonlocal inside
        async with manager.locked("room"):
            inside += 1
            assert inside == 1
            order.append(who)
            await asyncio.sleep(0.01)
            inside -= 1

    try:
        async with busy.locked("room"):  # the busy process holds the room; both queue up
            queued = [asyncio.create_task(hold(busy, "busy")) for _ in range(12)]
            waiting = asyncio.create_task(hold(peer, "peer"))
            await asyncio.sleep(0.3)  # the peer is waiting in PostgreSQL by now
        await asyncio.wait_for(asyncio.gather(*queued, waiting), 20)
    finally:
        await busy.close()
        await peer.close()
    assert order.count("busy") == 12 and order.count("peer") == 1
    assert order.index("peer") <= 3  # after at most three hand-overs inside the busy process


async def test_a_connection_whose_unlock_failed_is_closed_and_the_room_freed(
    pg_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lock's connection goes back to be lent again only once the unlock went through: one
    whose unlock failed may still hold the advisory lock, so it is closed (which releases it)."""
    import asyncpg

    namespace = f"t{uuid.uuid4().hex[:10]}"
    manager = PostgresLockManager(pg_dsn, timeout=10, max_size=1, namespace=namespace)
    peer = PostgresLockManager(pg_dsn, timeout=10, namespace=namespace)
    real_execute = asyncpg.Connection.execute
    failed: list[int] = []

    async def unlock_fails_once(
        self: asyncpg.Connection, query: str, *args: object, **options: object
    ) -> str:
        if "pg_advisory_unlock(" in query and not failed:
            failed.append(self.get_server_pid())
            raise ConnectionError("the unlock did not reach the server")
        return str(await real_execute(self, query, *args, **options))

    monkeypatch.setattr(asyncpg.Connection, "execute", unlock_fails_once)
    try:
        async with manager.locked("room"):
            pass
        async with asyncio.timeout(10):
            async with peer.locked("room"):  # free again: its holder's session ended
                pass
        assert failed, "the unlock was not attempted"
        admin = await asyncpg.connect(pg_dsn)
        try:
            alive = await admin.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", failed[0]
            )
        finally:
            await admin.close()
        assert alive == 0
        async with asyncio.timeout(10):
            async with manager.locked("room"):  # its one place went to a new connection
                pass
    finally:
        await manager.close()
        await peer.close()


async def test_a_room_left_moments_ago_is_kept_for_the_same_process(
    pg_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After its last holder leaves, the room's advisory lock is kept ``linger`` seconds: a task
    of the same process takes it again without asking PostgreSQL while a peer process waits, at
    most ``handovers`` times per acquisition, and ``close`` releases what is kept."""
    import asyncpg
    from roomkit_sql.locks import LockTimeoutError

    real_execute = asyncpg.Connection.execute
    acquisitions: list[str] = []

    async def counting(
        self: asyncpg.Connection, query: str, *args: object, **options: object
    ) -> str:
        if "pg_advisory_lock(" in query:
            acquisitions.append(query)
        return str(await real_execute(self, query, *args, **options))

    monkeypatch.setattr(asyncpg.Connection, "execute", counting)
    namespace = f"t{uuid.uuid4().hex[:10]}"
    manager = PostgresLockManager(pg_dsn, timeout=10, linger=600, handovers=2, namespace=namespace)
    impatient = PostgresLockManager(pg_dsn, timeout=0.3, namespace=namespace)
    patient = PostgresLockManager(pg_dsn, timeout=10, namespace=namespace)
    try:
        async with manager.locked("room"):
            pass
        with pytest.raises(LockTimeoutError):  # kept for this process
            async with impatient.locked("room"):
                pass
        for _ in range(2):  # the two hand-overs: no new acquisition
            async with manager.locked("room"):
                pass
        assert len(acquisitions) == 2  # the manager's one and the impatient peer's
        async with patient.locked("room"):  # released after the last hand-over
            pass
        async with manager.locked("room"):
            pass
        assert len(acquisitions) == 4
        with pytest.raises(LockTimeoutError):
            async with impatient.locked("room"):
                pass
        await manager.close()
        async with patient.locked("room"):
            pass
    finally:
        for each in (manager, impatient, patient):
            await each.close()


async def test_a_kept_room_is_released_once_its_time_is_up(pg_dsn: str) -> None:
    namespace = f"t{uuid.uuid4().hex[:10]}"
    manager = PostgresLockManager(pg_dsn, timeout=10, linger=0.05, namespace=namespace)
    peer = PostgresLockManager(pg_dsn, timeout=30, namespace=namespace)
    try:
        async with manager.locked("room"):
            pass
        async with peer.locked("room"):  # the manager has stopped waiting for its own tasks
            pass
    finally:
        await manager.close()
        await peer.close()


async def test_a_kept_room_gives_its_connection_to_another_room(pg_dsn: str) -> None:
    """With every lock connection taken, a room's lock kept for the process's next message is
    released for a room that is waited for now, instead of that room waiting out ``linger``."""
    namespace = f"t{uuid.uuid4().hex[:10]}"
    manager = PostgresLockManager(pg_dsn, timeout=10, max_size=1, linger=600, namespace=namespace)
    peer = PostgresLockManager(pg_dsn, timeout=10, namespace=namespace)
    try:
        async with manager.locked("first"):
            pass
        async with manager.locked("second"):  # the one connection, taken from "first"
            async with peer.locked("first"):  # which is free again
                pass
    finally:
        await manager.close()
        await peer.close()


async def test_waiting_for_a_lock_connection_counts_against_the_timeout(pg_dsn: str) -> None:
    """A room whose lock waits for one of the manager's connections (all holding other rooms)
    fails with LockTimeoutError after ``timeout`` too, instead of waiting forever."""
    from roomkit_sql.locks import LockTimeoutError

    namespace = f"t{uuid.uuid4().hex[:10]}"
    manager = PostgresLockManager(pg_dsn, timeout=0.3, max_size=1, linger=0, namespace=namespace)
    try:
        async with manager.locked("busy"):
            with pytest.raises(LockTimeoutError, match="'other' stayed locked"):
                async with asyncio.timeout(30):
                    async with manager.locked("other"):
                        pass
    finally:
        await manager.close()
