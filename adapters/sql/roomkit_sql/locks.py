"""PostgresLockManager: room locks that exclude every process on the database.

Each held lock is a session-level advisory lock on its own connection (lent by a
ConnectionLender), keyed by a 64-bit hash of the room id: PostgreSQL releases it if that
connection dies, so a crashed process never leaves a room locked. A connection whose unlock did
not go through is closed rather than lent again, which releases what it still held.

Tasks of one process queue on an in-process lock per room first, so a process waits for a room
with one connection, not one per task. While tasks of this process are waiting for the room, the
advisory lock is handed from one holder to the next without a round trip, up to ``handovers``
times in a row; then it is released so other processes get their turn. A lock no task of this
process waits for is kept ``linger`` seconds more (a sender's next message of the same room
usually comes within that), and released then unless such a task came; the hand-over count
still bounds how long another process waits.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from roomkit.domain.errors import RoomKitError
from roomkit.ports.locks import RoomLockManager
from roomkit_sql.connections import ConnectionLender


class LockTimeoutError(RoomKitError):
    def __init__(self, room_id: str, seconds: float) -> None:
        super().__init__(f"room {room_id!r} stayed locked for more than {seconds}s")


def plain_dsn(dsn: str) -> str:
    """asyncpg wants ``postgresql://``; SQLAlchemy-style ``postgresql+asyncpg://`` is accepted."""
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", dsn)


