"""ConnectionLender on a real PostgreSQL: connections reused, never more than max_size open,
waiters served in turn (a cancelled one keeps nothing), connections left in a transaction or
killed by the server replaced, close() with connections still lent."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from roomkit_sql import PostgresStore
from roomkit_sql.connections import ConnectionLender

LONG = 30.0  # generous bound for anything that should happen promptly
Lend = Callable[..., Awaitable[ConnectionLender]]


@pytest_asyncio.fixture
async def app(pg_dsn: str) -> str:
    """An application_name telling this test's connections apart in pg_stat_activity."""
    return f"rk_lender_{uuid.uuid4().hex[:10]}"


@pytest_asyncio.fixture
async def admin(pg_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(pg_dsn)
    yield conn
    await conn.close()


@pytest_asyncio.fixture
async def lend(pg_dsn: str, app: str) -> AsyncIterator[Lend]:
    """``await lend(min_size=..., max_size=..., init=...)``: a started lender of this test's
    connections, closed after the test (closing again is harmless)."""
    made: list[ConnectionLender] = []

    async def start(**options: Any) -> ConnectionLender:
        lender = ConnectionLender(pg_dsn, server_settings={"application_name": app}, **options)
        made.append(lender)
        await lender.start()
        return lender

    yield start
    for lender in made:
        await lender.close()


async def open_on_server(admin: asyncpg.Connection, app: str) -> set[int]:
    rows = await admin.fetch("SELECT pid FROM pg_stat_activity WHERE application_name = $1", app)
    return {row[0] for row in rows}


async def eventually(check: Callable[[], Awaitable[bool]]) -> None:
    async with asyncio.timeout(LONG):
        while not await check():  # noqa: ASYNC110 - polling the server
            await asyncio.sleep(0.01)


async def soon(check: Callable[[], bool]) -> None:
    async with asyncio.timeout(LONG):
        while not check():  # noqa: ASYNC110 - polling a condition set by other tasks
            await asyncio.sleep(0)


def waiting(lender: ConnectionLender, count: int) -> Callable[[], bool]:
    return lambda: lender.waiting == count


async def gone(admin: asyncpg.Connection, app: str, pid: int | None = None) -> None:
    """Until the server has no connection of ``app`` (or not ``pid``)."""

    async def check() -> bool:
        pids = await open_on_server(admin, app)
        return not pids if pid is None else pid not in pids

    await eventually(check)


async def test_min_size_opened_at_start_and_one_connection_reused(
    app: str, admin: asyncpg.Connection, lend: Lend
) -> None:
    lender = await lend(min_size=2, max_size=5)
    assert lender.size == lender.idle == 2
    assert len(await open_on_server(admin, app)) == 2
    pids = {await lender.fetchval("SELECT pg_backend_pid()") for _ in range(20)}
    assert len(pids) == 1  # the last returned is lent first
    assert lender.size == 2
    assert await lender.fetchrow("SELECT 1 AS one") == (1,)
    assert [tuple(r) for r in await lender.fetch("SELECT generate_series(1, 3)")] == [
        (1,),
        (2,),
        (3,),
    ]
    assert await lender.execute("SELECT 1") == "SELECT 1"
    await lender.close()
    assert lender.size == 0
    await gone(admin, app)


async def test_never_more_than_max_size_open(
    app: str, admin: asyncpg.Connection, lend: Lend
) -> None:
    lender = await lend(min_size=1, max_size=3)
    peak_lender = 0
    peak_server = 0

    async def one() -> None:
        nonlocal peak_lender, peak_server
        for _ in range(5):
            async with lender.connection() as conn:
                peak_lender = max(peak_lender, lender.size)
                open_now = await conn.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", app
                )
                peak_server = max(peak_server, open_now)
                await conn.execute("SELECT pg_sleep(0.005)")

    async with asyncio.timeout(LONG):
        await asyncio.gather(*(one() for _ in range(20)))
    assert peak_lender == 3 and peak_server <= 3
    assert lender.size == lender.idle == 3
    assert lender.waiting == 0
    assert len(await open_on_server(admin, app)) == 3


