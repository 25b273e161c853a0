"""PostgresStore: the SQL store with its per-message path on asyncpg directly.

What every inbound message does (its room's context, the sender's participant, the idempotency
lookup, the event append with its outbox rows, settling the deliveries) runs as prepared
statements on asyncpg connections lent by a ConnectionLender, a round trip each; the rest of the
port stays on SQLAlchemy Core. Both read and write the same tables, so the guarantees are the
base class's: the index is assigned under the room row's lock inside the transaction that
inserts the event (gap-free across processes), (room_id, provider_message_id) is unique, and
the outbox rows are written in that same transaction.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from roomkit.domain.base import evolve, utcnow
from roomkit.domain.channel import ChannelBinding
from roomkit.domain.errors import DuplicateEventError
from roomkit.domain.event import RoomEvent
from roomkit.domain.outbox import DeliverySettlement, OutboxEntry, OutboxState
from roomkit.domain.participant import Participant
from roomkit.domain.room import Room
from roomkit.domain.validation import check_event
from roomkit.ports.store import RoomSnapshot
from roomkit_sql import outbox_rows
from roomkit_sql.connections import ConnectionLender
from roomkit_sql.locks import plain_dsn
from roomkit_sql.snapshots import CachedRoom, Parsed
from roomkit_sql.store import SQLStore, StoreUnavailableError

_SNAPSHOT = """
SELECT r.version, r.event_count, r.data,
  ARRAY(SELECT b.data FROM bindings b WHERE b.room_id = $1 ORDER BY b.channel_id),
  ARRAY(SELECT p.data FROM participants p WHERE p.room_id = $1 ORDER BY p.id),
  ARRAY(SELECT e.data FROM (SELECT data, idx FROM events WHERE room_id = $1
                            ORDER BY idx DESC LIMIT $2) e ORDER BY e.idx)
FROM rooms r WHERE r.id = $1
"""
# One statement, one round trip and one commit per message: the room's UPDATE takes its row lock
# and yields the index (a concurrent append waits, then sees the new count), the event is inserted
# with that index written into its JSON text (between the parts before and after the index's value,
# $4 and $11), then its outbox row (the targets' document, $5). A unique violation (a duplicate
# provider_message_id) fails the whole statement, the count included, so indexes stay gap-free.
# Given a snapshot's version ($8), the UPDATE matches no row once the room's status, bindings,
# participants or events changed since: nothing is written, and the caller reads the room again.
# Appends do not change the version: other processes' messages need no refusal. Given the index
# this process's cached snapshot expects ($9), an append that finds other processes' events in
# between returns them (the newest $10) and the room, so the cache catches up without a read.
_APPEND = """
WITH rm AS (
  UPDATE rooms SET event_count = event_count + 1,
    data = jsonb_set(jsonb_set(jsonb_set(data::jsonb,
      '{event_count}', to_jsonb(event_count + 1)),
      '{latest_index}', to_jsonb(event_count)),
      '{last_activity_at}', CASE
        WHEN (data::jsonb ->> 'last_activity_at')::timestamptz >= $6::text::timestamptz
        THEN data::jsonb -> 'last_activity_at' ELSE to_jsonb($6::text) END)::text
  WHERE id = $1 AND ($8::bigint IS NULL OR version = $8)
  RETURNING event_count - 1 AS idx, data
), ev AS (
  INSERT INTO events (room_id, idx, id, provider_message_id, data)
  SELECT $1, rm.idx, $2, $3, $4::text || rm.idx || $11::text FROM rm
), ob AS (
  INSERT INTO event_outbox (event_id, room_id, pending, dead, deliveries, revision, created_at,
    updated_at)
  SELECT $2, $1, true, false, $5::text, 0, $7, $7 FROM rm WHERE $5::text IS NOT NULL
)
SELECT idx, CASE WHEN $9::bigint < idx THEN data END,
  CASE WHEN $9::bigint < idx THEN ARRAY(
    SELECT e.data FROM events e WHERE e.room_id = $1 AND e.idx >= GREATEST($9, rm.idx - $10)
      AND e.idx < rm.idx ORDER BY e.idx) END
