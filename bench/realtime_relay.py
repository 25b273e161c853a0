"""Realtime voice relay: what RealtimeVoiceChannel adds to a frame between a caller's WebSocket
and the model's socket, each way, for 1 and for 50 concurrent calls.

Two processes on 127.0.0.1, as in production: this one runs the kit (WebSocketRealtimeTransport,
RealtimeVoiceChannel, OpenAIRealtimeProvider on the openai SDK); a child process runs the far
side, the OpenAI Realtime fake and the callers (WebSocket clients streaming 20 ms frames in real
time), and takes every timestamp, so no clocks are compared across processes. The baseline is
the same number of clients talking to the fake directly, so the difference is the bridge:
transport, session tasks, resampling (16 kHz callers, 24 kHz model) and the SDK.

    python -m bench realtime [--sessions 1 50] [--frames 150] [--resampler numpy|python]

writes bench/results/realtime_relay.md and .json.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import bisect
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from bench.measure import percentile

FRAME_MS = 20
CALLER_RATE = 16000
MODEL_FRAME_BYTES = 24000 * 2 * FRAME_MS // 1000
SECOND = 1000 // FRAME_MS  # frames in one second
RESULTS = Path(__file__).resolve().parent / "results"


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


def frame_arrivals(conn: Any, frames: int) -> list[float]:
    """When the fake had each 20 ms frame: a client that fell behind may send several in one
    append, so frame i arrived with the first append that brought its last byte."""
    marks, arrivals = conn.audio_marks, conn.audio_arrivals
    return [
        arrivals[bisect.bisect_left(marks, (i + 1) * MODEL_FRAME_BYTES)] for i in range(frames)
    ]


def received(conn: Any, frames: int) -> bool:
    return len(conn.audio) >= frames * MODEL_FRAME_BYTES


def split(values: list[float]) -> dict[str, list[float]]:
    """One session's per-frame delays: all of them, its first second and its last second."""
    return {"all": values, "first": values[:SECOND], "last": values[-SECOND:]}


