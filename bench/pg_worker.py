"""One PostgreSQL scenario in this interpreter (ours or the published roomkit), as a script.

Run as a file, not as ``bench.pg_worker``, so the published venv imports its own ``roomkit`` and
nothing of this repository. Prints one JSON line. Only the SPEC's public API is used
(``PostgresStore(dsn)``, ``await store.init()``, ``RoomKit(store=store)``, WebSocket channels,
``process_inbound``); each scenario runs in a database of its own, created by the parent.

The two small differences of the published 0.109.0 are bridged as in bench/scenarios.py: its
``register_connection`` wants ``room_id=``, and it does not echo a message to the channel it came
in on, so messages enter on a channel ``in`` without connections and are counted on receivers.
"""

from __future__ import annotations

import asyncio
import collections
import json
import sys
import time
from typing import Any

from roomkit import InboundMessage, RoomKit, TextContent, WebSocketChannel


def _store_class() -> Any:
    try:
        from roomkit_sql import PostgresStore  # this repository's adapter distribution
    except ImportError:
        from roomkit.store.postgres import PostgresStore  # the published package
    return PostgresStore


class Receiver:
    def __init__(self) -> None:
        self.ids: list[str] = []

    async def __call__(self, _conn: str, event: Any) -> None:
        self.ids.append(event.id)


def connect(ws: Any, conn_id: str, fn: Receiver, room_id: str) -> None:
    try:
        ws.register_connection(conn_id, fn)
    except TypeError:
        ws.register_connection(conn_id, fn, room_id=room_id)


class Check(AssertionError):
    pass


def check(ok: bool, what: str) -> None:
    if not ok:
        raise Check(what)


async def setup_kit(dsn: str, pool: int) -> RoomKit:
    store = _store_class()(dsn)
    await store.init(min_size=1, max_size=pool)
    return RoomKit(store=store)


async def ws_room(kit: RoomKit, room_id: str, receivers: int, registered: set[str]) -> list[Any]:
    await kit.create_room(room_id=room_id)
    if "in" not in registered:
        kit.register_channel(WebSocketChannel("in"))
        registered.add("in")
    await kit.attach_channel(room_id, "in")
    out = []
    for i in range(receivers):
        name = f"ws-{room_id}-{i}"
        ws = WebSocketChannel(name)
        receiver = Receiver()
        connect(ws, f"conn-{name}", receiver, room_id)
        kit.register_channel(ws)
        await kit.attach_channel(room_id, name)
        out.append(receiver)
    return out


def message(body: str) -> InboundMessage:
    return InboundMessage(channel_id="in", sender_id="bench-user", content=TextContent(body=body))


async def check_room(kit: RoomKit, room_id: str, messages: int) -> None:
    events = await kit.store.list_events(room_id, offset=0, limit=100_000)
    by_source = collections.Counter(e.source.channel_id for e in events)
    check(by_source["in"] == messages, f"{room_id}: stored {by_source['in']} of {messages}")
    indexes = [e.index for e in events]
    check(indexes == list(range(len(events))), f"{room_id}: indexes are not gap-free")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def timed_sequence(kit: RoomKit, room_id: str, n: int, lat: list[float]) -> None:
    for i in range(n):
        t0 = time.perf_counter()
        await kit.process_inbound(message(f"{room_id}:{i}"), room_id=room_id)
        lat.append((time.perf_counter() - t0) * 1000)