FROM rm
"""
# Settling commits without waiting for the WAL flush (synchronous_commit off for this statement's
# transaction only): a crash can lose the last fraction of a second of settlements, whose entries
# are then pending again and delivered once more by recover_deliveries (at least once, as the
# outbox promises), while the event itself was committed durably. One statement settles what
# every event of the process noted meanwhile (see _Settler). The events this process stored
# itself have their documents known here: their next versions are written as they are, each on
# condition that the row is still at the revision it knows (_SETTLE_KNOWN). The others, and
# those changed meanwhile (a fired fallback, another process), are merged in the database from
# the outcomes (_SETTLE_MERGE): rows locked in event order, the attempts added up, the flags read
# off the merged text. Every array travels as text: asyncpg looks up an int[] or bool[]
# parameter's type in the catalog on each new connection, a text[] it knows.
_SETTLE_KNOWN = """
UPDATE event_outbox AS o SET deliveries = u.deliveries, pending = u.pending::boolean,
  dead = u.dead::boolean, revision = o.revision + 1, updated_at = $1
FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
    AS u(event_id, deliveries, pending, dead, revision),
  (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed
WHERE o.event_id = u.event_id AND o.revision = u.revision::int
RETURNING o.event_id
"""
_SETTLE_MERGE = """
WITH s AS (
  SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
    AS s(event_id, channel_id, state, attempts, error)
), o AS (
  SELECT event_id, deliveries::jsonb AS d FROM event_outbox
  WHERE event_id = ANY($2::text[]) ORDER BY event_id FOR UPDATE
), m AS (
  SELECT o.event_id, (o.d || jsonb_object_agg(s.channel_id, jsonb_build_array(s.state,
      (o.d -> s.channel_id ->> 1)::int + s.attempts::int, s.error, $1::text,
      o.d -> s.channel_id -> 4)))::text AS t
  FROM o JOIN s ON s.event_id = o.event_id AND o.d ? s.channel_id
  GROUP BY o.event_id, o.d
)
UPDATE event_outbox AS x SET deliveries = m.t, pending = strpos(m.t, '["pending"') > 0,
  dead = strpos(m.t, '["dead"') > 0, revision = x.revision + 1, updated_at = $1
FROM m, (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed
WHERE x.event_id = m.event_id
"""
_VERSION = "SELECT version FROM rooms WHERE id = $1"
_BINDINGS_OF_CHANNEL = "SELECT data FROM bindings WHERE channel_id = $1 ORDER BY room_id"
_FIND_PARTICIPANT = (
    "SELECT data FROM participants WHERE room_id = $1 AND channel_id = $2 AND external_id = $3"
    " LIMIT 1"
)
_FIND_BY_PROVIDER_ID = (
    "SELECT data FROM events WHERE room_id = $1 AND provider_message_id = $2 LIMIT 1"
)


log = logging.getLogger("roomkit.store.postgres")


async def _warm(conn: Any) -> None:
    """Plan generically (PostgreSQL would otherwise plan a statement afresh for its first runs,
    and later whenever a custom plan looks cheaper), then run the per-message statements once
    on a new connection, matching no row (no room has the id "" and no room's version is -1), so
    that asyncpg has them prepared and the first messages a connection serves do not wait for
    their planning. The setting is a session ``SET`` rather than a startup parameter, which
    connection poolers in front of PostgreSQL may refuse."""
    import asyncpg

    try:
        await conn.execute("SET plan_cache_mode = force_generic_plan")
    except asyncpg.PostgresError:  # before PostgreSQL 12: plans as the server decides
        pass
    await conn.fetchrow(_SNAPSHOT, "", 0)
    await conn.fetchrow(_APPEND, "", "", None, "", None, "", "", -1, None, 0, "")
    await conn.fetch(_SETTLE_KNOWN, "", [], [], [], [], [])
    await conn.execute(_SETTLE_MERGE, "", [], [], [], [], [])
    await conn.fetchval(_FIND_PARTICIPANT, "", "", "")
    await conn.fetchval(_FIND_BY_PROVIDER_ID, "", "")
    await conn.fetch(_BINDINGS_OF_CHANNEL, "")


type _Settlement = tuple[str, str, str, int, str | None]  # event, channel, state, tries, error


class _Settler:
    """Outbox settlements, written in the background: what is noted within ``window`` seconds
    of the first one goes into one statement (a statement per message would cost a round trip
    and the server's work each time). Reads of the outbox wait for what is queued (``flush``),
    so this process sees its own settlements; entries stay pending in the database for those
    milliseconds, which recovery (entries older than seconds) never touches."""

    def __init__(
        self,
        write: Callable[[list[_Settlement]], Awaitable[None]],
        window: float = 0.01,
        batch: int = 1000,
    ) -> None:
        self._write = write
        self.window = window
        self.batch = batch
        self._queued: list[_Settlement] = []
        self._task: asyncio.Task[None] | None = None
        self._nap: asyncio.Future[None] | None = None
        self._urgent = False

    def put(self, rows: list[_Settlement]) -> None:
        self._queued.extend(rows)
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._drain())
        elif len(self._queued) >= self.batch:
            self._wake()

    def _wake(self) -> None:
        if self._nap is not None and not self._nap.done():
            self._nap.set_result(None)

    async def _gather(self) -> None:
        """Wait out the window, unless someone waits for the settlements or many are queued."""
        if self._urgent or self.window <= 0 or len(self._queued) >= self.batch:
            return
        loop = asyncio.get_running_loop()
        self._nap = loop.create_future()
        timer = loop.call_later(self.window, self._wake)
        try:
            await self._nap
        finally:
            timer.cancel()
            self._nap = None

    async def _drain(self) -> None:
        try:
            while self._queued:
                await self._gather()
                batch, self._queued = _merged(self._queued), []
                try:
                    await self._write(batch)
                except Exception as exc:  # the entries stay pending: recovery sends them again
                    log.warning("could not settle %d outbox entries: %r", len(batch), exc)
        finally:
            self._task = None
            self._urgent = False

    async def flush(self) -> None:
        while self._task is not None:
            self._urgent = True
            self._wake()
            await asyncio.shield(self._task)


class _Drafts:
    """The outbox documents of events this process stored, with the revision each row is at,
    until their outcomes are settled: their next versions need no read (the oldest are
    forgotten past ``size``, and then merged in the database like any other)."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._known: OrderedDict[str, tuple[int, outbox_rows.Document]] = OrderedDict()

    def keep(self, event_id: str, revision: int, document: outbox_rows.Document) -> None:
        self._known[event_id] = (revision, document)
        if len(self._known) > self.size:
            self._known.popitem(last=False)

    def take(self, event_id: str) -> tuple[int, outbox_rows.Document] | None:
        return self._known.pop(event_id, None)


def _iso(moment: datetime) -> str:
    """A datetime as its JSON form in stored events (ISO 8601, ``Z`` for UTC)."""
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _around_index(data: str) -> tuple[str, str]:
    """An event's JSON split around the value of its index: the text up to ``"index":`` and
    from the comma after the value. The first ``"index":`` is the top-level key (only id and
    room_id, plain strings, come before it, and a quote inside a JSON string is escaped)."""
    head, key, rest = data.partition('"index":')
    if not key or head.count("{") != 1:  # a nested object before it: not the top-level key
        raise ValueError("an event's JSON must start with id, room_id and index")
    return head + key, rest[rest.index(",") :]


def _merged(rows: list[_Settlement]) -> list[_Settlement]:
    """One row per entry, in order: the last state and error, the attempts added up (an
    UPDATE ... FROM with two rows for one entry would apply only one of them)."""
    merged: dict[tuple[str, str], _Settlement] = {}
    for row in rows:
        key = (row[0], row[1])
        before = merged.pop(key, None)
        merged[key] = row if before is None else (*key, row[2], before[3] + row[3], row[4])
    return list(merged.values())


class PostgresStore(SQLStore):
    """``PostgresStore("postgresql://user:pass@host/db")``, then ``await store.init(...)``.

    ``settle_window``: seconds during which delivery outcomes are gathered into one statement
    (0 settles each message's outcomes at once)."""

    def __init__(self, dsn: str, *, schema: str | None = None, settle_window: float = 0.01) -> None:
        url = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+asyncpg://", dsn)
        if not url.startswith("postgresql+asyncpg://"):
            raise ValueError(f"not a PostgreSQL DSN: {dsn!r}")
        super().__init__(url, schema=schema)
        self._lender: ConnectionLender | None = None
        self._room = Parsed(Room.model_validate_json, 1024)
        self._binding = Parsed(ChannelBinding.model_validate_json)
        self._participant = Parsed(Participant.model_validate_json)
        self._event = Parsed(RoomEvent.model_validate_json)
        # rooms' snapshots, kept while the listener hears every change other processes make
        self._cache: OrderedDict[str, CachedRoom] = OrderedDict()
        self._generation: dict[str, int] = {}
        self._listener: Any = None
        self._listen_task: asyncio.Task[None] | None = None
        self.cache_size = 10_000
        self._settler = _Settler(self._settle, settle_window)
        self._drafts = _Drafts()
        self._touched: set[str] = set()

    @property
    def channel(self) -> str:
        """The NOTIFY channel announcing room changes (one per schema)."""
        return f"roomkit_rooms_{self.schema}" if self.schema else "roomkit_rooms"

    def _settings(self) -> dict[str, str]:
        return {"search_path": self.schema} if self.schema else {}

    def _make_engine(self, min_size: int, max_size: int, connect_timeout: float) -> AsyncEngine:
        # the per-message path has the connection lender; this pool serves the rest of the port
        return create_async_engine(
            self.url,
            poolclass=AsyncAdaptedQueuePool,
            pool_size=1,
            max_overflow=max(0, min(2, max_size - 1)),
            connect_args={"timeout": connect_timeout, "server_settings": self._settings()},
        )

    async def init(
        self, min_size: int = 1, max_size: int = 10, connect_timeout: float = 10.0
    ) -> None:
        """Connect (the per-message path's connections: ``min_size`` opened now, up to
        ``max_size`` when that many messages are handled concurrently; size it to the rooms
        served concurrently), create missing tables, and bring an older schema up to date."""
        if self._engine is not None:
            return
        await super().init(min_size, max_size, connect_timeout)
        import asyncpg

        lender = ConnectionLender(
            plain_dsn(self.url),
            min_size=max(1, min(min_size, max_size)),
            max_size=max(1, max_size),
            timeout=connect_timeout,
            server_settings=self._settings(),
            init=_warm,
        )
        try:
            await lender.start()
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            await super().close()
            raise StoreUnavailableError(
                f"cannot initialise the store at {self._safe_url}: {exc}"
            ) from exc
        self._lender = lender
        self._connect_timeout = connect_timeout
        await self._listen()

    # the room cache ------------------------------------------------------------------------
    async def _listen(self) -> None:
        """LISTEN for room changes; until it succeeds, snapshots are read afresh."""
        import asyncpg

        try:
            conn = await asyncpg.connect(plain_dsn(self.url), timeout=self._connect_timeout)
            await conn.add_listener(self.channel, self._on_change)
        except (OSError, asyncpg.PostgresError, TimeoutError):
            return
        conn.add_termination_listener(self._on_lost)
        self._cache.clear()  # changes made before LISTEN took effect were not heard
        self._listener = conn

    def _on_change(self, _conn: Any, _pid: int, _channel: str, room_id: str) -> None:
        self._forget(room_id)

    def _on_lost(self, _conn: Any) -> None:
        """The listener's connection dropped: changes may go unheard, so nothing is cached
        until it listens again."""
        self._listener = None
        self._cache.clear()
        if self._lender is not None and self._listen_task is None:
            self._listen_task = asyncio.get_running_loop().create_task(self._relisten())

    async def _relisten(self) -> None:
        try:
            while self._lender is not None and self._listener is None:
                await self._listen()
                if self._listener is None:
                    await asyncio.sleep(1.0)
        finally:
            self._listen_task = None

    def _forget(self, room_id: str) -> None:
        self._cache.pop(room_id, None)
        self._generation[room_id] = self._generation.get(room_id, 0) + 1

    async def _changed(self, conn: Any, room_id: str) -> None:
        await super()._changed(conn, room_id)
        await conn.execute(
            text("SELECT pg_notify(:channel, :room)"), {"channel": self.channel, "room": room_id}
        )
        self._forget(room_id)
        self._touched.add(room_id)

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[AsyncConnection]:
        """Forgets the rooms a transaction changed once it has ended (again: a snapshot read
        while it was open may have been cached meanwhile)."""
        try:
            async with super()._tx() as conn:
                yield conn
        finally:
            touched, self._touched = self._touched, set()
            for room_id in touched:
                self._forget(room_id)

    async def _read_snapshot(self, room_id: str, event_limit: int) -> RoomSnapshot | None:
        limit = max(0, event_limit)
        generation = self._generation.get(room_id, 0)
        row = await (self._lender or await self._p()).fetchrow(_SNAPSHOT, room_id, limit)
        if row is None:
            return None
        cached = CachedRoom(
            self._room(row[2]),
            [self._binding(d) for d in row[3]],
            [self._participant(d) for d in row[4]],
            [self._event(d) for d in row[5]],
            limit,
            int(row[0]),
            int(row[1]),
        )
        # kept unless a change was heard while reading (the read may predate it)
        if self._listener is not None and self._generation.get(room_id, 0) == generation:
            self._cache[room_id] = cached
            self._cache.move_to_end(room_id)
            if len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return cached.snapshot()

    async def _p(self) -> ConnectionLender:
        if self._lender is None:
            await self.init()
        lender = self._lender
        if lender is None:  # closed meanwhile
            raise StoreUnavailableError(f"the store at {self._safe_url} is closed")
        return lender

    async def close(self) -> None:
        await self._settler.flush()
        if self._lender is not None:
            await self._lender.close()
            self._lender = None
        if self._listen_task is not None:
            self._listen_task.cancel()
            self._listen_task = None
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.remove_termination_listener(self._on_lost)
            await listener.close()
        self._cache.clear()
        await super().close()

    # the per-message path ------------------------------------------------------------------
    async def get_room_snapshot(self, room_id: str, event_limit: int) -> RoomSnapshot | None:
        return await self._read_snapshot(room_id, event_limit)

    async def cached_room_snapshot(self, room_id: str, event_limit: int) -> RoomSnapshot | None:
        """From this process's cache while its listener hears other processes' changes; the
        append refuses a version that a change not heard yet has made stale."""
        cached = self._cache.get(room_id)
        if cached is not None and cached.limit == max(0, event_limit):
            return cached.snapshot()
        return await self._read_snapshot(room_id, event_limit)

    async def get_room(self, room_id: str) -> Room | None:
        data = await (self._lender or await self._p()).fetchval(
            "SELECT data FROM rooms WHERE id = $1", room_id
        )
        return self._room(data) if data else None

    async def list_bindings_for_channel(self, channel_id: str) -> list[ChannelBinding]:
        """Routing asks this for every message that names no room: one prepared statement."""
        rows = await (self._lender or await self._p()).fetch(_BINDINGS_OF_CHANNEL, channel_id)
        return [self._binding(r[0]) for r in rows]

    async def find_participant(
        self, room_id: str, channel_id: str, external_id: str
    ) -> Participant | None:
        data = await (self._lender or await self._p()).fetchval(
            _FIND_PARTICIPANT, room_id, channel_id, external_id
        )
        return self._participant(data) if data else None

    async def find_event_by_provider_message_id(
        self, room_id: str, provider_message_id: str
    ) -> RoomEvent | None:
        data = await (self._lender or await self._p()).fetchval(
            _FIND_BY_PROVIDER_ID, room_id, provider_message_id
        )
        return self._event(data) if data else None

    async def add_event(
        self, event: RoomEvent, deliveries: Sequence[str] = (), *, version: object = None
    ) -> RoomEvent:
        check_event(event)
        import asyncpg

        now = utcnow()
        stored = evolve(event, stored_at=now)
        created = _iso(stored.created_at)
        if version is not None and not isinstance(version, int):
            raise TypeError(f"version must come from this store's snapshots, not {version!r}")
        cached = self._cache.get(stored.room_id)
        expected = cached.count if cached is not None and cached.version == version else None
        head, tail = _around_index(stored.model_dump_json())
        document = outbox_rows.fresh(dict.fromkeys(deliveries)) if deliveries else None
        try:
            row = await (self._lender or await self._p()).fetchrow(
                _APPEND,
                stored.room_id,
                stored.id,
                stored.provider_message_id,
                head,
                None if document is None else outbox_rows.dump(document),
                created,
                now.isoformat(),
                version,
                expected,
                cached.limit if cached is not None else 0,
                tail,
            )
        except asyncpg.UniqueViolationError as exc:
            if event.provider_message_id and await self.find_event_by_provider_message_id(
                event.room_id, event.provider_message_id
            ):
                raise DuplicateEventError(event.room_id, event.provider_message_id) from exc
            raise ValueError(f"event {event.id!r} is already stored") from exc
        except asyncpg.UntranslatableCharacterError:
            # room JSON with \u0000 has no jsonb form: the transaction that leaves the text as it is
            self._forget(event.room_id)
            return await super().add_event(event, deliveries, version=version)
        if row is None:
            self._forget(event.room_id)
            now = await (self._lender or await self._p()).fetchval(_VERSION, event.room_id)
            if version is not None and now is not None:
                raise self._stale(event.room_id, version, int(now))
            raise KeyError(f"room {event.room_id!r} does not exist")
        index = int(row[0])
        stored = evolve(stored, index=index)
        if document is not None:
            self._drafts.keep(stored.id, 0, document)
        self._keep_up(cached, expected, stored, row[1], row[2])
        return stored

    def _keep_up(
        self,
        cached: CachedRoom | None,
        expected: int | None,
        stored: RoomEvent,
        room: str | None,
        between: list[str] | None,
    ) -> None:
        """Bring the cached snapshot up to this append, or forget it when that cannot be done
        exactly (it changed meanwhile, or events committed while the append waited were not
        visible to it)."""
        if cached is None or self._cache.get(stored.room_id) is not cached:
            return
        index = stored.index
        if expected is not None and cached.count == expected:
            if expected == index:  # the state this append was made on
                cached.appended(stored)
                return
            wanted = min(cached.limit, index - expected)
            if room is not None and between is not None and len(between) == wanted:
                cached.caught_up(self._room(room), [self._event(d) for d in between], stored)
                return
        self._forget(stored.room_id)

    async def mark_delivery(
        self,
        event_id: str,
        channel_id: str,
        state: OutboxState,
        attempts: int,
        error: str | None = None,
    ) -> None:
        """Settled before it returns (after whatever was queued before it)."""
        await self.mark_deliveries(
            event_id, [DeliverySettlement(channel_id, state, attempts, error)]
        )
        await self._settler.flush()

    async def mark_deliveries(self, event_id: str, outcomes: Sequence[DeliverySettlement]) -> None:
        """Queued for the next settling statement (see _Settler)."""
        if not outcomes:
            return
        rows = [
            (event_id, o.channel_id, OutboxState(o.state).value, o.attempts, o.error)
            for o in outcomes
        ]
        await self._p()
        self._settler.put(rows)

    async def _settle(self, settlements: list[_Settlement]) -> None:
        stamp = utcnow().isoformat()
        lender = self._lender or await self._p()
        outcomes: dict[str, list[DeliverySettlement]] = {}
        for event_id, channel_id, state, tries, error in settlements:
            outcomes.setdefault(event_id, []).append(
                DeliverySettlement(channel_id, OutboxState(state), tries, error)
            )
        known = {}
        for event_id, theirs in outcomes.items():
            draft = self._drafts.take(event_id)
            if draft is not None:
                revision, document = draft
                known[event_id] = (revision, outbox_rows.settled(document, theirs, stamp))
        if known:
            rows = {event_id: outbox_rows.columns(d) for event_id, (_, d) in known.items()}
            written = await lender.fetch(
                _SETTLE_KNOWN,
                stamp,
                list(known),
                [row["deliveries"] for row in rows.values()],
                ["t" if row["pending"] else "f" for row in rows.values()],
                ["t" if row["dead"] else "f" for row in rows.values()],
                [str(revision) for revision, _ in known.values()],
            )
            for (event_id,) in written:
                revision, document = known.pop(event_id)
                if rows[event_id]["pending"]:  # more outcomes to come: still known
                    self._drafts.keep(event_id, revision + 1, document)
                del outcomes[event_id]
        merged = [(e, s) for e, theirs in outcomes.items() for s in theirs]
        if merged:
            await lender.execute(
                _SETTLE_MERGE,
                stamp,
                [e for e, _ in merged],
                [s.channel_id for _, s in merged],
                [OutboxState(s.state).value for _, s in merged],
                [str(s.attempts) for _, s in merged],
                [s.error for _, s in merged],
            )

    async def list_outbox(
        self, state: OutboxState, *, room_id: str | None = None, limit: int = 100
    ) -> list[OutboxEntry]:
        await self._settler.flush()
        return await super().list_outbox(state, room_id=room_id, limit=limit)
