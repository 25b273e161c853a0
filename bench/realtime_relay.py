"""Realtime voice relay: what RealtimeVoiceChannel adds to a frame between a caller's WebSocket
and the model's socket, each way, for 1 and for 50 concurrent calls.

Two processes on 127.0.0.1, as in production: this one runs the kit (WebSocketRealtimeTransport,
RealtimeVoiceChannel, OpenAIRealtimeProvider on the openai SDK); a child process runs the far
side, the OpenAI Realtime fake and the callers (WebSocket clients streaming 20 ms frames in real
time), and takes every timestamp, so no clocks are compared across processes. The baseline is
the same number of clients talking to the fake directly, so the difference is the bridge:
transport, session tasks, resampling (16 kHz callers, 24 kHz model) and the SDK.

    python -m bench.realtime_relay [--sessions 1 50] [--frames 150]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import sys
import time
from typing import Any

from websockets.asyncio.client import connect

from bench.measure import percentile

FRAME_MS = 20
CALLER_RATE = 16000


def pcm(rate: int) -> bytes:
    return (900).to_bytes(2, "little", signed=True) * (rate * FRAME_MS // 1000)


async def until(check: Any, seconds: float = 120.0) -> None:
    async with asyncio.timeout(seconds):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.005)


async def paced(frames: int, send: Any) -> list[float]:
    """Send ``frames`` frames 20 ms apart; the send time of each."""
    sent: list[float] = []
    start = time.perf_counter()
    for i in range(frames):
        delay = start + i * FRAME_MS / 1000 - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        sent.append(time.perf_counter())
        await send()
    return sent


def delays(sent: list[float], arrived: list[float]) -> list[float]:
    return [(a - s) * 1000 for s, a in zip(sent, arrived, strict=False)]


# the far side (child process) ----------------------------------------------------------------
class FarSide:
    def __init__(self) -> None:
        from roomkit_fakes.openai_realtime import OpenAIRealtimeFake

        self.fake = OpenAIRealtimeFake()

    async def direct(self, sessions: int, frames: int) -> dict[str, list[float]]:
        fake = self.fake
        url = f"{fake.ws_url}/realtime?model=gpt-4o-realtime-preview"
        chunk = base64.b64encode(pcm(24000)).decode()
        append = json.dumps({"type": "input_audio_buffer.append", "audio": chunk})
        inbound: list[float] = []
        outbound: list[float] = []
        opened = asyncio.Event()
        ready: list[Any] = []

        async def one(k: int) -> None:
            async with connect(
                f"{url}&client={k}", additional_headers={"Authorization": "Bearer k"}
            ) as ws:
                await ws.recv()  # session.created
                [conn] = [c for c in fake.connections if c.query.get("client") == str(k)]
                ready.append(conn)
                if len(ready) == sessions:
                    opened.set()
                await opened.wait()
                sent = await paced(frames, lambda: ws.send(append))
                await until(lambda: len(conn.audio_arrivals) == frames)
                inbound.extend(delays(sent, conn.audio_arrivals))
                fake.on_response(reply="x", reply_ms=frames * FRAME_MS, chunk_delay=FRAME_MS / 1000)
                got: list[float] = []
                await ws.send(json.dumps({"type": "response.create"}))
                async for raw in ws:
                    event = json.loads(raw)
                    if event["type"] == "response.output_audio.delta":
                        got.append(time.perf_counter())
                    elif event["type"] == "response.done":
                        break
                outbound.extend(delays(conn.audio_departures, got))

        await asyncio.gather(*(one(k) for k in range(sessions)))
        fake.connections.clear()
        return {"in": inbound, "out": outbound}

    async def callers(self, urls: list[str], frames: int, tell: Any, wait: Any) -> dict[str, Any]:
        """Caller k streams into ``urls[k]``, whose model connection is the fake's k-th."""
        fake = self.fake
        conns = list(fake.connections)
        frame = pcm(CALLER_RATE)
        inbound: list[float] = []
        outbound: list[float] = []
        sockets = [await connect(url) for url in urls]
        for ws in sockets:
            await ws.recv()  # the session message

        async def speak(k: int) -> None:
            sent = await paced(frames, lambda: sockets[k].send(frame))
            await until(lambda: len(conns[k].audio_arrivals) == frames)
            inbound.extend(delays(sent, conns[k].audio_arrivals))

        await asyncio.gather(*(speak(k) for k in range(len(urls))))
        for _ in urls:
            fake.on_response(reply="x", reply_ms=frames * FRAME_MS, chunk_delay=FRAME_MS / 1000)
        got: list[list[float]] = [[] for _ in urls]

        async def listen(k: int) -> None:
            async for raw in sockets[k]:
                if isinstance(raw, bytes):
                    got[k].append(time.perf_counter())
                    if len(got[k]) == frames:
                        return

        listeners = [asyncio.create_task(listen(k)) for k in range(len(urls))]
        tell({"phase": "answer now"})
        await wait()
        await asyncio.gather(*listeners)
        for k in range(len(urls)):
            outbound.extend(delays(conns[k].audio_departures, got[k]))
        for ws in sockets:
            await ws.close()
        return {"in": inbound, "out": outbound}


