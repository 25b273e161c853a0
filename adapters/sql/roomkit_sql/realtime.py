"""PostgresRealtime: ephemeral events across processes over LISTEN/NOTIFY.

Payloads above NOTIFY's limit are written to a table and announced by reference, so they are
delivered, not dropped. Each process dispatches received events to its subscribers in order.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from roomkit.domain.base import new_id
from roomkit.domain.realtime import EphemeralEvent
from roomkit.ports.realtime import EphemeralCallback, RealtimeBackend
from roomkit_sql.locks import plain_dsn

log = logging.getLogger("roomkit.realtime.postgres")

CHANNEL = "roomkit_realtime"
MAX_INLINE = 7000  # NOTIFY payloads must stay under 8000 bytes
REF = "ref:"


class PostgresRealtime(RealtimeBackend):
    def __init__(self, dsn: str, *, channel: str = CHANNEL, connect_timeout: float = 10.0) -> None:
        self.dsn = plain_dsn(dsn)
        self.channel = channel
        self.connect_timeout = connect_timeout
        self._subs: dict[str, dict[str, EphemeralCallback]] = {}
        self._room_of: dict[str, str] = {}
        self._listener: Any = None
        self._publisher: Any = None
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._setup = asyncio.Lock()

    async def _connect(self) -> Any:
        import asyncpg

        return await asyncpg.connect(self.dsn, timeout=self.connect_timeout)

    async def _ensure_publisher(self) -> Any:
        async with self._setup:
            if self._publisher is None:
                self._publisher = await self._connect()
                await self._publisher.execute(
                    "CREATE TABLE IF NOT EXISTS roomkit_realtime_payloads ("
                    "id text PRIMARY KEY, data text NOT NULL, "
                    "created_at timestamptz NOT NULL DEFAULT now())"
                )
            return self._publisher

    async def _ensure_listener(self) -> None:
        async with self._setup:
            if self._listener is not None:
                return
            self._listener = await self._connect()
            await self._listener.add_listener(self.channel, self._on_notify)
            self._worker = asyncio.create_task(self._dispatch())

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        self._queue.put_nowait(payload)

    async def publish(self, event: EphemeralEvent) -> None:
        conn = await self._ensure_publisher()
        payload = event.model_dump_json()
        if len(payload.encode()) > MAX_INLINE:
            ref = new_id()
            await conn.execute(
                "INSERT INTO roomkit_realtime_payloads (id, data) VALUES ($1, $2)", ref, payload
            )
            payload = REF + ref
        await conn.execute("SELECT pg_notify($1, $2)", self.channel, payload)

    async def _dispatch(self) -> None:
        while True:
            payload = await self._queue.get()
            try:
                if payload.startswith(REF):
                    publisher = await self._ensure_publisher()
                    payload = await publisher.fetchval(
                        "SELECT data FROM roomkit_realtime_payloads WHERE id = $1",
                        payload[len(REF) :],
                    )
                    if payload is None:
                        continue
                event = EphemeralEvent.model_validate_json(payload)
            except Exception:
                log.exception("unreadable realtime payload")
                continue
            for sub_id, callback in list(self._subs.get(event.room_id, {}).items()):
                try:
                    await callback(event)
                except Exception:
                    log.exception("realtime subscriber %s failed on %s", sub_id, event.type)

    async def subscribe(self, room_id: str, callback: EphemeralCallback) -> str:
        await self._ensure_listener()
        sub_id = new_id()
        self._subs.setdefault(room_id, {})[sub_id] = callback
        self._room_of[sub_id] = room_id
        return sub_id

    async def unsubscribe(self, subscription_id: str) -> bool:
        room_id = self._room_of.pop(subscription_id, None)
        if room_id is None:
            return False
        subs = self._subs.get(room_id, {})
        subs.pop(subscription_id, None)
        if not subs:
            self._subs.pop(room_id, None)
        return True

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            self._worker = None
        for conn in (self._listener, self._publisher):
            if conn is not None:
                await conn.close()
        self._listener = self._publisher = None
        self._subs.clear()
        self._room_of.clear()
