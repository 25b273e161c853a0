"""Three OS processes, each a RoomKit on the same PostgreSQL, write into the same rooms at once."""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from pathlib import Path

from roomkit_sql import PostgresStore

from roomkit import RoomKit, WebSocketChannel

WORKER = Path(__file__).with_name("mp_worker.py")
PROCESSES, MESSAGES, ROOMS = 3, 120, 4


async def test_three_processes_share_rooms_without_gaps_or_duplicates(pg_dsn: str) -> None:
    schema = f"mp_{uuid.uuid4().hex[:10]}"
    store = PostgresStore(pg_dsn, schema=schema)
    setup = RoomKit(store=store)
    setup.register_channel(WebSocketChannel("ws"))
    for r in range(ROOMS):
        await setup.create_room(room_id=f"room-{r}")
        await setup.attach_channel(f"room-{r}", "ws")
    try:
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                str(WORKER),
                pg_dsn,
                schema,
                str(w),
                str(MESSAGES),
                str(ROOMS),
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            for w in range(PROCESSES)
        ]
        outputs = [await asyncio.wait_for(p.communicate(), 120) for p in procs]
        reports = []
        for proc, (out, err) in zip(procs, outputs, strict=True):
            assert proc.returncode == 0, err.decode()[-3000:]
            reports.append(json.loads(out.decode().strip().splitlines()[-1]))

        shared = MESSAGES // 5  # dup-* ids, sent by every process
        unique_expected = PROCESSES * (MESSAGES - shared) + shared
        bodies: list[str] = []
        for r in range(ROOMS):
            timeline = await store.list_events(f"room-{r}", offset=0, limit=10_000)
            assert [e.index for e in timeline] == list(range(len(timeline))), f"room-{r} gaps"
            ids = [e.provider_message_id for e in timeline]
            assert len(ids) == len(set(ids)), f"room-{r} stored a message twice"
            bodies += [e.content.body for e in timeline]
        assert len(bodies) == unique_expected
        assert sum(r["duplicates"] for r in reports) == (PROCESSES - 1) * shared
        assert all(r["realtime"] for r in reports), reports
    finally:
        await store.drop_all()
        await store.close()
