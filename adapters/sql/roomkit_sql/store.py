"""SQLStore: the ConversationStore port on SQLAlchemy 2 async, for PostgreSQL and SQLite.

The per-room index is assigned inside the transaction that stores the event, under a lock of the
room's row (PostgreSQL) or the single writer connection (SQLite), so it stays gap-free and unique
across concurrent tasks and processes; (room_id, provider_message_id) is unique in the database.
"""

from __future__ import annotations

import functools
import inspect
import re
import time
from abc import abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select, text, update
from sqlalchemy import inspect as inspect_db
from sqlalchemy.exc import (
    DBAPIError,
    IntegrityError,
    InterfaceError,
    InternalError,
    OperationalError,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from roomkit.domain.base import utcnow
from roomkit.domain.channel import ChannelBinding
from roomkit.domain.delivery import DeliveryResult, DeliveryStatus
from roomkit.domain.enums import RoomStatus
from roomkit.domain.errors import DuplicateEventError, RoomKitError
from roomkit.domain.event import RoomEvent
from roomkit.domain.fallback import FallbackState, PendingFallback
from roomkit.domain.identity import Identity
from roomkit.domain.outbox import DeliverySettlement, OutboxEntry, OutboxState
from roomkit.domain.participant import Participant
from roomkit.domain.room import Room, with_counters_of
from roomkit.domain.tasks import Observation, Task
from roomkit.domain.validation import check_event, check_id
from roomkit.ports.store import ConversationStore, StaleSnapshotError
from roomkit_sql import outbox_rows as rows
from roomkit_sql import schema as t

OWN_KEPT = 64
"""Own version bumps remembered per room (a pipeline's hooks make a handful at most)."""

_SCHEMA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


class StoreUnavailableError(RoomKitError):
    """The database could not be reached or initialised."""


class SchemaVersionError(RoomKitError):
    """The database was made by a newer RoomKit than this one."""


class SQLStore(ConversationStore):
    def __init__(self, url: str, *, schema: str | None = None) -> None:
        if schema is not None and not _SCHEMA_NAME.match(schema):
            raise ValueError(f"schema {schema!r} is not a plain SQL identifier")
        self.url = url
        self.schema = schema
        self._engine: AsyncEngine | None = None
        self._own: dict[str, list[int]] = {}  # the versions this object's own changes made

    # lifecycle -----------------------------------------------------------------------------
    @abstractmethod
    def _make_engine(self, min_size: int, max_size: int, connect_timeout: float) -> AsyncEngine:
        """The dialect's engine and pool."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        wrap_store_methods(cls)  # a subclass's own queries get the same error translation

    async def init(
        self, min_size: int = 1, max_size: int = 10, connect_timeout: float = 10.0
    ) -> None:
        """Connect, create missing tables, and bring an older schema up to date."""
        if self._engine is not None:
            return
        engine = self._make_engine(min_size, max_size, connect_timeout)
        try:
            async with engine.begin() as conn:
                if self.schema and engine.dialect.name == "postgresql":
                    await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
                await conn.run_sync(t.metadata.create_all)
                await self._migrate(conn)
        except (OSError, OperationalError, DBAPIError, TimeoutError) as exc:
            await engine.dispose()
            raise StoreUnavailableError(
                f"cannot initialise the store at {self._safe_url}: {exc}"
            ) from exc
        self._engine = engine

    async def _migrate(self, conn: AsyncConnection) -> None:
        current = (await conn.execute(select(func.max(t.schema_version.c.version)))).scalar()
        if current is None:
            await conn.execute(insert(t.schema_version).values(version=t.SCHEMA_VERSION))
        elif current > t.SCHEMA_VERSION:
            raise SchemaVersionError(
                f"the database schema is version {current}; this RoomKit knows up to "
                f"{t.SCHEMA_VERSION}: upgrade roomkit-sql"
            )
        elif current < t.SCHEMA_VERSION:
            # 1 -> 2: the outbox table; 2 -> 3: the fallbacks table (create_all has just added
            # them; no existing row changes); 3 -> 4: rooms.version, added to the existing table
            if current < 4 and "version" not in await conn.run_sync(_room_columns):
                await conn.execute(
                    text("ALTER TABLE rooms ADD COLUMN version BIGINT NOT NULL DEFAULT 0")
                )
            if current < 5 and await conn.run_sync(_has_table, t.legacy_outbox.name):
                await _outbox_rows_per_event(conn)
            await conn.execute(insert(t.schema_version).values(version=t.SCHEMA_VERSION))

    async def _changed(self, conn: AsyncConnection, room_id: str) -> None:
        """Inside a transaction changing what the room's snapshot shows: bump its version (and
        remember the bump as this store's own)."""
        version = (
            await conn.execute(
                update(t.rooms)
                .where(t.rooms.c.id == room_id)
                .values(version=t.rooms.c.version + 1)
                .returning(t.rooms.c.version)
            )
        ).scalar()
        if version is not None:
            own = self._own.setdefault(room_id, [])
            own.append(int(version))
            del own[:-OWN_KEPT]

    def _stale(self, room_id: str, version: object, now: int) -> StaleSnapshotError:
        """The refusal of an append made on ``version`` while the room is at ``now``; with
        ``current`` when every change since was this store's own."""
        before = version if isinstance(version, int) else now
        own = self._own.get(room_id, ())
        if before < now and all(v in own for v in range(before + 1, now + 1)):
            return StaleSnapshotError(room_id, now)
        return StaleSnapshotError(room_id)

    @property
    def _safe_url(self) -> str:
        return re.sub(r"//[^@/]*@", "//***@", self.url)

    async def _eng(self) -> AsyncEngine:
        """The engine, initialised with default pool sizes on first use."""
        if self._engine is None:
            await self.init()
        assert self._engine is not None
        return self._engine

    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[AsyncConnection]:
        async with (await self._eng()).begin() as conn:
            yield conn

    async def close(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    async def drop_all(self) -> None:
        """Remove every table (tests and teardown)."""
        async with self._tx() as conn:
            await conn.run_sync(t.metadata.drop_all)
            if self.schema and conn.dialect.name == "postgresql":
                await conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))

    # rooms ---------------------------------------------------------------------------------
    async def create_room(self, room: Room) -> Room:
        check_id(room.id, "room id")
        try:
            async with self._tx() as conn:
                await conn.execute(
                    insert(t.rooms).values(
                        id=room.id,
                        status=room.status.value,
                        event_count=room.event_count,
                        data=room.model_dump_json(),
                        # a room made again under a deleted one's id starts at another version
                        version=time.time_ns() // 1000,
                    )
                )
        except IntegrityError as exc:
            raise ValueError(f"room {room.id!r} already exists") from exc
        return room

    async def get_room(self, room_id: str) -> Room | None:
        async with (await self._eng()).connect() as conn:
            data = (
                await conn.execute(select(t.rooms.c.data).where(t.rooms.c.id == room_id))
            ).scalar()
        return Room.model_validate_json(data) if data else None

    async def update_room(self, room: Room) -> Room:
        """Written only if no append came between reading the stored counters and writing
        (the row's event_count is unchanged), else read again."""
        while True:
            async with self._tx() as conn:
                row = (
                    await conn.execute(
                        select(t.rooms.c.data, t.rooms.c.event_count).where(t.rooms.c.id == room.id)
                    )
                ).first()
                if row is None:
                    raise KeyError(f"room {room.id!r} does not exist")
                merged = with_counters_of(room, Room.model_validate_json(row.data))
                result = await conn.execute(
                    update(t.rooms)
                    .where(t.rooms.c.id == room.id, t.rooms.c.event_count == row.event_count)
                    .values(status=merged.status.value, data=merged.model_dump_json())
                )
                if result.rowcount:
                    await self._changed(conn, room.id)
                    return merged

    async def delete_room(self, room_id: str) -> bool:
        async with self._tx() as conn:
            await self._changed(conn, room_id)
            deleted = (await conn.execute(delete(t.rooms).where(t.rooms.c.id == room_id))).rowcount
            for table in (
                t.events,
                t.participants,
                t.bindings,
                t.tasks,
                t.observations,
                t.read_tracking,
                t.event_outbox,
                t.fallbacks,
            ):
                await conn.execute(delete(table).where(table.c.room_id == room_id))
            await conn.execute(
                delete(t.delivery_status).where(t.delivery_status.c.room_id == room_id)
            )
        return bool(deleted)

    async def list_rooms(
        self, *, status: RoomStatus | None = None, offset: int = 0, limit: int = 100
    ) -> list[Room]:
        query = select(t.rooms.c.data).order_by(t.rooms.c.id).offset(offset).limit(limit)
        if status is not None:
            query = query.where(t.rooms.c.status == status.value)
        async with (await self._eng()).connect() as conn:
            rows = (await conn.execute(query)).scalars().all()
        return [Room.model_validate_json(r) for r in rows]

    # events --------------------------------------------------------------------------------
    supports_outbox = True

    async def add_event(
        self, event: RoomEvent, deliveries: Sequence[str] = (), *, version: object = None
    ) -> RoomEvent:
        check_event(event)
        now = utcnow()
        try:
            async with self._tx() as conn:
                row = (
                    await conn.execute(
                        select(t.rooms.c.data, t.rooms.c.event_count, t.rooms.c.version)
                        .where(t.rooms.c.id == event.room_id)
                        .with_for_update()
                    )
                ).first()
                if row is None:
                    raise KeyError(f"room {event.room_id!r} does not exist")
                state = int(row.version)
                if version is not None and version != state:
                    raise self._stale(event.room_id, version, state)
                index = int(row.event_count)
                stored = event.model_copy(update={"index": index, "stored_at": now})
                room = Room.model_validate_json(row.data)
                room = room.model_copy(
                    update={
                        "event_count": index + 1,
                        "latest_index": index,
                        "last_activity_at": max(room.last_activity_at, stored.created_at),
                    }
                )
                await conn.execute(
                    insert(t.events).values(
                        room_id=stored.room_id,
                        idx=index,
                        id=stored.id,
                        provider_message_id=stored.provider_message_id,
                        data=stored.model_dump_json(),
                    )
                )
                await conn.execute(
                    update(t.rooms)
                    .where(t.rooms.c.id == room.id)
                    .values(event_count=index + 1, data=room.model_dump_json())
                )
                if deliveries:
                    await conn.execute(
                        _new_outbox_row(
                            stored.id,
                            stored.room_id,
                            rows.fresh(dict.fromkeys(deliveries)),
                            now.isoformat(),
                        )
                    )
        except IntegrityError as exc:
            if event.provider_message_id and await self.find_event_by_provider_message_id(
                event.room_id, event.provider_message_id
            ):
                raise DuplicateEventError(event.room_id, event.provider_message_id) from exc
            raise ValueError(f"event {event.id!r} is already stored") from exc
        return stored

    async def get_event(self, event_id: str) -> RoomEvent | None:
        async with (await self._eng()).connect() as conn:
            data = (
                await conn.execute(select(t.events.c.data).where(t.events.c.id == event_id))
            ).scalar()
        return RoomEvent.model_validate_json(data) if data else None

    async def update_event(self, event: RoomEvent) -> RoomEvent:
        check_event(event)
        async with self._tx() as conn:
            row = (
                await conn.execute(
                    select(t.events.c.room_id, t.events.c.idx).where(t.events.c.id == event.id)
                )
            ).first()
            if row is None:
                raise KeyError(f"event {event.id!r} does not exist")
            stored = event.model_copy(update={"index": int(row.idx), "room_id": row.room_id})
            await conn.execute(
                update(t.events)
                .where(t.events.c.id == event.id)
                .values(data=stored.model_dump_json())
            )
            await self._changed(conn, row.room_id)
        return stored

    async def list_events(self, room_id: str, offset: int = 0, limit: int = 50) -> list[RoomEvent]:
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit must be >= 0")
        query = (
            select(t.events.c.data)
            .where(
                and_(
                    t.events.c.room_id == room_id,
                    t.events.c.idx >= offset,
                    t.events.c.idx < offset + limit,
                )
            )
            .order_by(t.events.c.idx)
        )
        return await self._events(query)

    async def list_recent_events(self, room_id: str, limit: int = 50) -> list[RoomEvent]:
        if limit <= 0:
            return []
        query = (
            select(t.events.c.data)
            .where(t.events.c.room_id == room_id)
            .order_by(t.events.c.idx.desc())
            .limit(limit)
        )
        return list(reversed(await self._events(query)))

    async def _events(self, query: Any) -> list[RoomEvent]:
        async with (await self._eng()).connect() as conn:
            rows = (await conn.execute(query)).scalars().all()
        return [RoomEvent.model_validate_json(r) for r in rows]

    async def get_event_count(self, room_id: str) -> int:
        async with (await self._eng()).connect() as conn:
            count = (
                await conn.execute(select(t.rooms.c.event_count).where(t.rooms.c.id == room_id))
            ).scalar()
        return int(count or 0)

    async def find_event_by_provider_message_id(
        self, room_id: str, provider_message_id: str
    ) -> RoomEvent | None:
        query = select(t.events.c.data).where(
            and_(
                t.events.c.room_id == room_id, t.events.c.provider_message_id == provider_message_id
            )
        )
        found = await self._events(query)
        return found[0] if found else None

    # participants --------------------------------------------------------------------------
    async def add_participant(self, participant: Participant) -> Participant:
        async with self._tx() as conn:
            await self._changed(conn, participant.room_id)
            await conn.execute(
                delete(t.participants).where(
                    and_(
                        t.participants.c.room_id == participant.room_id,
                        t.participants.c.id == participant.id,
                    )
                )
            )
            await conn.execute(
                insert(t.participants).values(
                    room_id=participant.room_id,
                    id=participant.id,
                    channel_id=participant.channel_id,
                    external_id=participant.external_id,
                    data=participant.model_dump_json(),
                )
            )
        return participant

    async def get_participant(self, room_id: str, participant_id: str) -> Participant | None:
        query = select(t.participants.c.data).where(
            and_(t.participants.c.room_id == room_id, t.participants.c.id == participant_id)
        )
        found = await self._rows(query)
        return Participant.model_validate_json(found[0]) if found else None

    async def update_participant(self, participant: Participant) -> Participant:
        if await self.get_participant(participant.room_id, participant.id) is None:
            raise KeyError(f"participant {participant.id!r} does not exist")
        return await self.add_participant(participant)

    async def list_participants(self, room_id: str) -> list[Participant]:
        query = (
            select(t.participants.c.data)
            .where(t.participants.c.room_id == room_id)
            .order_by(t.participants.c.id)
        )
        return [Participant.model_validate_json(r) for r in await self._rows(query)]

    async def find_participant(
        self, room_id: str, channel_id: str, external_id: str
    ) -> Participant | None:
        query = (
            select(t.participants.c.data)
            .where(
                and_(
                    t.participants.c.room_id == room_id,
                    t.participants.c.channel_id == channel_id,
                    t.participants.c.external_id == external_id,
                )
            )
            .limit(1)
        )
        found = await self._rows(query)
        return Participant.model_validate_json(found[0]) if found else None

    async def _rows(self, query: Any) -> list[Any]:
        async with (await self._eng()).connect() as conn:
            return list((await conn.execute(query)).scalars().all())

    # bindings ------------------------------------------------------------------------------
    async def add_binding(self, binding: ChannelBinding) -> ChannelBinding:
        async with self._tx() as conn:
            await self._changed(conn, binding.room_id)
            await conn.execute(
                delete(t.bindings).where(
                    and_(
                        t.bindings.c.room_id == binding.room_id,
                        t.bindings.c.channel_id == binding.channel_id,
                    )
                )
            )
            await conn.execute(
                insert(t.bindings).values(
                    room_id=binding.room_id,
                    channel_id=binding.channel_id,
                    data=binding.model_dump_json(),
                )
            )
        return binding

    async def get_binding(self, room_id: str, channel_id: str) -> ChannelBinding | None:
        query = select(t.bindings.c.data).where(
            and_(t.bindings.c.room_id == room_id, t.bindings.c.channel_id == channel_id)
        )
        found = await self._rows(query)
        return ChannelBinding.model_validate_json(found[0]) if found else None

    async def update_binding(self, binding: ChannelBinding) -> ChannelBinding:
        if await self.get_binding(binding.room_id, binding.channel_id) is None:
            raise KeyError(f"binding {binding.room_id}/{binding.channel_id} does not exist")
        return await self.add_binding(binding)

    async def remove_binding(self, room_id: str, channel_id: str) -> bool:
        async with self._tx() as conn:
            await self._changed(conn, room_id)
            result = await conn.execute(
                delete(t.bindings).where(
                    and_(t.bindings.c.room_id == room_id, t.bindings.c.channel_id == channel_id)
                )
            )
        return bool(result.rowcount)

    async def list_bindings(self, room_id: str) -> list[ChannelBinding]:
        query = (
            select(t.bindings.c.data)
            .where(t.bindings.c.room_id == room_id)
            .order_by(t.bindings.c.channel_id)
        )
        return [ChannelBinding.model_validate_json(r) for r in await self._rows(query)]

    async def list_bindings_for_channel(self, channel_id: str) -> list[ChannelBinding]:
        query = (
            select(t.bindings.c.data)
            .where(t.bindings.c.channel_id == channel_id)
            .order_by(t.bindings.c.room_id)
        )
        return [ChannelBinding.model_validate_json(r) for r in await self._rows(query)]

    # identities ----------------------------------------------------------------------------
    async def add_identity(self, identity: Identity) -> Identity:
        addresses = [
            (str(kind), address)
            for kind, values in identity.channel_addresses.items()
            for address in values
        ]
        async with self._tx() as conn:
            await conn.execute(
                delete(t.identity_addresses).where(
                    t.identity_addresses.c.identity_id == identity.id
                )
            )
            await conn.execute(delete(t.identities).where(t.identities.c.id == identity.id))
            await conn.execute(
                insert(t.identities).values(
                    id=identity.id, data=identity.model_dump_json(), addresses=addresses
                )
            )
            for kind, address in addresses:
                await conn.execute(
                    delete(t.identity_addresses).where(
                        and_(
                            t.identity_addresses.c.channel_type == kind,
                            t.identity_addresses.c.address == address,
                        )
                    )
                )
                await conn.execute(
                    insert(t.identity_addresses).values(
                        channel_type=kind, address=address, identity_id=identity.id
                    )
                )
        return identity

    async def get_identity(self, identity_id: str) -> Identity | None:
        found = await self._rows(
            select(t.identities.c.data).where(t.identities.c.id == identity_id)
        )
        return Identity.model_validate_json(found[0]) if found else None

    async def resolve_identity(self, channel_type: str, address: str) -> Identity | None:
        query = (
            select(t.identities.c.data)
            .join(t.identity_addresses, t.identity_addresses.c.identity_id == t.identities.c.id)
            .where(
                and_(
                    t.identity_addresses.c.channel_type == str(channel_type),
                    t.identity_addresses.c.address == address,
                )
            )
        )
        found = await self._rows(query)
        return Identity.model_validate_json(found[0]) if found else None

    # tasks and observations ----------------------------------------------------------------
    async def add_task(self, task: Task) -> Task:
        async with self._tx() as conn:
            await conn.execute(
                insert(t.tasks).values(room_id=task.room_id, data=task.model_dump_json())
            )
        return task

    async def list_tasks(self, room_id: str) -> list[Task]:
        query = select(t.tasks.c.data).where(t.tasks.c.room_id == room_id).order_by(t.tasks.c.seq)
        return [Task.model_validate_json(r) for r in await self._rows(query)]

    async def add_observation(self, observation: Observation) -> Observation:
        async with self._tx() as conn:
            await conn.execute(
                insert(t.observations).values(
                    room_id=observation.room_id, data=observation.model_dump_json()
                )
            )
        return observation

    async def list_observations(self, room_id: str) -> list[Observation]:
        query = (
            select(t.observations.c.data)
            .where(t.observations.c.room_id == room_id)
            .order_by(t.observations.c.seq)
        )
        return [Observation.model_validate_json(r) for r in await self._rows(query)]

    # delivery ------------------------------------------------------------------------------
    async def add_delivery_result(self, result: DeliveryResult) -> None:
        async with self._tx() as conn:
            await conn.execute(
                insert(t.delivery_status).values(
                    kind="result",
                    room_id=result.room_id,
                    event_id=result.event_id,
                    message_id=result.provider_message_id,
                    data=result.model_dump_json(),
                )
            )

    async def list_delivery_results(
        self, room_id: str, event_id: str | None = None
    ) -> list[DeliveryResult]:
        query = select(t.delivery_status.c.data).where(
            and_(t.delivery_status.c.kind == "result", t.delivery_status.c.room_id == room_id)
        )
        if event_id is not None:
            query = query.where(t.delivery_status.c.event_id == event_id)
        rows = await self._rows(query.order_by(t.delivery_status.c.seq))
        return [DeliveryResult.model_validate_json(r) for r in rows]

    async def find_delivery_result(self, provider_message_id: str) -> DeliveryResult | None:
        query = (
            select(t.delivery_status.c.data)
            .where(
                and_(
                    t.delivery_status.c.kind == "result",
                    t.delivery_status.c.message_id == provider_message_id,
                )
            )
            .order_by(t.delivery_status.c.seq)
            .limit(1)
        )
        rows = await self._rows(query)
        return DeliveryResult.model_validate_json(rows[0]) if rows else None

    async def add_delivery_status(self, status: DeliveryStatus) -> None:
        async with self._tx() as conn:
            await conn.execute(
                insert(t.delivery_status).values(
                    kind="report",
                    room_id=status.room_id,
                    message_id=status.message_id,
                    data=status.model_dump_json(),
                )
            )

    async def list_delivery_statuses(self, message_id: str) -> list[DeliveryStatus]:
        query = (
            select(t.delivery_status.c.data)
            .where(
                and_(
                    t.delivery_status.c.kind == "report",
                    t.delivery_status.c.message_id == message_id,
                )
            )
            .order_by(t.delivery_status.c.seq)
        )
        return [DeliveryStatus.model_validate_json(r) for r in await self._rows(query)]

    # outbox --------------------------------------------------------------------------------
    async def mark_delivery(
        self,
        event_id: str,
        channel_id: str,
        state: OutboxState,
        attempts: int,
        error: str | None = None,
    ) -> None:
        await self.mark_deliveries(
            event_id, [DeliverySettlement(channel_id, state, attempts, error)]
        )

    async def mark_deliveries(self, event_id: str, outcomes: Sequence[DeliverySettlement]) -> None:
        if not outcomes:
            return
        stamp = utcnow().isoformat()
        async with self._tx() as conn:
            await self._rewrite_outbox(
                conn, event_id, lambda document: rows.settled(document, outcomes, stamp), stamp
            )

    @staticmethod
    async def _rewrite_outbox(
        conn: AsyncConnection,
        event_id: str,
        change: Callable[[rows.Document], rows.Document],
        stamp: str,
    ) -> bool:
        """Read an event's outbox row under its lock and write ``change`` of it; False if the
        event has none."""
        key = t.event_outbox.c.event_id == event_id
        found = (
            await conn.execute(select(t.event_outbox.c.deliveries).where(key).with_for_update())
        ).scalar()
        if found is None:
            return False
        await conn.execute(
            update(t.event_outbox)
            .where(key)
            .values(
                **rows.columns(change(rows.load(found))),
                revision=t.event_outbox.c.revision + 1,
                updated_at=stamp,
            )
        )
        return True

    async def list_outbox(
        self, state: OutboxState, *, room_id: str | None = None, limit: int = 100
    ) -> list[OutboxEntry]:
        """Rows that may hold entries in ``state`` are read a page at a time, oldest first
        (a row holds several entries, and the flags cover only pending and dead)."""
        table = t.event_outbox
        holds: ColumnElement[bool]
        if state is OutboxState.PENDING:
            holds = table.c.pending
        elif state is OutboxState.DEAD:
            holds = table.c.dead
        else:
            holds = table.c.deliveries.contains(rows.marker(state), autoescape=True)
        query = select(
            table.c.room_id, table.c.event_id, table.c.deliveries, table.c.created_at
        ).where(holds)
        if room_id is not None:
            query = query.where(table.c.room_id == room_id)
        query = query.order_by(table.c.created_at, table.c.event_id).limit(max(1, limit))
        found: list[OutboxEntry] = []
        after: tuple[str, str] | None = None
        async with (await self._eng()).connect() as conn:
            while len(found) < limit:
                page = query
                if after is not None:
                    page = query.where(
                        or_(
                            table.c.created_at > after[0],
                            and_(table.c.created_at == after[0], table.c.event_id > after[1]),
                        )
                    )
                batch = (await conn.execute(page)).all()
                for row in batch:
                    document = rows.load(row.deliveries)
                    found += rows.entries(
                        row.room_id, row.event_id, document, row.created_at, state
                    )
                if len(batch) < max(1, limit):
                    break
                after = (batch[-1].created_at, batch[-1].event_id)
        return found[:limit]

    # cross-channel fallbacks ---------------------------------------------------------------
    supports_fallbacks = True

    async def add_fallback(self, record: PendingFallback) -> bool:
        try:
            async with self._tx() as conn:
                await conn.execute(
                    insert(t.fallbacks).values(
                        event_id=record.event_id,
                        channel_id=record.channel_id,
                        room_id=record.room_id,
                        fallback_channel_id=record.fallback_channel_id,
                        on_failed=record.on_failed,
                        state=FallbackState(record.state).value,
                        due_at=record.due_at.timestamp() if record.due_at else None,
                        reason=record.reason,
                        created_at=record.created_at.isoformat(),
                        updated_at=record.updated_at.isoformat(),
                    )
                )
        except IntegrityError:
            return False
        return True

    async def get_fallback(self, event_id: str, channel_id: str) -> PendingFallback | None:
        found = await self._fallback_rows(
            select(t.fallbacks).where(
                and_(t.fallbacks.c.event_id == event_id, t.fallbacks.c.channel_id == channel_id)
            )
        )
        return found[0] if found else None

    async def settle_fallback(
        self, event_id: str, channel_id: str, state: FallbackState, reason: str
    ) -> PendingFallback | None:
        key = and_(t.fallbacks.c.event_id == event_id, t.fallbacks.c.channel_id == channel_id)
        stamp = utcnow().isoformat()
        async with self._tx() as conn:
            # the compare-and-set: only the caller whose update matched the pending row wins
            won = await conn.execute(
                update(t.fallbacks)
                .where(and_(key, t.fallbacks.c.state == FallbackState.PENDING.value))
                .values(state=FallbackState(state).value, reason=reason, updated_at=stamp)
            )
            if won.rowcount != 1:
                return None
            row = (await conn.execute(select(t.fallbacks).where(key))).mappings().one()
            if state is FallbackState.FIRED:
                room_id, target = row["room_id"], row["fallback_channel_id"]
                await self._pending_outbox(conn, room_id, event_id, target)
        return _fallback(row)

    @classmethod
    async def _pending_outbox(
        cls, conn: AsyncConnection, room_id: str, event_id: str, channel_id: str
    ) -> None:
        stamp = utcnow().isoformat()
        changed = await cls._rewrite_outbox(
            conn, event_id, lambda document: rows.pending_again(document, channel_id, stamp), stamp
        )
        if not changed:
            await conn.execute(
                _new_outbox_row(event_id, room_id, rows.pending_again({}, channel_id, stamp), stamp)
            )

    async def list_due_fallbacks(self, now: datetime, limit: int = 100) -> list[PendingFallback]:
        return await self._fallback_rows(
            select(t.fallbacks)
            .where(
                and_(
                    t.fallbacks.c.state == FallbackState.PENDING.value,
                    t.fallbacks.c.due_at <= now.timestamp(),
                )
            )
            .order_by(t.fallbacks.c.due_at, t.fallbacks.c.event_id)
            .limit(limit)
        )

    async def list_fallbacks(
        self, room_id: str, event_id: str | None = None
    ) -> list[PendingFallback]:
        query = select(t.fallbacks).where(t.fallbacks.c.room_id == room_id)
        if event_id is not None:
            query = query.where(t.fallbacks.c.event_id == event_id)
        return await self._fallback_rows(
            query.order_by(t.fallbacks.c.created_at, t.fallbacks.c.channel_id)
        )

    async def _fallback_rows(self, query: Any) -> list[PendingFallback]:
        async with (await self._eng()).connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [_fallback(r) for r in rows]

    # read tracking -------------------------------------------------------------------------
    async def mark_read(self, room_id: str, channel_id: str, event_id: str) -> None:
        event = await self.get_event(event_id)
        if event is None or event.room_id != room_id:
            raise KeyError(f"event {event_id!r} is not in room {room_id!r}")
        await self._set_read(room_id, channel_id, event.index, keep_higher=True)

    async def mark_all_read(self, room_id: str, channel_id: str) -> None:
        await self._set_read(
            room_id, channel_id, await self.get_event_count(room_id) - 1, keep_higher=False
        )

    async def _set_read(self, room_id: str, channel_id: str, index: int, keep_higher: bool) -> None:
        key = and_(t.read_tracking.c.room_id == room_id, t.read_tracking.c.channel_id == channel_id)
        async with self._tx() as conn:
            current = (
                await conn.execute(
                    select(t.read_tracking.c.last_read_index).where(key).with_for_update()
                )
            ).scalar()
            if current is None:
                await conn.execute(
                    insert(t.read_tracking).values(
                        room_id=room_id, channel_id=channel_id, last_read_index=index
                    )
                )
            elif not keep_higher or index > current:
                await conn.execute(update(t.read_tracking).where(key).values(last_read_index=index))

    async def get_unread_count(self, room_id: str, channel_id: str) -> int:
        async with (await self._eng()).connect() as conn:
            last = (
                await conn.execute(
                    select(t.read_tracking.c.last_read_index).where(
                        and_(
                            t.read_tracking.c.room_id == room_id,
                            t.read_tracking.c.channel_id == channel_id,
                        )
                    )
                )
            ).scalar()
        total = await self.get_event_count(room_id)
        return total - 1 - (-1 if last is None else int(last))