async def sequential(dsn: str, n: int, receivers: int) -> dict[str, Any]:
    kit = await setup_kit(dsn, 10)
    rs = await ws_room(kit, "bench", receivers, set())
    await timed_sequence(kit, "bench", 10, [])  # warm-up: connections, prepared statements
    lat: list[float] = []
    t0 = time.perf_counter()
    await timed_sequence(kit, "bench", n, lat)
    wall = time.perf_counter() - t0
    for r in rs:
        check(len(r.ids) == n + 10 and len(set(r.ids)) == n + 10, "missing deliveries")
    await check_room(kit, "bench", n + 10)
    await kit.close()
    return {"msgs_per_s": n / wall, "p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99)}


async def rooms_concurrent(dsn: str, n: int, rooms: int) -> dict[str, Any]:
    kit = await setup_kit(dsn, rooms)
    registered: set[str] = set()
    receivers = {f"r{r}": (await ws_room(kit, f"r{r}", 1, registered))[0] for r in range(rooms)}
    await asyncio.gather(*(timed_sequence(kit, room, 1, []) for room in receivers))
    per_room = n // rooms
    lat: list[float] = []
    t0 = time.perf_counter()
    await asyncio.gather(*(timed_sequence(kit, room, per_room, lat) for room in receivers))
    wall = time.perf_counter() - t0
    for room, r in receivers.items():
        check(len(set(r.ids)) == per_room + 1 == len(r.ids), f"{room}: missing deliveries")
        await check_room(kit, room, per_room + 1)
    await kit.close()
    return {"msgs_per_s": per_room * rooms / wall, "p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99)}


async def floor(dsn: str, n: int) -> dict[str, Any]:
    """The server's floor: one transaction per message that takes the room's row lock, assigns
    the next index and inserts the event, on one asyncpg connection (fsync on)."""
    import asyncpg

    conn = await asyncpg.connect(dsn)
    await conn.execute(
        "CREATE TABLE fr (id text PRIMARY KEY, n bigint NOT NULL);"
        "CREATE TABLE fe (room text, idx bigint, id text UNIQUE, data text,"
        " PRIMARY KEY (room, idx));"
        "INSERT INTO fr VALUES ('bench', 0)"
    )
    body = json.dumps({"content": {"type": "text", "body": "x" * 40}, "source": {}})
    lat: list[float] = []
    t0 = time.perf_counter()
    for i in range(n):
        s = time.perf_counter()
        async with conn.transaction():
            idx = await conn.fetchval("UPDATE fr SET n = n + 1 WHERE id = 'bench' RETURNING n - 1")
            await conn.execute("INSERT INTO fe VALUES ('bench', $1, $2, $3)", idx, f"e{i}", body)
        lat.append((time.perf_counter() - s) * 1000)
    wall = time.perf_counter() - t0
    check(await conn.fetchval("SELECT count(*) FROM fe") == n, "floor lost rows")
    await conn.close()
    return {"msgs_per_s": n / wall, "p50_ms": pct(lat, 50), "p99_ms": pct(lat, 99)}


async def process(dsn: str, rooms: list[str], n: int, locks: str) -> dict[str, Any]:
    """One of several processes on one database (store on PostgreSQL; room locks on it too, or
    ``locks="local"``: the default in-process locks): waits for a line on stdin, then sends
    ``n`` messages spread over ``rooms``, rooms concurrently."""
    from roomkit_sql import PostgresLockManager, PostgresStore

    store = PostgresStore(dsn)
    await store.init(min_size=1, max_size=len(rooms))  # a connection per room in flight
    if locks == "local":
        kit = RoomKit(store=store)
    else:
        kit = RoomKit(store=store, lock_manager=PostgresLockManager(dsn, max_size=len(rooms)))
    kit.register_channel(WebSocketChannel("in"))
    await kit.process_inbound(message("warm-up"), room_id=rooms[0])
    print("READY", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    start = time.time()
    per_room = n // len(rooms)
    await asyncio.gather(*(_send_n(kit, room, per_room) for room in rooms))
    end = time.time()
    await kit.close()
    return {"start": start, "end": end, "sent": per_room * len(rooms)}


async def _send_n(kit: RoomKit, room: str, n: int) -> None:
    for i in range(n):
        await kit.process_inbound(message(f"{room}:{i}"), room_id=room)


async def main(argv: list[str]) -> dict[str, Any]:
    name, dsn = argv[0], argv[1]
    if name == "sequential":
        return await sequential(dsn, int(argv[2]), 1)
    if name == "fan_out":
        return await sequential(dsn, int(argv[2]), int(argv[3]))
    if name == "rooms_concurrent":
        return await rooms_concurrent(dsn, int(argv[2]), int(argv[3]))
    if name == "floor":
        return await floor(dsn, int(argv[2]))
    if name == "process":
        return await process(dsn, argv[3].split(","), int(argv[2]), argv[4])
    raise SystemExit(f"unknown scenario {name!r}")


if __name__ == "__main__":
    print("RESULT " + json.dumps(asyncio.run(main(sys.argv[1:]))), flush=True)
