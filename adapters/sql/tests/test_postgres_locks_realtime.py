"""Advisory-lock room locks and LISTEN/NOTIFY realtime pass their contracts across two managers
or backends on the same PostgreSQL (two "processes")."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from roomkit_sql.locks import PostgresLockManager
from roomkit_sql.realtime import PostgresRealtime

from roomkit.domain.enums import EphemeralEventType
from roomkit.domain.realtime import EphemeralEvent
from roomkit_contracts import RealtimeBackendContract, RoomLockManagerContract

PG_DSN = os.environ.get("ROOMKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


async def require_postgres() -> None:
    import asyncpg

    try:
        conn = await asyncpg.connect(PG_DSN, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI and not reachable at {PG_DSN}")
        pytest.skip(f"PostgreSQL not reachable at {PG_DSN} (set ROOMKIT_TEST_POSTGRES)")
    await conn.close()


class TestPostgresLocks(RoomLockManagerContract):
    process_local = False

    @pytest_asyncio.fixture
    async def lock_manager(self) -> AsyncIterator[PostgresLockManager]:
        await require_postgres()
        manager = PostgresLockManager(PG_DSN, timeout=10)
        yield manager
        await manager.close()

    @pytest_asyncio.fixture
    async def peer_lock_manager(self) -> AsyncIterator[PostgresLockManager]:
        manager = PostgresLockManager(PG_DSN, timeout=10)
        yield manager
        await manager.close()


class TestPostgresRealtime(RealtimeBackendContract):
    process_local = False

    @pytest_asyncio.fixture
    async def realtime(self) -> AsyncIterator[PostgresRealtime]:
        await require_postgres()
        backend = PostgresRealtime(PG_DSN, channel=f"rk_{os.getpid()}_{id(self)}")
        yield backend
        await backend.close()

    @pytest_asyncio.fixture
    async def peer_realtime(self, realtime: PostgresRealtime) -> AsyncIterator[PostgresRealtime]:
        backend = PostgresRealtime(PG_DSN, channel=realtime.channel)
        yield backend
        await backend.close()


async def test_payloads_over_the_notify_limit_are_delivered() -> None:
    await require_postgres()
    a = PostgresRealtime(PG_DSN, channel="rk_big")
    b = PostgresRealtime(PG_DSN, channel="rk_big")
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


async def test_lock_wait_times_out_clearly() -> None:
    await require_postgres()
    from roomkit_sql.locks import LockTimeoutError

    holder = PostgresLockManager(PG_DSN)
    waiter = PostgresLockManager(PG_DSN, timeout=0.3)
    try:
        async with holder.locked("busy-room"):
            with pytest.raises(LockTimeoutError, match="'busy-room' stayed locked"):
                async with waiter.locked("busy-room"):
                    pass
    finally:
        await holder.close()
        await waiter.close()