class _RoomGate:
    """This process's side of one room's lock: the local queue and, while held, the connection
    that holds the advisory lock."""

    __slots__ = ("conn", "handed", "lingering", "lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0  # the holder and the tasks waiting behind it
        self.conn: Any = None
        self.handed = 0
        self.lingering: asyncio.TimerHandle | None = None  # the release of a kept lock


class PostgresLockManager(RoomLockManager):
    def __init__(
        self,
        dsn: str,
        *,
        timeout: float = 30.0,
        max_size: int = 20,
        connect_timeout: float = 10.0,
        handovers: int = 16,
        linger: float = 0.002,
        namespace: str = "",
    ) -> None:
        self.dsn = plain_dsn(dsn)
        # advisory locks are per database: deployments sharing one (a schema each) pass their
        # own namespace so that their rooms of the same name do not lock each other
        self.namespace = namespace
        self.timeout = timeout
        self.max_size = max_size
        self.connect_timeout = connect_timeout
        self.handovers = handovers
        self.linger = linger
        self._pool: ConnectionLender | None = None
        self._pool_lock = asyncio.Lock()
        self._gates: dict[str, _RoomGate] = {}
        self._unlocking: set[asyncio.Task[None]] = set()

    async def _get_pool(self) -> ConnectionLender:
        pool = self._pool
        if pool is not None:
            return pool
        async with self._pool_lock:
            if self._pool is None:
                lender = ConnectionLender(
                    self.dsn, min_size=1, max_size=self.max_size, timeout=self.connect_timeout
                )
                await lender.start()
                self._pool = lender
            return self._pool

    def locked(self, room_id: str) -> AbstractAsyncContextManager[None]:
        return self._locked(room_id)

    @asynccontextmanager
    async def _locked(self, room_id: str) -> AsyncIterator[None]:
        gate = self._gates.get(room_id)
        if gate is None:
            gate = self._gates[room_id] = _RoomGate()
        gate.users += 1
        if gate.lingering is not None:
            gate.lingering.cancel()
            gate.lingering = None
        loop = asyncio.get_running_loop()
        try:
            deadline = loop.time() + self.timeout
            try:
                async with asyncio.timeout_at(deadline):
                    await gate.lock.acquire()
            except TimeoutError as exc:
                raise LockTimeoutError(room_id, self.timeout) from exc
            try:
                if gate.conn is not None and gate.conn.is_closed():
                    gate.conn = None  # its session ended, and the advisory lock with it
                if gate.conn is None:
                    gate.conn = await self._acquire(room_id, max(0.0, deadline - loop.time()))
                    gate.handed = 0
                try:
                    yield
                finally:
                    keep = gate.users > 1 or self.linger > 0
                    if keep and gate.handed < self.handovers:
                        gate.handed += 1  # the next task of this process takes it as it is
                    else:  # unlocked behind the caller's back: one round trip less per message
                        conn, gate.conn = gate.conn, None
                        self._unlock_later(conn, room_id)
            finally:
                gate.lock.release()
        finally:
            gate.users -= 1
            if gate.users == 0:
                if gate.conn is None:
                    self._drop_gate(room_id, gate)
                elif self.linger > 0:
                    gate.lingering = loop.call_later(self.linger, self._expire, room_id, gate)
                else:  # handed to a waiter that was cancelled meanwhile
                    conn, gate.conn = gate.conn, None
                    self._drop_gate(room_id, gate)
                    await asyncio.shield(self._release(conn, room_id, True))

    def _drop_gate(self, room_id: str, gate: _RoomGate) -> None:
        if self._gates.get(room_id) is gate:
            del self._gates[room_id]

    def _expire(self, room_id: str, gate: _RoomGate) -> None:
        """The kept lock's time is up and no task of this process came for it: release it."""
        gate.lingering = None
        if gate.users == 0:
            self._drop_gate(room_id, gate)
            if gate.conn is not None:
                conn, gate.conn = gate.conn, None
                self._unlock_later(conn, room_id)

    def _unlock_later(self, conn: Any, room_id: str) -> None:
        """Release the advisory lock in the background (the next holder, in this process or
        another, waits in PostgreSQL until it is done); ``close`` waits for these."""
        task = asyncio.get_running_loop().create_task(self._release(conn, room_id, True))
        self._unlocking.add(task)
        task.add_done_callback(self._unlocking.discard)

    async def _acquire(self, room_id: str, wait: float) -> Any:
        """A lent connection holding the room's advisory lock."""
        pool = await self._get_pool()
        if pool.idle == 0 and pool.size >= pool.max_size:
            self._give_up_a_kept_lock()
        try:
            async with asyncio.timeout(wait):  # every connection may be holding another room
                conn = await pool.acquire()
        except TimeoutError as exc:
            raise LockTimeoutError(room_id, self.timeout) from exc
        acquired = False
        try:
            await conn.execute(
                "SELECT pg_advisory_lock(hashtextextended($1, 0))",
                self._key(room_id),
                timeout=wait,
            )
            acquired = True
        except TimeoutError as exc:
            raise LockTimeoutError(room_id, self.timeout) from exc
        finally:
            if not acquired:
                await asyncio.shield(self._release(conn, room_id, False))
        return conn

    def _give_up_a_kept_lock(self) -> None:
        """Every connection is taken: a lock kept only for this process's next message of its
        room gives its connection back for a room that is waited for now."""
        for room_id, gate in list(self._gates.items()):
            if gate.users == 0 and self._let_go(room_id, gate):
                return

    def _let_go(self, room_id: str, gate: _RoomGate) -> bool:
        """Release a lock kept for this process's next message now; False if none is kept."""
        if gate.lingering is None:
            return False
        gate.lingering.cancel()
        self._expire(room_id, gate)
        return True

    def _key(self, room_id: str) -> str:
        return f"{self.namespace}:{room_id}" if self.namespace else room_id

    async def _release(self, conn: Any, room_id: str, acquired: bool) -> None:
        """Unlock and hand the connection back; one that may still hold the lock is closed."""
        pool = self._pool
        unlocked = False
        try:
            if acquired:
                await conn.execute(
                    "SELECT pg_advisory_unlock(hashtextextended($1, 0))", self._key(room_id)
                )
            else:  # a wait that was cancelled may still have won the lock at the last moment
                await conn.execute("SELECT pg_advisory_unlock_all()")
            unlocked = True
        finally:
            if pool is not None:
                pool.release(conn, reuse=unlocked)
            elif not conn.is_closed():
                conn.terminate()

    async def forget(self, room_id: str) -> None:
        """Nothing is kept per room: locks live in PostgreSQL."""

    async def close(self) -> None:
        for room_id, gate in list(self._gates.items()):
            self._let_go(room_id, gate)
        if self._unlocking:
            await asyncio.gather(*self._unlocking, return_exceptions=True)
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