async def far_side() -> None:
    """Child process: commands as JSON lines on stdin, answers as JSON lines on stdout."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    def tell(message: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()

    async def wait() -> None:
        await reader.readline()

    side = FarSide()
    async with side.fake:
        tell({"ws_url": side.fake.ws_url})
        while line := await reader.readline():
            command = json.loads(line)
            if command["cmd"] == "direct":
                tell(await side.direct(command["sessions"], command["frames"]))
            elif command["cmd"] == "callers":
                tell(await side.callers(command["urls"], command["frames"], tell, wait))
            else:
                return


# the kit (this process) ----------------------------------------------------------------------
class Child:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError("the far-side process ended")
        result: dict[str, Any] = json.loads(line)
        return result

    async def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps(message) + "\n").encode())
        await self.process.stdin.drain()


async def relayed(child: Child, ws_url: str, sessions: int, frames: int) -> dict[str, Any]:
    from roomkit_openai import OpenAIRealtimeProvider
    from roomkit_websocket import WebSocketRealtimeTransport

    from roomkit import ChannelCategory, RoomKit
    from roomkit.channels.realtime_voice import RealtimeVoiceChannel

    kit = RoomKit()
    transport = WebSocketRealtimeTransport(port=0, sample_rate=CALLER_RATE)
    provider = OpenAIRealtimeProvider(api_key="k", base_url=ws_url)
    channel = RealtimeVoiceChannel("rt", provider=provider, transport=transport, queue_size=500)
    kit.register_channel(channel)
    await kit.create_room(room_id="bench")
    await kit.attach_channel("bench", "rt", category=ChannelCategory.INTELLIGENCE)
    joined = [await kit.join("bench", "rt", participant_id=f"caller-{i}") for i in range(sessions)]
    cpu = time.process_time()
    await child.send(
        {"cmd": "callers", "urls": [transport.url_for(s) for s in joined], "frames": frames}
    )
    assert (await child.read())["phase"] == "answer now"
    for session in joined:
        await channel.inject_text(session, "go", role="user", respond=True)
    await child.send({"cmd": "go"})
    result = await child.read()
    result["kit_cpu_ms_per_frame"] = (time.process_time() - cpu) * 1000 / (2 * sessions * frames)
    dropped = sum(r.stats.frames_dropped for r in channel.runners.values())
    await kit.close()
    if dropped:
        raise RuntimeError(f"{dropped} caller frames were dropped on the way")
    return result


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": round(percentile(ordered, 50), 3),  # type: ignore[arg-type]
        "p99": round(percentile(ordered, 99), 3),  # type: ignore[arg-type]
        "max": round(ordered[-1], 3),
    }


async def measure(sessions: int, frames: int) -> dict[str, Any]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.realtime_relay",
        "--far-side",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        limit=64 * 1024 * 1024,  # one line carries every latency of a phase
    )
    child = Child(process)
    try:
        ws_url = (await child.read())["ws_url"]
        await child.send({"cmd": "direct", "sessions": sessions, "frames": frames})
        base = await child.read()
        bridged = await relayed(child, ws_url, sessions, frames)
        await child.send({"cmd": "quit"})
    except BaseException:
        process.kill()
        raise
    finally:
        await process.wait()
    result: dict[str, Any] = {
        "sessions": sessions,
        "frames_per_session": frames,
        # CPU the kit's process spent per relayed frame (both ways): what bounds the calls per core
        "kit_cpu_ms_per_frame": round(bridged["kit_cpu_ms_per_frame"], 4),
    }
    for way in ("in", "out"):
        b, r = summary(base[way]), summary(bridged[way])
        result[way] = {
            "direct_ms": b,
            "relayed_ms": r,
            "added_p50_ms": round(r["p50"] - b["p50"], 3),
            "added_p99_ms": round(r["p99"] - b["p99"], 3),
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--frames", type=int, default=150)
    parser.add_argument("--far-side", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.far_side:
        asyncio.run(far_side())
        return 0
    for sessions in args.sessions:
        print(json.dumps(asyncio.run(measure(sessions, args.frames))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
