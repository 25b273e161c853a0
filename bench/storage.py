"""``python -m bench.storage``: the stores side by side.

Figures: event appends per second through ``process_inbound`` (one room, one channel) and timeline
pages (50 events) read per second in that room. Several processes on one PostgreSQL are measured
by ``python -m bench.postgres`` (its ``processes`` scenarios).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from roomkit import InboundMessage, RoomKit, TextContent, WebSocketChannel

PG_DSN = os.environ.get("ROOMKIT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


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


async def main(n: int, pages: int) -> dict[str, Any]:
    from roomkit_sql import PostgresStore, SQLiteStore

    from roomkit.store.memory import InMemoryStore

    results = [await one_store("memory", InMemoryStore(), n, pages)]
    with tempfile.TemporaryDirectory() as folder:
        results.append(await one_store("sqlite", SQLiteStore(str(Path(folder) / "b.db")), n, pages))
    pg = PostgresStore(PG_DSN, schema=f"bench_{uuid.uuid4().hex[:10]}")
    results.append(await one_store("postgres", pg, n, pages))
    return {"stores": results}


def render(data: dict[str, Any]) -> str:
    lines = ["| store | appends/s | timeline pages/s |", "|---|---:|---:|"]
    lines += [
        f"| {r['store']} | {r['appends_per_s']:,.0f} | {r['pages_per_s']:,.0f} |"
        for r in data["stores"]
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.storage")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--pages", type=int, default=500)
    args = parser.parse_args()
    data = asyncio.run(main(args.n, args.pages))
    table = render(data)
    print(table)
    out = Path(__file__).resolve().parent / "results"
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    (out / "storage.md").write_text(f"Measured {stamp}, one run, 2-core machine.\n\n" + table)
    (out / "storage.json").write_text(json.dumps(data, indent=2))