def _fallback(row: Any) -> PendingFallback:
    due = row["due_at"]
    return PendingFallback(
        room_id=row["room_id"],
        event_id=row["event_id"],
        channel_id=row["channel_id"],
        fallback_channel_id=row["fallback_channel_id"],
        on_failed=bool(row["on_failed"]),
        due_at=None if due is None else datetime.fromtimestamp(float(due), UTC),
        state=FallbackState(row["state"]),
        reason=row["reason"],
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )


def _new_outbox_row(event_id: str, room_id: str, document: rows.Document, stamp: str) -> Any:
    """The insert of an event's outbox row, at revision 0."""
    return insert(t.event_outbox).values(
        event_id=event_id,
        room_id=room_id,
        **rows.columns(document),
        revision=0,
        created_at=stamp,
        updated_at=stamp,
    )


def _has_table(conn: Any, name: str) -> bool:
    return bool(inspect_db(conn).has_table(name))


async def _outbox_rows_per_event(conn: AsyncConnection) -> None:
    """Schema 5: the row-per-target outbox of versions 2-4 becomes a row per event."""
    legacy = t.legacy_outbox
    found = (
        await conn.execute(select(legacy).order_by(legacy.c.event_id, legacy.c.channel_id))
    ).mappings()
    events: dict[str, dict[str, Any]] = {}
    for entry in found:
        row = events.get(entry["event_id"])
        if row is None:
            row = events[entry["event_id"]] = {
                "event_id": entry["event_id"],
                "room_id": entry["room_id"],
                "document": {},
                "created_at": entry["created_at"],
                "updated_at": entry["updated_at"],
            }
        row["document"][entry["channel_id"]] = [
            entry["state"],
            entry["attempts"],
            entry["last_error"],
            entry["updated_at"],
            entry["created_at"],
        ]
        row["created_at"] = min(row["created_at"], entry["created_at"])
        row["updated_at"] = max(row["updated_at"], entry["updated_at"])
    if events:
        await conn.execute(
            insert(t.event_outbox),
            [
                {
                    "event_id": row["event_id"],
                    "room_id": row["room_id"],
                    **rows.columns(row["document"]),
                    "revision": 0,
                    "created_at": row["created_at"],
                    "updated_at": row["updated_at"],
                }
                for row in events.values()
            ],
        )
    await conn.execute(text(f"DROP TABLE {legacy.name}"))


