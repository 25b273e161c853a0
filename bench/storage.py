"""``python -m bench.storage``: the stores side by side, and PostgreSQL with 1, 2, 3 processes.

Figures: event appends per second through ``process_inbound`` (one room, one channel), timeline
pages (50 events) read per second in that room, and the total messages per second when 1, 2 or 3
processes write into the same rooms of one PostgreSQL (store, locks and realtime on it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from roomkit import InboundMessage, RoomKit, TextContent, WebSocketChannel

PG_DSN = os.environ.get("ROOMKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
WORKER = Path(__file__).resolve().parent.parent / "adapters" / "sql" / "tests" / "mp_worker.py"


async def one_store(name: str, store: Any, n: int, pages: int) -> dict[str, Any]:
    kit = RoomKit(store=store)
    kit.register_channel(WebSocketChannel("ws"))
    await kit.create_room(room_id="bench")
    await kit.attach_channel("bench", "ws")
    started = time.perf_counter()
    for i in range(n):
        await kit.process_inbound(
            InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body=f"m{i}"))
        )
    appends = n / (time.perf_counter() - started)
    started = time.perf_counter()
    for i in range(pages):
        page = await kit.get_timeline("bench", offset=(i * 37) % max(1, n - 50), limit=50)
        assert len(page) == 50
    reads = pages / (time.perf_counter() - started)
    assert await kit.store.get_event_count("bench") == n
    drop = getattr(kit.store, "drop_all", None)
    if drop is not None:
        await drop()
    await kit.close()
    return {"store": name, "appends_per_s": appends, "pages_per_s": reads}


async def processes(count: int, messages: int) -> float:
    from roomkit_sql import PostgresStore

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    store = PostgresStore(PG_DSN, schema=schema)
    kit = RoomKit(store=store)
    kit.register_channel(WebSocketChannel("ws"))
    for r in range(4):
        await kit.create_room(room_id=f"room-{r}")
        await kit.attach_channel(f"room-{r}", "ws")
    started = time.perf_counter()
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            str(WORKER),
            PG_DSN,
            schema,
            str(w),
            str(messages),
            "4",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for w in range(count)
    ]
    for proc in procs:
        _, err = await proc.communicate()
        if proc.returncode:
            raise RuntimeError(err.decode()[-2000:])
    elapsed = time.perf_counter() - started - 1.0  # each worker waits 1 s for the realtime check
    total = sum([await store.get_event_count(f"room-{r}") for r in range(4)])
    await store.drop_all()
    await store.close()
    return total / elapsed


async def main(n: int, pages: int, mp_messages: int) -> dict[str, Any]:
    from roomkit_sql import PostgresStore, SQLiteStore

    from roomkit.store.memory import InMemoryStore

    results = [await one_store("memory", InMemoryStore(), n, pages)]
    with tempfile.TemporaryDirectory() as folder:
        results.append(await one_store("sqlite", SQLiteStore(str(Path(folder) / "b.db")), n, pages))
    pg = PostgresStore(PG_DSN, schema=f"bench_{uuid.uuid4().hex[:10]}")
    results.append(await one_store("postgres", pg, n, pages))
    scaling = {str(p): await processes(p, mp_messages) for p in (1, 2, 3)}
    return {"stores": results, "postgres_processes_msgs_per_s": scaling}


def render(data: dict[str, Any]) -> str:
    lines = ["| store | appends/s | timeline pages/s |", "|---|---:|---:|"]
    lines += [
        f"| {r['store']} | {r['appends_per_s']:,.0f} | {r['pages_per_s']:,.0f} |"
        for r in data["stores"]
    ]
    lines += ["", "| PostgreSQL processes | messages/s (all processes) |", "|---:|---:|"]
    lines += [f"| {p} | {v:,.0f} |" for p, v in data["postgres_processes_msgs_per_s"].items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.storage")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--mp-messages", type=int, default=300)
    args = parser.parse_args()
    data = asyncio.run(main(args.n, args.pages, args.mp_messages))
    table = render(data)
    print(table)
    out = Path(__file__).resolve().parent / "results"
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    (out / "storage.md").write_text(f"Measured {stamp}, one run, 2-core machine.\n\n" + table)
    (out / "storage.json").write_text(json.dumps(data, indent=2))
