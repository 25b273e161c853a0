"""The PostgreSQL these tests run against: reachable, or skipped with the reason (failed in CI,
where the server must be there)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from roomkit_sql import PostgresStore

PG_DSN = os.environ.get("ROOMKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


async def _reachable(dsn: str) -> bool:
    import asyncpg

    try:
        conn = await asyncpg.connect(dsn, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await conn.close()
    return True


@pytest_asyncio.fixture
async def pg_dsn() -> str:
    """The DSN of a reachable PostgreSQL (``ROOMKIT_TEST_POSTGRES``)."""
    if not await _reachable(PG_DSN):
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI and not reachable at {PG_DSN}")
        pytest.skip(f"PostgreSQL not reachable at {PG_DSN} (set ROOMKIT_TEST_POSTGRES)")
    return PG_DSN


@pytest_asyncio.fixture
async def pg_store(pg_dsn: str) -> AsyncIterator[PostgresStore]:
    """A PostgresStore in a schema of its own, dropped afterwards."""
    store = PostgresStore(pg_dsn, schema=f"rk_{uuid.uuid4().hex[:12]}")
    await store.init(min_size=2, max_size=10)
    yield store
    await store.drop_all()
    await store.close()
