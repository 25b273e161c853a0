"""The scenarios. Each one checks its own deliveries and stored events and raises if wrong."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from roomkit import (
    ChannelCategory,
    HookExecution,
    HookResult,
    HookTrigger,
    InboundMessage,
    RoomKit,
    TextContent,
    WebSocketChannel,
)

SENDER = "in"


class CheckFailed(AssertionError):
    """A scenario's own correctness check failed: its figures mean nothing."""


@dataclass
class Measurement:
    latencies_ns: list[int] = field(default_factory=list)
    wall_s: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def message(channel_id: str, body: str) -> InboundMessage:
    return InboundMessage(
        channel_id=channel_id, sender_id="bench-user", content=TextContent(body=body)
    )


class Counter:
    def __init__(self) -> None:
        self.count = 0

    async def __call__(self, _conn: str, _event: Any) -> None:
        self.count += 1


async def _sequential(
    n: int, op: Callable[[int], Awaitable[Any]], measurement: Measurement
) -> None:
    started = time.perf_counter()
    lat = measurement.latencies_ns
    for i in range(n):
        t0 = time.perf_counter_ns()
        await op(i)
        lat.append(time.perf_counter_ns() - t0)
    measurement.wall_s = time.perf_counter() - started


async def _wait_for(predicate: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:  # noqa: ASYNC110 - polls a kit we don't own
        await asyncio.sleep(0.001)


async def check_stored(kit: RoomKit, room_id: str, n: int, source: str = SENDER) -> None:
    """``n`` messages from ``source`` stored, and the room's indexes gap-free (a kit may store
    system events of its own, such as channel attachments)."""
    events = await kit.store.list_events(room_id, offset=0, limit=n * 2 + 100)
    mine = [e for e in events if e.source.channel_id == source]
    check(len(mine) == n, f"stored {len(mine)} messages from {source}, expected {n}")
    check([e.index for e in events] == list(range(len(events))), "indexes are not gap-free")


def register(ws: WebSocketChannel, conn_id: str, fn: Counter, room_id: str) -> None:
    """The SPEC's ``register_connection(conn_id, fn)``; the published 0.109.0 requires a
    ``room_id`` keyword instead, so the same scenario falls back to that there."""
    try:
        ws.register_connection(conn_id, fn)
    except TypeError:
        ws.register_connection(conn_id, fn, room_id=room_id)  # type: ignore[call-arg]


async def _ws_room(kit: RoomKit, room_id: str, channels: int) -> list[Counter]:
    """A room with a sending WebSocket channel ``in`` and ``channels`` receiving ones. (The
    published 0.109.0 does not echo a message to its sender's channel, so deliveries are counted
    on the receivers only.)"""
    counters = []
    await kit.create_room(room_id=room_id)
    kit.register_channel(WebSocketChannel(SENDER))
    await kit.attach_channel(room_id, SENDER)
    for i in range(channels):
        ws = WebSocketChannel(f"ws-{i}")
        counter = Counter()
        register(ws, f"conn-{i}", counter, room_id)
        kit.register_channel(ws)
        await kit.attach_channel(room_id, f"ws-{i}")
        counters.append(counter)
    return counters


async def single_channel(n: int) -> Measurement:
    kit = RoomKit()
    [counter] = await _ws_room(kit, "bench", 1)
    m = Measurement()
    await _sequential(n, lambda i: kit.process_inbound(message(SENDER, f"m{i}")), m)
    check(counter.count == n, f"delivered {counter.count} of {n}")
    await check_stored(kit, "bench", n)
    return m


async def fan_out_10(n: int) -> Measurement:
    kit = RoomKit()
    counters = await _ws_room(kit, "bench", 10)
    m = Measurement()
    await _sequential(n, lambda i: kit.process_inbound(message(SENDER, f"m{i}")), m)
    check(all(c.count == n for c in counters), f"deliveries {[c.count for c in counters]}")
    await check_stored(kit, "bench", n)
    return m


async def hooks_3_sync_1_async(n: int) -> Measurement:
    kit = RoomKit()
    [counter] = await _ws_room(kit, "bench", 1)
    seen = {"sync": 0, "async": 0}

    @kit.hook(HookTrigger.BEFORE_BROADCAST, name="allow", priority=0)
    async def allow(event: Any, ctx: Any) -> HookResult:
        seen["sync"] += 1
        return HookResult.allow()

    @kit.hook(HookTrigger.BEFORE_BROADCAST, name="tag", priority=1)
    async def tag(event: Any, ctx: Any) -> HookResult:
        seen["sync"] += 1
        return HookResult.modify(event.model_copy(update={"metadata": {"tagged": True}}))

    @kit.hook(HookTrigger.BEFORE_BROADCAST, name="inspect", priority=2)
    async def inspect(event: Any, ctx: Any) -> HookResult:
        seen["sync"] += 1
        if "forbidden" in event.content.body:
            return HookResult.block("forbidden")
        return HookResult.allow()

    @kit.hook(HookTrigger.AFTER_BROADCAST, execution=HookExecution.ASYNC, name="count")
    async def count(event: Any, ctx: Any) -> None:
        seen["async"] += 1

    m = Measurement()
    await _sequential(n, lambda i: kit.process_inbound(message(SENDER, f"m{i}")), m)
    await _wait_for(lambda: seen["async"] >= n)
    check(seen["sync"] == 3 * n, f"sync hooks ran {seen['sync']} times, expected {3 * n}")
    check(seen["async"] == n, f"async hook ran {seen['async']} times, expected {n}")
    check(counter.count == n, f"delivered {counter.count} of {n}")
    await check_stored(kit, "bench", n)
    events = await kit.store.list_events("bench", offset=0, limit=2 * n + 100)
    last = [e for e in events if e.source.channel_id == SENDER][-1]
    check(last.metadata.get("tagged") is True, "modify hook not applied")
    return m


async def rooms_1000_concurrent(n: int, rooms: int = 1000, concurrency: int = 100) -> Measurement:
    kit = RoomKit()
    ws = WebSocketChannel("ws")
    counter = Counter()
    kit.register_channel(ws)
    kit.register_channel(WebSocketChannel(SENDER))
    try:  # SPEC: one connection serves the channel in every room
        ws.register_connection("conn", counter)
        per_room = False
    except TypeError:  # published 0.109.0: connections belong to one room
        per_room = True
    for r in range(rooms):
        if per_room:
            ws.register_connection(f"conn-{r}", counter, room_id=f"room-{r}")  # type: ignore[call-arg]
        await kit.create_room(room_id=f"room-{r}")
        await kit.attach_channel(f"room-{r}", "ws")
        await kit.attach_channel(f"room-{r}", SENDER)
    m = Measurement()
    lat = m.latencies_ns
    semaphore = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with semaphore:
            t0 = time.perf_counter_ns()
            await kit.process_inbound(message(SENDER, f"m{i}"), room_id=f"room-{i % rooms}")
            lat.append(time.perf_counter_ns() - t0)

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    m.wall_s = time.perf_counter() - started
    check(counter.count == n, f"delivered {counter.count} of {n}")
    total = 0
    for r in range(rooms):
        events = await kit.store.list_events(f"room-{r}", offset=0, limit=n + 100)
        check([e.index for e in events] == list(range(len(events))), f"room-{r} has index gaps")
        total += sum(1 for e in events if e.source.channel_id == SENDER)
    check(total == n, f"stored {total} of {n}")
    return m


async def ai_reentry(n: int) -> Measurement:
    from roomkit.channels.ai import AIChannel
    from roomkit.providers.ai.mock import MockAIProvider

    kit = RoomKit()
    [counter] = await _ws_room(kit, "bench", 1)
    kit.register_channel(AIChannel("ai", provider=MockAIProvider(responses=["ok"])))
    await kit.attach_channel("bench", "ai", category=ChannelCategory.INTELLIGENCE)
    m = Measurement()
    await _sequential(n, lambda i: kit.process_inbound(message(SENDER, f"m{i}")), m)
    await _wait_for(lambda: counter.count >= 2 * n)
    check(counter.count == 2 * n, f"delivered {counter.count}, expected {2 * n} (msg + reply)")
    await check_stored(kit, "bench", n)
    await check_stored(kit, "bench", n, source="ai")
    return m


async def timeline_page(n: int, big: int = 50_000, reads: int = 300) -> Measurement:
    kit = RoomKit()
    await _ws_room(kit, "big", 1)
    small_kit = RoomKit()
    await _ws_room(small_kit, "small", 1)
    fill = Measurement()
    await _sequential(big, lambda i: kit.process_inbound(message(SENDER, f"m{i}")), fill)
    for i in range(50):
        await small_kit.process_inbound(message(SENDER, f"m{i}"))

    async def page_cost(target: RoomKit, room: str, offset: int) -> list[int]:
        out = []
        for _ in range(reads):
            t0 = time.perf_counter_ns()
            page = await target.get_timeline(room, offset=offset, limit=50)
            out.append(time.perf_counter_ns() - t0)
            check(len(page) == 50 and page[0].index == offset, f"bad page at offset {offset}")
        return out

    small = await page_cost(small_kit, "small", 0)
    m = Measurement()
    started = time.perf_counter()
    for offset in (0, big // 2, big - 50):
        m.latencies_ns.extend(await page_cost(kit, "big", offset))
    m.wall_s = time.perf_counter() - started
    m.extra = {
        "fill_ops_per_s": big / fill.wall_s,
        "fill_first_vs_last_10pct": _decay(fill.latencies_ns),
        "small_room_page_p50_us": _pct(small, 50) / 1000,
        "big_room_page_p50_us": _pct(m.latencies_ns, 50) / 1000,
        "big_vs_small_page_cost": _pct(m.latencies_ns, 50) / max(1, _pct(small, 50)),
    }
    return m


def _pct(values: list[int], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return float(ordered[k])


def _decay(latencies: list[int]) -> float:
    """Throughput of the last 10% of operations divided by that of the first 10%."""
    tenth = max(1, len(latencies) // 10)
    first = sum(latencies[:tenth]) or 1
    last = sum(latencies[-tenth:]) or 1
    return first / last


SCENARIOS: dict[str, Callable[[int], Awaitable[Measurement]]] = {
    "single_channel": single_channel,
    "fan_out_10": fan_out_10,
    "hooks_3sync_1async": hooks_3_sync_1_async,
    "rooms_1000_concurrent": rooms_1000_concurrent,
    "ai_reentry": ai_reentry,
    "timeline_page_50k": timeline_page,
}


def summarize(name: str, m: Measurement, ops: int) -> dict[str, Any]:
    lat = m.latencies_ns
    return {
        "scenario": name,
        "ops": ops,
        "ops_per_s": (len(lat) / m.wall_s) if m.wall_s else 0.0,
        "p50_us": _pct(lat, 50) / 1000,
        "p99_us": _pct(lat, 99) / 1000,
        "p99_over_p50": _pct(lat, 99) / max(1.0, _pct(lat, 50)),
        "last_vs_first_10pct": _decay(lat),
        **m.extra,
    }
