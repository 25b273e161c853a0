"""The SQL store passes the ConversationStore contract on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from roomkit_sql import PostgresStore, SQLiteStore, StoreUnavailableError

from roomkit import InboundMessage, Room, RoomKit, TextContent, WebSocketChannel
from roomkit.domain.event import EventSource, RoomEvent
from roomkit_contracts import ConversationStoreContract


class TestSQLiteStore(ConversationStoreContract):
    @pytest_asyncio.fixture
    async def store(self, tmp_path: Path) -> AsyncIterator[SQLiteStore]:
        store = SQLiteStore(str(tmp_path / "rooms.db"))
        await store.init()
        yield store
        await store.close()


class TestPostgresStore(ConversationStoreContract):
    @pytest_asyncio.fixture
    async def store(self, pg_store: PostgresStore) -> AsyncIterator[PostgresStore]:
        yield pg_store


async def test_timeline_survives_a_restart(tmp_path: Path) -> None:
    path = str(tmp_path / "kit.db")
    for round_ in range(2):
        kit = RoomKit(store=SQLiteStore(path))
        kit.register_channel(WebSocketChannel("ws"))
        if round_ == 0:
            await kit.create_room(room_id="support", metadata={"topic": "billing"})
            await kit.attach_channel("support", "ws")
            for body in ("one", "two"):
                await kit.process_inbound(
                    InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body=body))
                )
        else:
            await kit.process_inbound(
                InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body="three"))
            )
            timeline = await kit.get_timeline("support")
            assert [(e.index, e.content.body) for e in timeline] == [
                (0, "one"),
                (1, "two"),
                (2, "three"),
            ]
            assert (await kit.get_room("support")).metadata == {"topic": "billing"}
        await kit.close()


async def test_unreachable_server_is_a_clear_error_not_a_hang() -> None:
    store = PostgresStore("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(StoreUnavailableError, match=r"cannot initialise the store at postgresql"):
        await store.init(connect_timeout=2)


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    from roomkit_sql import SchemaVersionError, schema
    from sqlalchemy import insert

    path = str(tmp_path / "new.db")
    store = SQLiteStore(path)
    await store.init()
    async with store._tx() as conn:
        await conn.execute(insert(schema.schema_version).values(version=schema.SCHEMA_VERSION + 1))
    await store.close()
    with pytest.raises(SchemaVersionError, match="upgrade roomkit-sql"):
        await SQLiteStore(path).init()


async def test_config_by_kind_composes_store_locks_and_realtime(pg_dsn: str) -> None:
    from roomkit_sql import PostgresLockManager, PostgresRealtime

    schema = f"cfg_{uuid.uuid4().hex[:10]}"
    kit = RoomKit.from_config(
        {
            "store": {"kind": "postgres", "dsn": pg_dsn, "schema": schema},
            "lock_manager": {"kind": "postgres"},
            "realtime": {"kind": "postgres"},
        }
    )
    try:
        assert isinstance(kit.store, PostgresStore)
        assert isinstance(kit.runtime.locks, PostgresLockManager)
        assert isinstance(kit.runtime.realtime, PostgresRealtime)
        assert kit.runtime.locks.dsn == kit.runtime.realtime.dsn == pg_dsn
        kit.register_channel(WebSocketChannel("ws"))
        await kit.create_room(room_id="r")
        await kit.attach_channel("r", "ws")
        result = await kit.process_inbound(
            InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body="hi"))
        )
        assert result.event is not None and result.event.index == 0
    finally:
        await kit.store.drop_all()  # type: ignore[attr-defined]
        await kit.close()


async def test_an_older_schema_is_upgraded_not_recreated(tmp_path: Path) -> None:
    import sqlite3

    from roomkit_sql import schema

    path = tmp_path / "v1.db"
    store = SQLiteStore(str(path))
    await store.init()
    await store.create_room(Room(id="kept"))
    await store.close()
    with sqlite3.connect(path) as db:  # make it a version-1 database: no outbox yet
        db.execute("DROP TABLE event_outbox")
        db.execute("DELETE FROM roomkit_schema_version")
        db.execute("INSERT INTO roomkit_schema_version (version) VALUES (1)")
    upgraded = SQLiteStore(str(path))
    await upgraded.init()
    assert await upgraded.get_room("kept") is not None  # data kept
    with sqlite3.connect(path) as db:
        versions = [v for (v,) in db.execute("SELECT version FROM roomkit_schema_version")]
        tables = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert max(versions) == schema.SCHEMA_VERSION and "event_outbox" in tables
    await upgraded.close()


async def test_a_version_2_database_gets_the_rooms_version_column(tmp_path: Path) -> None:
    import sqlite3

    from roomkit_sql import schema

    path = tmp_path / "v2.db"
    store = SQLiteStore(str(path))
    await store.init()
    await store.create_room(Room(id="kept"))
    await store.close()
    with sqlite3.connect(path) as db:  # make it a version-2 database: rooms without version
        db.execute("ALTER TABLE rooms DROP COLUMN version")
        db.execute("DELETE FROM roomkit_schema_version")
        db.execute("INSERT INTO roomkit_schema_version (version) VALUES (2)")
    upgraded = SQLiteStore(str(path))
    await upgraded.init()
    snapshot = await upgraded.get_room_snapshot("kept", 5)
    assert snapshot is not None and snapshot.version == 0  # the old rows start at version 0
    stored = await upgraded.add_event(
        RoomEvent(
            room_id="kept",
            source=EventSource(channel_id="ws", channel_type="websocket"),
            content=TextContent(body="after the upgrade"),
        ),
        version=snapshot.version,
    )
    assert stored.index == 0
    with sqlite3.connect(path) as db:
        versions = [v for (v,) in db.execute("SELECT version FROM roomkit_schema_version")]
    assert max(versions) == schema.SCHEMA_VERSION
    await upgraded.close()


def test_the_store_and_lock_settings_reach_the_adapters() -> None:
    """A deployment tunes the settle window and the room locks from its configuration file."""
    from roomkit_sql.plugin import (
        PostgresLockSettings,
        PostgresSettings,
        build_locks,
        build_postgres,
    )

    dsn = "postgresql://u@127.0.0.1/db"
    store = build_postgres(PostgresSettings(dsn=dsn, settle_window=0))
    assert isinstance(store, PostgresStore) and store._settler.window == 0
    locks = build_locks(
        PostgresLockSettings(dsn=dsn, max_size=4, handovers=2, linger=0.01, namespace="a")
    )
    from roomkit_sql import PostgresLockManager

    assert isinstance(locks, PostgresLockManager)
    assert (locks.max_size, locks.handovers, locks.linger, locks.namespace) == (4, 2, 0.01, "a")
    with pytest.raises(ValueError, match="linger"):
        PostgresLockSettings(dsn=dsn, linger=-1)


def storage_page_configuration() -> dict[str, Any]:
    """The TOML example of docs/storage.md that tunes the store and the locks."""
    import re
    import tomllib

    page = Path(__file__).resolve().parents[3] / "docs" / "storage.md"
    [example] = [
        block
        for block in re.findall(r"```toml\n(.*?)```", page.read_text(), re.S)
        if "linger" in block
    ]
    return tomllib.loads(example)


async def test_the_storage_page_configuration_file_builds_its_kit(pg_dsn: str) -> None:
    """The page's configuration file, pointed at the test database, builds what it says."""
    from roomkit_sql import PostgresLockManager

    config = storage_page_configuration()
    config["store"]["dsn"] = pg_dsn
    kit = RoomKit.from_config(config)
    try:
        assert isinstance(kit.store, PostgresStore) and kit.store._settler.window == 0.02
        locks = kit.runtime.locks
        assert isinstance(locks, PostgresLockManager)
        assert (locks.max_size, locks.linger, locks.dsn) == (50, 0.005, pg_dsn)
    finally:
        await kit.close()
