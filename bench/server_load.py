"""Load on ``roomkit serve``: concurrent browser users over real WebSockets on loopback.

    python -m bench.server_load                       # 200 users in 20 rooms for 30 s
    python -m bench.server_load --users 40 --rooms 4 --seconds 5

The server runs as ``roomkit serve`` in its own process; the users run here, each in a bounded
request loop (send one message, wait for its acknowledgement, send the next one ``--interval``
seconds after the previous, or at once with ``--interval 0``). Every message
must reach every user of its room exactly once: the run fails on a lost or duplicated message
or one that reached another room. Reported: messages, deliveries, throughput and the delivery
latency (send to receipt by each member of the room) percentiles.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from subprocess import DEVNULL
from typing import Any

TOKEN = "bench-token"
CONFIG = f"""
[server]
api_key = "{TOKEN}"
record_ai_responses = false

[[channels]]
id = "ws"
type = "websocket"
"""


class LoadUser:
    """One browser: a socket, the messages it sent, what it received and when."""

    def __init__(self, name: str, room: str, sent_at: dict[str, int]) -> None:
        self.name = name
        self.room = room
        self.sent: list[str] = []
        self.received: Counter[str] = Counter()
        self.foreign = 0
        self.latencies_ns: list[int] = []
        self._sent_at = sent_at
        self._acked = asyncio.Event()
        self._welcome = asyncio.Event()
        self._progress = asyncio.Event()
        self._socket: Any = None
        self._reader: asyncio.Task[None] | None = None

    async def connect(self, url: str) -> None:
        import websockets

        target = f"{url.replace('http', 'ws')}/ws/ws?room_id={self.room}&participant_id={self.name}"
        protocols: Any = ["roomkit", f"bearer.{TOKEN}"]
        self._socket = await websockets.connect(target, subprotocols=protocols, max_queue=None)
        self._reader = asyncio.create_task(self._read())
        await asyncio.wait_for(self._welcome.wait(), 60)

    async def _read(self) -> None:
        async for raw in self._socket:
            frame = json.loads(raw)
            kind = frame["type"]
            if kind == "event":
                event = frame["event"]
                body = event["content"].get("body", "")
                if event["room_id"] != self.room:
                    self.foreign += 1
                    continue
                self.received[body] += 1
                self._progress.set()
                sent = self._sent_at.get(body)
                if sent is not None and self.received[body] == 1:
                    self.latencies_ns.append(time.perf_counter_ns() - sent)
            elif kind == "ack":
                self._acked.set()
            elif kind == "welcome":
                self._welcome.set()

    async def send_until(self, stop_at: float, interval: float) -> None:
        """Send, wait for the ack, wait for the next slot (every ``interval`` s; 0: at once)."""
        sequence = 0
        next_slot = time.monotonic()
        while time.monotonic() < stop_at:
            if interval:
                await asyncio.sleep(max(0.0, next_slot - time.monotonic()))
                next_slot += interval
                if time.monotonic() >= stop_at:
                    break
            body = f"{self.name}#{sequence}"
            sequence += 1
            self._acked.clear()
            self._sent_at[body] = time.perf_counter_ns()
            self.sent.append(body)
            await self._socket.send(json.dumps({"type": "message", "text": body}))
            await asyncio.wait_for(self._acked.wait(), 60)

    async def wait_for(self, expected: set[str], seconds: float = 60.0) -> None:
        deadline = time.monotonic() + seconds
        while not expected <= self.received.keys():
            self._progress.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._progress.wait(), remaining)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        if self._socket is not None:
            await self._socket.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _wait_up(url: str, process: asyncio.subprocess.Process) -> None:
    import httpx

    async with httpx.AsyncClient() as http:
        for _ in range(600):
            if process.returncode is not None:
                raise SystemExit("roomkit serve exited before it answered")
            with contextlib.suppress(httpx.TransportError):
                if (await http.get(url + "/healthz")).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise SystemExit("roomkit serve did not answer /healthz within 60 s")


@contextlib.asynccontextmanager
async def _server() -> Any:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "roomkit.toml"
        config.write_text(CONFIG)
        command = [sys.executable, "-m", "roomkit", "serve", "--config", str(config)]
        process = await asyncio.create_subprocess_exec(
            *command, "--port", str(port), stdout=DEVNULL, stderr=DEVNULL
        )
        try:
            await _wait_up(url, process)
            yield url
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 60)
            except TimeoutError:
                process.kill()
                await process.wait()


async def run(users: int, rooms: int, seconds: float, interval: float = 1.0) -> dict[str, Any]:
    import httpx

    async with _server() as url:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        async with httpx.AsyncClient(base_url=url, headers=auth, timeout=60) as api:
            for r in range(rooms):
                await api.post("/api/rooms", json={"room_id": f"room-{r}"})
                await api.post(f"/api/rooms/room-{r}/bindings", json={"channel_id": "ws"})
        sent_at: dict[str, int] = {}
        people = [LoadUser(f"user-{u}", f"room-{u % rooms}", sent_at) for u in range(users)]
        for batch in range(0, users, 20):
            await asyncio.gather(*(p.connect(url) for p in people[batch : batch + 20]))
        started = time.monotonic()
        stagger = interval / users if interval else 0.0
        await asyncio.gather(
            *(
                _later(i * stagger, p.send_until(started + seconds, interval))
                for i, p in enumerate(people)
            )
        )
        wall = time.monotonic() - started
        by_room: dict[str, set[str]] = {}
        for person in people:
            by_room.setdefault(person.room, set()).update(person.sent)
        await asyncio.gather(*(p.wait_for(by_room[p.room]) for p in people))
        for person in people:
            await person.close()
    return _report(people, by_room, rooms, seconds, wall) | {"interval_s": interval}


async def _later(delay: float, work: Any) -> None:
    await asyncio.sleep(delay)
    await work


def _report(
    people: list[LoadUser], by_room: dict[str, set[str]], rooms: int, seconds: float, wall: float
) -> dict[str, Any]:
    sent = sum(len(p.sent) for p in people)
    lost = sum(len(by_room[p.room] - p.received.keys()) for p in people)
    duplicated = sum(c - 1 for p in people for c in p.received.values() if c > 1)
    latencies = sorted(ns for p in people for ns in p.latencies_ns)

    def percentile(p: float) -> float:
        if not latencies:
            return 0.0
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] / 1e6, 2)

    return {
        "users": len(people),
        "rooms": rooms,
        "seconds": seconds,
        "messages_sent": sent,
        "deliveries": len(latencies),
        "messages_per_s": round(sent / wall, 1) if wall else 0.0,
        "lost": lost,
        "duplicated": duplicated,
        "foreign_room_events": sum(p.foreign for p in people),
        "latency_ms_p50": percentile(0.50),
        "latency_ms_p99": percentile(0.99),
        "latency_ms_max": round(latencies[-1] / 1e6, 2) if latencies else 0.0,
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.server_load", description=__doc__)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--interval",
        type=float,
        default=1.0,
        help="seconds between one user's messages (0: the next as soon as the last is acked)",
    )
    parser.add_argument("--json", type=Path, help="also write the result to this file")
    args = parser.parse_args(argv)
    if args.users < args.rooms or args.rooms < 1:
        parser.error("need at least one room and one user per room")
    result = asyncio.run(run(args.users, args.rooms, args.seconds, args.interval))
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    clean = not (result["lost"] or result["duplicated"] or result["foreign_room_events"])
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
