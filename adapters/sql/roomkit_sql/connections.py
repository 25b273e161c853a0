"""ConnectionLender: the asyncpg connections of PostgresStore's per-message path.

A pool reduced to what that path needs: up to ``max_size`` connections, ``min_size`` of them
opened by ``start()``. An idle connection is lent without awaiting (the most recently returned
first, so a quiet process keeps using few); when none is idle and fewer than ``max_size`` are
open, a new one is opened; otherwise the borrower waits its turn (first come, first served).

A connection comes back into use only if it is open and outside any transaction: one that was
closed, lost, or left inside a transaction is terminated, and its place goes to the next waiter
(which opens a new one). When a borrower is cancelled or times out, its query may still be
running: asyncpg asks the server to cancel it, and the connection keeps its place until one more
statement has gone through once the cancellation is over, then comes back under the same checks.
Nothing else is reset: the store runs single statements on these connections, never LISTENs,
locks or changes settings on them. Each connection keeps asyncpg's cache of prepared statements.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

# a borrower that ends with one of these may have left a query running on its connection
_ABANDONED = (asyncio.CancelledError, TimeoutError)


def _closed_error() -> Exception:
    import asyncpg

    error: Exception = asyncpg.InterfaceError("the connection lender is closed")
    return error


class ConnectionLender:
    """``lender = ConnectionLender(dsn, min_size=1, max_size=10)``, ``await lender.start()``,
    then ``async with lender.connection() as conn`` or the one-statement helpers
    (``fetchrow``, ``fetchval``, ``fetch``, ``execute``); ``await lender.close()``.

    ``init(conn)`` runs on every new connection before it is first lent (a connection whose
    ``init`` fails is closed, and the failure reaches the borrower)."""

    def __init__(
        self,
        dsn: str,
        *,
        min_size: int = 1,
        max_size: int = 10,
        timeout: float = 10.0,
        server_settings: Mapping[str, str] | None = None,
        init: Callable[[Any], Awaitable[None]] | None = None,
    ) -> None:
        if max_size < 1:
            raise ValueError("max_size must be at least 1")
        self.dsn = dsn
        self.max_size = max_size
        self.min_size = max(0, min(min_size, max_size))
        self.timeout = timeout
        self.server_settings = dict(server_settings or {})
        self.init = init
        self._idle: list[Any] = []  # LIFO
        self._lent: set[Any] = set()
        self._opening = 0  # connections being opened, or places promised to a waiter
        self._waiters: deque[asyncio.Future[Any]] = deque()
        self._closed = False
        self._drained: asyncio.Future[None] | None = None
        self._returned: list[Any] = []  # given back while closing
        self._settling: set[asyncio.Task[None]] = set()

    @property
    def size(self) -> int:
        """Connections open, lent or being opened."""
        return len(self._idle) + len(self._lent) + self._opening

    @property
    def idle(self) -> int:
        return len(self._idle)

    @property
    def waiting(self) -> int:
        """Borrowers waiting for a connection."""
        return sum(1 for fut in self._waiters if not fut.done())

    @property
    def closed(self) -> bool:
        return self._closed

    async def start(self) -> None:
        """Open ``min_size`` connections (all or none: a failure closes those opened)."""
        opened: list[Any] = []
        try:
            for _ in range(self.min_size - self.size):
                opened.append(await self._open())
        except BaseException:
            for conn in opened:
                conn.terminate()
            raise
        self._idle.extend(opened)

    # lending -------------------------------------------------------------------------------
    async def _open(self, promised: bool = False) -> Any:
        """A new connection, in a place counted in ``_opening`` (taken here unless a returned
        connection's place was ``promised`` to this caller)."""
        import asyncpg

        if not promised:
            self._opening += 1
        conn = None
        try:
            conn = await asyncpg.connect(
                self.dsn, timeout=self.timeout, server_settings=self.server_settings
            )
            if self.init is not None:
                await self.init(conn)
        except BaseException:
            if conn is not None:
                conn.terminate()
            self._opening -= 1
            self._free_place()
            raise
        self._opening -= 1
        if self._closed:
            conn.terminate()
            raise _closed_error()
        return conn

    def _take(self) -> Any:
        """An idle connection, lent, or None."""
        idle = self._idle
        while idle:
            conn = idle.pop()
            if not conn.is_closed():
                self._lent.add(conn)
                return conn
            conn.terminate()  # lost while idle: its place is free again
        return None

    async def acquire(self) -> Any:
        """A connection, to be handed back with ``release``."""
        conn = self._take()
        if conn is not None:
            return conn
        if self._closed:
            raise _closed_error()
        if self.size < self.max_size:
            conn = await self._open()
            self._lent.add(conn)
            return conn
        return await self._wait()

    async def _wait(self) -> Any:
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            conn = await fut
        except BaseException:
            if not fut.done():
                fut.cancel()
            if fut.cancelled():
                try:
                    self._waiters.remove(fut)
                except ValueError:
                    pass
            elif fut.exception() is None:  # granted just as this waiter was cancelled
                granted = fut.result()
                if granted is None:
                    self._opening -= 1
                    self._free_place()
                else:
                    self.release(granted)
            raise
        if conn is None:  # a place was freed for this waiter: open its connection
            conn = await self._open(promised=True)
            self._lent.add(conn)
        return conn

    def release(self, conn: Any, reuse: bool = True) -> None:
        """Take back a lent connection: kept for the next borrower if ``reuse`` and it is
        open and outside a transaction, terminated otherwise."""
        lent = self._lent
        if conn not in lent:
            return
        lent.remove(conn)
        if not reuse or conn.is_closed() or conn.is_in_transaction():
            conn.terminate()
            if self._closed:
                self._check_drained()
            else:
                self._free_place()
            return
        if self._closed:
            self._returned.append(conn)  # close() closes it
            self._check_drained()
            return
        waiters = self._waiters
        while waiters:
            fut = waiters.popleft()
            if not fut.done():
                lent.add(conn)
                fut.set_result(conn)
                return
        self._idle.append(conn)

    def _free_place(self) -> None:
        """A connection's place became free: promise it to the first waiter, if any."""
        waiters = self._waiters
        while waiters:
            fut = waiters.popleft()
            if not fut.done():
                self._opening += 1
                fut.set_result(None)
                return

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        """``async with lender.connection() as conn``: a connection for the block."""
        conn = self._take()
        if conn is None:
            conn = await self.acquire()
        try:
            yield conn
        except BaseException as exc:
            self._failed(conn, exc)
            raise
        self.release(conn)

    def _failed(self, conn: Any, exc: BaseException) -> None:
        if isinstance(exc, _ABANDONED):
            task = asyncio.get_running_loop().create_task(self._settle(conn))
            self._settling.add(task)
            task.add_done_callback(self._settling.discard)
        else:
            self.release(conn)

    async def _settle(self, conn: Any) -> None:
        """A connection whose borrower stopped waiting: reusable once a statement goes through
        (asyncpg runs it when the cancellation of the abandoned one is over)."""
        try:
            async with asyncio.timeout(self.timeout):
                await conn.fetchval("SELECT 1")
        except (Exception, asyncio.CancelledError):
            self.release(conn, False)
            return
        self.release(conn)

    # one statement each --------------------------------------------------------------------
    async def _one(self, method: str, query: str, args: tuple[Any, ...]) -> Any:
        """``conn.<method>(query, *args)`` on a borrowed connection, handed back after."""
        conn = self._take()
        if conn is None:
            conn = await self.acquire()
        try:
            result = await getattr(conn, method)(query, *args)
        except BaseException as exc:
            self._failed(conn, exc)
            raise
        self.release(conn)
        return result

    async def fetchrow(self, query: str, *args: Any) -> Any:
        return await self._one("fetchrow", query, args)

    async def fetchval(self, query: str, *args: Any) -> Any:
        return await self._one("fetchval", query, args)

    async def fetch(self, query: str, *args: Any) -> list[Any]:
        return list(await self._one("fetch", query, args))

    async def execute(self, query: str, *args: Any) -> str:
        return str(await self._one("execute", query, args))

    # closing -------------------------------------------------------------------------------
    def _check_drained(self) -> None:
        if not self._lent and self._drained is not None and not self._drained.done():
            self._drained.set_result(None)

    async def close(self, grace: float = 10.0) -> None:
        """Refuse new borrowers (waiting ones get InterfaceError), wait up to ``grace``
        seconds for the lent connections to come back, terminate those that did not, and
        close the rest."""
        if not self._closed:
            self._closed = True
            waiters, self._waiters = self._waiters, deque()
            for fut in waiters:
                if not fut.done():
                    fut.set_exception(_closed_error())
        idle, self._idle = self._idle, []  # nothing is lent from now on
        try:
            if self._lent:
                self._drained = asyncio.get_running_loop().create_future()
                try:
                    await asyncio.wait_for(asyncio.shield(self._drained), grace)
                except TimeoutError:
                    pass
        finally:
            lent, self._lent = self._lent, set()
            for conn in lent:
                conn.terminate()
            settling = list(self._settling)
            for task in settling:
                task.cancel()
            if settling:
                await asyncio.gather(*settling, return_exceptions=True)
            idle.extend(self._returned)
            self._returned = []
            if idle:
                await asyncio.gather(*(self._close_one(conn) for conn in idle))

    async def _close_one(self, conn: Any) -> None:
        try:
            await conn.close(timeout=self.timeout)
        except Exception:
            conn.terminate()
        except asyncio.CancelledError:
            conn.terminate()
            raise