async def test_a_cancelled_waiter_takes_no_connection(lend: Lend) -> None:
    lender = await lend(min_size=1, max_size=1)
    conn = await lender.acquire()
    waiter = asyncio.create_task(lender.acquire())
    await soon(lambda: lender.waiting == 1)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert lender.waiting == 0
    lender.release(conn)
    assert lender.size == lender.idle == 1

    # handed over to the waiter just as it is cancelled: it comes back
    conn = await lender.acquire()
    waiter = asyncio.create_task(lender.acquire())
    await soon(lambda: lender.waiting == 1)
    lender.release(conn)  # the waiter's future now holds the connection
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert lender.size == lender.idle == 1
    async with asyncio.timeout(LONG):
        assert await lender.fetchval("SELECT 1") == 1


async def test_waiters_are_served_in_turn(lend: Lend) -> None:
    lender = await lend(min_size=1, max_size=1)
    served: list[int] = []
    conn = await lender.acquire()

    async def wait(n: int) -> None:
        async with lender.connection():
            served.append(n)
            await asyncio.sleep(0)

    tasks = []
    for n in range(5):
        tasks.append(asyncio.create_task(wait(n)))
        await soon(waiting(lender, n + 1))
    lender.release(conn)
    async with asyncio.timeout(LONG):
        await asyncio.gather(*tasks)
    assert served == [0, 1, 2, 3, 4]


async def test_a_connection_returned_inside_a_transaction_is_discarded(
    app: str, admin: asyncpg.Connection, lend: Lend
) -> None:
    lender = await lend(min_size=1, max_size=2)
    async with lender.connection() as conn:
        left_open = await conn.fetchval("SELECT pg_backend_pid()")
        await conn.execute("BEGIN")
        await conn.execute("CREATE TEMPORARY TABLE half_done (x int)")
    assert conn.is_closed()
    assert lender.size == 0
    await gone(admin, app, left_open)
    async with lender.connection() as conn:
        assert await conn.fetchval("SELECT pg_backend_pid()") != left_open
        assert not conn.is_in_transaction()
        assert await conn.fetchval("SELECT to_regclass('half_done')") is None
    assert lender.size == 1


async def test_a_borrower_cancelled_during_a_query_gets_the_query_cancelled(
    app: str, admin: asyncpg.Connection, lend: Lend
) -> None:
    lender = await lend(min_size=1, max_size=1)
    busy = await lender.fetchval("SELECT pg_backend_pid()")

    async def state() -> str:
        return str(await admin.fetchval("SELECT state FROM pg_stat_activity WHERE pid = $1", busy))

    task = asyncio.create_task(lender.execute("SELECT pg_sleep(600)"))
    await eventually(lambda: _is(state(), "active"))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert lender.size == 1  # its place is kept while the cancellation goes through
    await eventually(lambda: _is(state(), "idle"))
    async with asyncio.timeout(LONG):
        async with lender.connection() as conn:
            assert await conn.fetchval("SELECT pg_backend_pid()") == busy
            assert not conn.is_in_transaction()
    assert lender.size == lender.idle == 1

    # cancelled inside a transaction: not reused
    async def in_transaction() -> None:
        async with lender.connection() as conn:
            await conn.execute("BEGIN")
            await conn.execute("SELECT pg_sleep(600)")

    stopped = asyncio.create_task(in_transaction())
    await eventually(lambda: _is(state(), "active"))
    stopped.cancel()
    with pytest.raises(asyncio.CancelledError):
        await stopped
    async with asyncio.timeout(LONG):
        assert await lender.fetchval("SELECT pg_backend_pid()") != busy
    await gone(admin, app, busy)
    assert lender.size == 1


async def _is(value: Awaitable[str], expected: str) -> bool:
    return await value == expected


async def test_a_connection_killed_by_the_server_is_replaced(
    admin: asyncpg.Connection, lend: Lend
) -> None:
    lender = await lend(min_size=1, max_size=1)
    killed = await lender.fetchval("SELECT pg_backend_pid()")
    assert await admin.fetchval("SELECT pg_terminate_backend($1)", killed)
    try:
        pid = await lender.fetchval("SELECT pg_backend_pid()")
    except (
        asyncpg.ConnectionDoesNotExistError,
        asyncpg.InterfaceError,
        asyncpg.InternalClientError,
        asyncpg.AdminShutdownError,
        OSError,
    ):
        # the kill was not noticed before the query: reported, and the connection dropped
        pid = await lender.fetchval("SELECT pg_backend_pid()")
    assert pid != killed
    assert lender.size == 1
    # noticed while idle: replaced on the next loan
    assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
    await soon(lambda: not lender._idle or lender._idle[-1].is_closed())
    again = await lender.fetchval("SELECT pg_backend_pid()")
    assert again not in (pid, killed)
    assert lender.size == 1