def merge(into: dict[str, list[float]], values: list[float]) -> None:
    for part, chunk in split(values).items():
        into.setdefault(part, []).extend(chunk)


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
        inbound: dict[str, list[float]] = {}
        outbound: dict[str, list[float]] = {}
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
                await until(lambda: received(conn, frames))
                merge(inbound, delays(sent, frame_arrivals(conn, frames)))
                fake.on_response(reply="x", reply_ms=frames * FRAME_MS, chunk_delay=FRAME_MS / 1000)
                got: list[float] = []
                await ws.send(json.dumps({"type": "response.create"}))
                async for raw in ws:
                    event = json.loads(raw)
                    if event["type"] == "response.output_audio.delta":
                        got.append(time.perf_counter())
                    elif event["type"] == "response.done":
                        break
                merge(outbound, delays(conn.audio_departures, got))

        await asyncio.gather(*(one(k) for k in range(sessions)))
        fake.connections.clear()
        return {"in": inbound, "out": outbound}

    async def callers(self, urls: list[str], frames: int, tell: Any, wait: Any) -> dict[str, Any]:
        """Caller k streams into ``urls[k]``, whose model connection is the fake's k-th."""
        fake = self.fake
        conns = list(fake.connections)
        frame = pcm(CALLER_RATE)
        inbound: dict[str, list[float]] = {}
        outbound: dict[str, list[float]] = {}
        sockets = [await connect(url) for url in urls]
        for ws in sockets:
            await ws.recv()  # the session message

        async def speak(k: int) -> None:
            sent = await paced(frames, lambda: sockets[k].send(frame))
            await until(lambda: received(conns[k], frames))
            merge(inbound, delays(sent, frame_arrivals(conns[k], frames)))

        await asyncio.gather(*(speak(k) for k in range(len(urls))))
        for _ in urls:
            fake.on_response(reply="x", reply_ms=frames * FRAME_MS, chunk_delay=FRAME_MS / 1000)
        got: list[list[float]] = [[] for _ in urls]
        caller_frame = len(frame)

        async def listen(k: int) -> None:
            """A relay that fell behind sends several frames at once: frame i arrived with
            the message that brought its last byte."""
            heard = 0
            async for raw in sockets[k]:
                if isinstance(raw, bytes):
                    heard += len(raw)
                    now = time.perf_counter()
                    while len(got[k]) < min(heard // caller_frame, frames):
                        got[k].append(now)
                    if len(got[k]) == frames:
                        return

        listeners = [asyncio.create_task(listen(k)) for k in range(len(urls))]
        tell({"phase": "answer now"})
        await wait()
        await asyncio.gather(*listeners)
        for k in range(len(urls)):
            merge(outbound, delays(conns[k].audio_departures, got[k]))
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


def make_resampler(kind: str) -> Any:
    """``numpy``: roomkit-audio's streaming linear resampler; ``python``: the channel's own."""
    if kind == "python":
        return None
    from roomkit_audio.stages.resampling import LinearResamplerProvider

    return LinearResamplerProvider()


async def relayed(
    child: Child, ws_url: str, sessions: int, frames: int, resampler: str
) -> dict[str, Any]:
    from roomkit_openai import OpenAIRealtimeProvider
    from roomkit_websocket import WebSocketRealtimeTransport

    from roomkit import ChannelCategory, RoomKit
    from roomkit.channels.realtime_voice import RealtimeVoiceChannel

    kit = RoomKit()
    transport = WebSocketRealtimeTransport(port=0, sample_rate=CALLER_RATE)
    provider = OpenAIRealtimeProvider(api_key="k", base_url=ws_url)
    channel = RealtimeVoiceChannel(
        "rt",
        provider=provider,
        transport=transport,
        queue_size=500,
        resampler=make_resampler(resampler),
    )
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


async def measure(sessions: int, frames: int, resampler: str = "numpy") -> dict[str, Any]:
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
        bridged = await relayed(child, ws_url, sessions, frames, resampler)
        await child.send({"cmd": "quit"})
    except BaseException:
        process.kill()
        raise
    finally:
        await process.wait()
    result: dict[str, Any] = {
        "sessions": sessions,
        "frames_per_session": frames,
        "resampler": resampler,
        "load_average_1min": round(os.getloadavg()[0], 2),  # other work on the machine
        # CPU the kit's process spent per relayed frame (both ways): what bounds the calls per core
        "kit_cpu_ms_per_frame": round(bridged["kit_cpu_ms_per_frame"], 4),
    }
    for way in ("in", "out"):
        b, r = summary(base[way]["all"]), summary(bridged[way]["all"])
        result[way] = {
            "direct_ms": b,
            "relayed_ms": r,
            "added_p50_ms": round(r["p50"] - b["p50"], 3),
            "added_p99_ms": round(r["p99"] - b["p99"], 3),
            # relayed delay of each session's first and last second: growth means a backlog
            "first_second_ms": summary(bridged[way]["first"]),
            "last_second_ms": summary(bridged[way]["last"]),
        }
    return result


def markdown(results: list[dict[str, Any]]) -> str:
    lines = [
        "# Realtime voice relay",
        "",
        "`python -m bench realtime`: what RealtimeVoiceChannel adds to a 20 ms frame between a",
        "caller's WebSocket (16 kHz) and the OpenAI Realtime fake's socket (24 kHz), each way:",
        "relayed delay minus the delay of clients talking to the fake directly, p50 and p99 over",
        "every frame of every session, and the relayed p99 of the sessions' first and last second.",
        "",
        "| sessions | way | added p50 | added p99 | relayed p99, 1st s | relayed p99, last s "
        "| kit CPU/frame | load avg |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        for way, name in (("in", "caller -> model"), ("out", "model -> caller")):
            w = r[way]
            lines.append(
                f"| {r['sessions']} | {name} | {w['added_p50_ms']:.2f} ms | "
                f"{w['added_p99_ms']:.2f} ms | {w['first_second_ms']['p99']:.2f} ms | "
                f"{w['last_second_ms']['p99']:.2f} ms | {r['kit_cpu_ms_per_frame']:.3f} ms | "
                f"{r['load_average_1min']} |"
            )
    r0 = results[0]
    lines += [
        "",
        f"{r0['frames_per_session']} frames per session each way, resampler: {r0['resampler']};"
        f" {os.cpu_count()} CPUs. Raw figures: realtime_relay.json.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--frames", type=int, default=150)
    parser.add_argument("--resampler", choices=["numpy", "python"], default="numpy")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results")
    parser.add_argument("--far-side", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.far_side:
        asyncio.run(far_side())
        return 0
    results = []
    for sessions in args.sessions:
        results.append(asyncio.run(measure(sessions, args.frames, args.resampler)))
        print(json.dumps(results[-1]), flush=True)
    table = markdown(results)
    print(table)
    if not args.no_save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "realtime_relay.json").write_text(json.dumps(results, indent=2) + "\n")
        (RESULTS / "realtime_relay.md").write_text(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
