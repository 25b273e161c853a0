"""PostgresLockManager: room locks that exclude every process on the database.

Each held lock is a session-level advisory lock on its own pooled connection, keyed by a 64-bit
hash of the room id: PostgreSQL releases it if that connection dies, so a crashed process never
leaves a room locked.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from roomkit.domain.errors import RoomKitError
from roomkit.ports.locks import RoomLockManager


class LockTimeoutError(RoomKitError):
    def __init__(self, room_id: str, seconds: float) -> None:
        super().__init__(f"room {room_id!r} stayed locked for more than {seconds}s")


def plain_dsn(dsn: str) -> str:
    """asyncpg wants ``postgresql://``; SQLAlchemy-style ``postgresql+asyncpg://`` is accepted."""
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", dsn)


class PostgresLockManager(RoomLockManager):
    def __init__(
        self, dsn: str, *, timeout: float = 30.0, max_size: int = 20, connect_timeout: float = 10.0
    ) -> None:
        self.dsn = plain_dsn(dsn)
        self.timeout = timeout
        self.max_size = max_size
        self.connect_timeout = connect_timeout
        self._pool: Any = None
        self._pool_lock = asyncio.Lock()

    async def _get_pool(self) -> Any:
        async with self._pool_lock:
            if self._pool is None:
                import asyncpg

                self._pool = await asyncpg.create_pool(
                    self.dsn, min_size=1, max_size=self.max_size, timeout=self.connect_timeout
                )
            return self._pool

    def locked(self, room_id: str) -> AbstractAsyncContextManager[None]:
        return self._locked(room_id)

    @asynccontextmanager
    async def _locked(self, room_id: str) -> AsyncIterator[None]:
        pool = await self._get_pool()
        conn = await pool.acquire()
        acquired = False
        try:
            try:
                await conn.execute(
                    "SELECT pg_advisory_lock(hashtextextended($1, 0))",
                    room_id,
                    timeout=self.timeout,
                )
                acquired = True
            except TimeoutError as exc:
                raise LockTimeoutError(room_id, self.timeout) from exc
            yield
        finally:
            await asyncio.shield(self._release(pool, conn, room_id, acquired))

    @staticmethod
    async def _release(pool: Any, conn: Any, room_id: str, acquired: bool) -> None:
        try:
            if acquired:
                await conn.execute("SELECT pg_advisory_unlock(hashtextextended($1, 0))", room_id)
            else:  # a wait that was cancelled may still have won the lock at the last moment
                await conn.execute("SELECT pg_advisory_unlock_all()")
        finally:
            await pool.release(conn)

    async def forget(self, room_id: str) -> None:
        """Nothing is kept per room: locks live in PostgreSQL."""

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
