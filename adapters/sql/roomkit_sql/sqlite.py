"""SQLiteStore: the SQL store with its per-message path on one thread of its own.

aiosqlite hands every cursor call to its thread and back (dozens of hand-offs per message through
SQLAlchemy); here each per-message store call (the room snapshot, the participant and
idempotency lookups, the append with its outbox row, settling deliveries) is one hand-off to a
single worker thread holding a plain ``sqlite3`` connection. The append runs in
``BEGIN IMMEDIATE``: SQLite's write lock is taken before the room's count is read, so the index
is gap-free across connections and processes. The rest of the port stays on SQLAlchemy.

Room snapshots are cached (parsed) on the worker thread and dropped as soon as another
connection has committed (``PRAGMA data_version``: another process, or this store's SQLAlchemy
pool writing bindings, participants or the room); the store's own appends move them on.

The database is in WAL mode with ``synchronous=NORMAL``: a commit appends to the log without an
fsync each time and survives a crash of the process (the operating system keeps the write); a
power loss can roll back the last commits, never corrupt the file.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from roomkit.domain.base import utcnow
from roomkit.domain.channel import ChannelBinding
from roomkit.domain.errors import DuplicateEventError
from roomkit.domain.event import RoomEvent
from roomkit.domain.outbox import DeliverySettlement
from roomkit.domain.participant import Participant
from roomkit.domain.room import Room
from roomkit.domain.validation import check_event
from roomkit.ports.store import RoomSnapshot
from roomkit_sql import outbox_rows
from roomkit_sql.snapshots import CachedRoom, Parsed
from roomkit_sql.store import SQLStore

BUSY_TIMEOUT_MS = 30_000
ROOMS_CACHED = 10_000


def _pragmas(dbapi_connection: Any, _record: Any = None) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _connected(dbapi_connection: Any, _record: Any) -> None:
    _pragmas(dbapi_connection)
    dbapi_connection.isolation_level = None  # transactions begin as below, not implicitly


def _begin(conn: Any) -> None:
    # the write lock from the start: a transaction that read first could not take it later if
    # the per-message connection committed meanwhile (WAL's stale snapshot), busy_timeout or not
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class SQLiteStore(SQLStore):
    """``SQLiteStore("rooms.db")``: one writer at a time, so appends serialise."""

    def __init__(self, path: str) -> None:
        super().__init__(f"sqlite+aiosqlite:///{path}")
        self.path = path
        self._worker: ThreadPoolExecutor | None = None
        self._db: sqlite3.Connection | None = None
        # touched on the worker thread only
        self._rooms: OrderedDict[str, CachedRoom] = OrderedDict()
        self._data_version: int | None = None
        self._room = Parsed(Room.model_validate_json, 1024)
        self._binding = Parsed(ChannelBinding.model_validate_json)
        self._participant = Parsed(Participant.model_validate_json)
        self._event = Parsed(RoomEvent.model_validate_json)

    def _make_engine(self, min_size: int, max_size: int, connect_timeout: float) -> AsyncEngine:
        engine = create_async_engine(
            self.url,
            poolclass=AsyncAdaptedQueuePool,
            pool_size=1,
            max_overflow=0,
            connect_args={"timeout": connect_timeout},
        )
        sa_event.listen(engine.sync_engine, "connect", _connected)
        sa_event.listen(engine.sync_engine, "begin", _begin)
        return engine

    async def init(
        self, min_size: int = 1, max_size: int = 10, connect_timeout: float = 10.0
    ) -> None:
        if self._engine is not None:
            return
        await super().init(min_size, max_size, connect_timeout)
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="roomkit-sqlite")

        def connect() -> sqlite3.Connection:
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            _pragmas(db)
            return db

        self._db = await asyncio.get_running_loop().run_in_executor(self._worker, connect)

    async def close(self) -> None:
        if self._worker is not None and self._db is not None:
            await asyncio.get_running_loop().run_in_executor(self._worker, self._db.close)
        if self._worker is not None:
            self._worker.shutdown(wait=False)
        self._worker, self._db = None, None
        await super().close()

    async def _run[T](self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work`` on the worker thread, with its connection: one hand-off."""
        if self._db is None:
            await self.init()
        db, worker = self._db, self._worker
        assert db is not None and worker is not None
        return await asyncio.get_running_loop().run_in_executor(worker, work, db)

    # the per-message path ------------------------------------------------------------------
    async def get_room_snapshot(self, room_id: str, event_limit: int) -> RoomSnapshot | None:
        return await self._snapshot(room_id, event_limit, cached=False)

    async def cached_room_snapshot(self, room_id: str, event_limit: int) -> RoomSnapshot | None:
        """From this store's cache unless another connection has committed since (``PRAGMA
        data_version``: another process, or this store's own SQLAlchemy pool)."""
        return await self._snapshot(room_id, event_limit, cached=True)

    def _check_cache(self, db: sqlite3.Connection) -> None:
        """On the worker thread: drop every cached room once another connection committed."""
        seen = db.execute("PRAGMA data_version").fetchone()[0]
        if seen != self._data_version:
            self._rooms.clear()
            self._data_version = seen

    async def _snapshot(self, room_id: str, event_limit: int, cached: bool) -> RoomSnapshot | None:
        limit = max(0, event_limit)

        def read(db: sqlite3.Connection) -> RoomSnapshot | None:
            self._check_cache(db)
            hit = self._rooms.get(room_id)
            if cached and hit is not None and hit.limit == limit:
                return hit.snapshot()
            db.execute("BEGIN")  # one consistent read
            try:
                room = db.execute(
                    "SELECT data, version, event_count FROM rooms WHERE id = ?", (room_id,)
                ).fetchone()
                if room is None:
                    self._rooms.pop(room_id, None)
                    return None
                bindings = db.execute(
                    "SELECT data FROM bindings WHERE room_id = ? ORDER BY channel_id", (room_id,)
                ).fetchall()
                people = db.execute(
                    "SELECT data FROM participants WHERE room_id = ? ORDER BY id", (room_id,)
                ).fetchall()
                events = db.execute(
                    "SELECT data FROM events WHERE room_id = ? ORDER BY idx DESC LIMIT ?",
                    (room_id, limit),
                ).fetchall()
            finally:
                db.execute("COMMIT")
            entry = CachedRoom(
                self._room(room[0]),
                [self._binding(r[0]) for r in bindings],
                [self._participant(r[0]) for r in people],
                [self._event(r[0]) for r in reversed(events)],
                limit,
                int(room[1]),
                int(room[2]),
            )
            self._rooms[room_id] = entry
            self._rooms.move_to_end(room_id)
            if len(self._rooms) > ROOMS_CACHED:
                self._rooms.popitem(last=False)
            return entry.snapshot()

        return await self._run(read)

    async def list_bindings_for_channel(self, channel_id: str) -> list[ChannelBinding]:
        """Routing asks this for every message that names no room: one hand-off."""

        def read(db: sqlite3.Connection) -> list[ChannelBinding]:
            rows = db.execute(
                "SELECT data FROM bindings WHERE channel_id = ? ORDER BY room_id", (channel_id,)
            ).fetchall()
            return [self._binding(r[0]) for r in rows]

        return await self._run(read)

    async def get_room(self, room_id: str) -> Room | None:
        data = await self._one("SELECT data FROM rooms WHERE id = ?", (room_id,))
        return Room.model_validate_json(data) if data else None

    async def find_participant(
        self, room_id: str, channel_id: str, external_id: str
    ) -> Participant | None:
        data = await self._one(
            "SELECT data FROM participants WHERE room_id = ? AND channel_id = ?"
            " AND external_id = ? LIMIT 1",
            (room_id, channel_id, external_id),
        )
        return Participant.model_validate_json(data) if data else None

    async def find_event_by_provider_message_id(
        self, room_id: str, provider_message_id: str
    ) -> RoomEvent | None:
        data = await self._one(
            "SELECT data FROM events WHERE room_id = ? AND provider_message_id = ? LIMIT 1",
            (room_id, provider_message_id),
        )
        return RoomEvent.model_validate_json(data) if data else None

    async def _one(self, sql: str, params: tuple[Any, ...]) -> Any:
        def read(db: sqlite3.Connection) -> Any:
            row = db.execute(sql, params).fetchone()
            return row[0] if row else None

        return await self._run(read)

    async def add_event(
        self, event: RoomEvent, deliveries: Sequence[str] = (), *, version: object = None
    ) -> RoomEvent:
        check_event(event)
        now = utcnow()
        stored = event.model_copy(update={"stored_at": now})
        created = stored.created_at
        stamp = now.isoformat()
        targets = list(dict.fromkeys(deliveries))
        document = outbox_rows.dump(outbox_rows.fresh(targets)) if targets else ""

        def append(db: sqlite3.Connection) -> tuple[int, str] | None:
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute(
                    "SELECT data, event_count, version FROM rooms WHERE id = ?", (stored.room_id,)
                ).fetchone()
                if row is None:
                    db.execute("ROLLBACK")
                    return None
                now = int(row[2])
                if version is not None and version != now:
                    raise self._stale(stored.room_id, version, now)  # rolled back below
                index = int(row[1])
                room = Room.model_validate_json(row[0])
                room = room.model_copy(
                    update={
                        "event_count": index + 1,
                        "latest_index": index,
                        "last_activity_at": max(room.last_activity_at, created),
                    }
                )
                text = stored.model_copy(update={"index": index}).model_dump_json()
                db.execute(
                    "INSERT INTO events (room_id, idx, id, provider_message_id, data)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (stored.room_id, index, stored.id, stored.provider_message_id, text),
                )
                db.execute(
                    "UPDATE rooms SET event_count = ?, data = ? WHERE id = ?",
                    (index + 1, room.model_dump_json(), stored.room_id),
                )
                if targets:
                    db.execute(
                        "INSERT INTO event_outbox (event_id, room_id, pending, dead, deliveries,"
                        " revision, created_at, updated_at) VALUES (?, ?, 1, 0, ?, 0, ?, ?)",
                        (stored.id, stored.room_id, document, stamp, stamp),
                    )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            hit = self._rooms.get(stored.room_id)
            if hit is not None:  # our own append moves the cached room on, or it is read again
                if hit.count == index:
                    hit.appended(stored.model_copy(update={"index": index}))
                else:
                    del self._rooms[stored.room_id]
            return index, text

        try:
            done = await self._run(append)
        except sqlite3.IntegrityError as exc:
            if event.provider_message_id and await self.find_event_by_provider_message_id(
                event.room_id, event.provider_message_id
            ):
                raise DuplicateEventError(event.room_id, event.provider_message_id) from exc
            raise ValueError(f"event {event.id!r} is already stored") from exc
        if done is None:
            raise KeyError(f"room {event.room_id!r} does not exist")
        return stored.model_copy(update={"index": done[0]})

    async def mark_deliveries(self, event_id: str, outcomes: Sequence[DeliverySettlement]) -> None:
        if not outcomes:
            return
        stamp = utcnow().isoformat()

        def settle(db: sqlite3.Connection) -> None:
            db.execute("BEGIN IMMEDIATE")  # the single writer: nothing changes the row between
            try:
                row = db.execute(
                    "SELECT deliveries FROM event_outbox WHERE event_id = ?", (event_id,)
                ).fetchone()
                if row is not None:
                    document = outbox_rows.settled(outbox_rows.load(row[0]), outcomes, stamp)
                    db.execute(
                        "UPDATE event_outbox SET deliveries = :deliveries, pending = :pending,"
                        " dead = :dead, revision = revision + 1, updated_at = :stamp"
                        " WHERE event_id = :event_id",
                        {**outbox_rows.columns(document), "stamp": stamp, "event_id": event_id},
                    )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

        await self._run(settle)