async def test_close_waits_for_lent_connections_and_fails_waiters(
    app: str, admin: asyncpg.Connection, lend: Lend
) -> None:
    lender = await lend(min_size=2, max_size=2)
    first = await lender.acquire()
    second = await lender.acquire()
    waiter = asyncio.create_task(lender.acquire())
    await soon(lambda: lender.waiting == 1)
    closing = asyncio.create_task(lender.close(grace=LONG))
    with pytest.raises(asyncpg.InterfaceError):
        await waiter
    with pytest.raises(asyncpg.InterfaceError):
        await lender.acquire()
    assert not closing.done()
    assert await first.fetchval("SELECT 1") == 1  # lent connections still work
    lender.release(first)
    await asyncio.sleep(0)
    assert not closing.done()
    with pytest.raises(asyncpg.InterfaceError):
        async with lender.connection():
            pass
    lender.release(second)
    async with asyncio.timeout(LONG):
        await closing
    assert first.is_closed() and second.is_closed()
    assert lender.size == 0
    await gone(admin, app)


async def test_close_terminates_what_is_not_returned_in_time(lend: Lend) -> None:
    lender = await lend(min_size=1, max_size=2)
    kept = await lender.acquire()
    async with asyncio.timeout(LONG):
        await lender.close(grace=0.05)
    assert kept.is_closed()
    lender.release(kept)  # late: ignored
    assert lender.size == 0


async def test_the_store_opens_min_size_connections(pg_store: PostgresStore) -> None:
    lender = await pg_store._p()
    assert lender.size >= 2 and lender.max_size == 10


async def test_init_runs_once_on_every_new_connection(lend: Lend) -> None:
    initialised: list[int] = []

    async def init(conn: asyncpg.Connection) -> None:
        initialised.append(await conn.fetchval("SELECT pg_backend_pid()"))
        await conn.execute("SET application_name = 'initialised'")

    lender = await lend(min_size=1, max_size=3, init=init)
    assert len(initialised) == 1
    held = [await lender.acquire() for _ in range(3)]  # two more opened on demand
    pids = set()
    for conn in held:
        assert await conn.fetchval("SHOW application_name") == "initialised"
        pids.add(await conn.fetchval("SELECT pg_backend_pid()"))
        lender.release(conn)
    for _ in range(10):
        await lender.fetchval("SELECT 1")
    assert sorted(initialised) == sorted(pids)


async def test_a_connection_whose_init_fails_is_closed_and_its_place_freed(
    app: str, admin: asyncpg.Connection, lend: Lend
) -> None:
    failures = [RuntimeError("init failed")]

    async def init(conn: asyncpg.Connection) -> None:
        if failures:
            raise failures.pop()

    lender = await lend(min_size=0, max_size=1, init=init)
    with pytest.raises(RuntimeError, match="init failed"):
        await lender.acquire()
    assert lender.size == 0
    await gone(admin, app)
    assert await lender.fetchval("SELECT 2") == 2  # the place went back: a new connection


async def test_the_store_connections_come_with_the_message_statements_prepared(
    pg_store: PostgresStore,
) -> None:
    """Each of the store's connections has the per-message statements planned before its first
    message (generic plans: the same plan whatever the room), none waits for that planning."""
    lender = await pg_store._p()
    async with lender.connection() as conn:
        rows = await conn.fetch("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in rows]
        assert await conn.fetchval("SHOW plan_cache_mode") == "force_generic_plan"
    assert any("UPDATE rooms SET event_count" in text for text in prepared)  # the append
    assert any("UPDATE event_outbox AS o" in text for text in prepared)  # the settlement
    assert any("FROM rooms r WHERE r.id" in text for text in prepared)  # the room's snapshot