def _room_columns(conn: Any) -> set[str]:
    return {column["name"] for column in inspect_db(conn).get_columns("rooms")}


def _lost_connection(exc: BaseException) -> bool:
    """True for the errors a dropped or killed database connection surfaces as."""
    if isinstance(exc, OSError | ConnectionError):
        return True
    import asyncpg

    if isinstance(
        exc,
        asyncpg.exceptions.ConnectionDoesNotExistError
        | asyncpg.exceptions.InterfaceError
        | asyncpg.exceptions.InternalClientError
        | asyncpg.exceptions.PostgresConnectionError,
    ):
        return True
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated) or isinstance(
            exc, OperationalError | InterfaceError | InternalError
        )
    return False


def _unavailable_when_disconnected[**P, R](
    method: Callable[P, Awaitable[R]],
) -> Callable[P, Awaitable[R]]:
    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await method(*args, **kwargs)
        except StoreUnavailableError:
            raise
        except Exception as exc:
            if not _lost_connection(exc):
                raise
            store = args[0]
            where = getattr(store, "_safe_url", "the database")
            raise StoreUnavailableError(
                f"the connection to {where} was lost during {method.__name__}: "
                f"{type(exc).__name__}; retry the operation"
            ) from exc

    return wrapper


def wrap_store_methods(cls: type) -> None:
    """Give ``cls``'s own public coroutine methods the lost-connection translation."""
    for name, member in list(vars(cls).items()):
        if not name.startswith("_") and inspect.iscoroutinefunction(member):
            setattr(cls, name, _unavailable_when_disconnected(member))


wrap_store_methods(SQLStore)
