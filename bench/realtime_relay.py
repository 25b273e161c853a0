"""Realtime voice relay: what RealtimeVoiceChannel adds to a frame between a caller's WebSocket
and the model's socket, each way, for 1 and for 50 concurrent calls.

Everything runs on 127.0.0.1 in this process: callers are WebSocket clients of
WebSocketRealtimeTransport, the model is the OpenAI Realtime fake, reached through the openai
SDK by OpenAIRealtimeProvider. The baseline is the same number of clients talking to the fake
directly over the same kind of socket, under the same load, so the difference is the bridge:
transport, session tasks, resampling (16 kHz callers, 24 kHz model) and the SDK.

    python -m bench.realtime_relay [--sessions 1 50] [--frames 150]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import time
from typing import Any

from roomkit_fakes.openai_realtime import OpenAIRealtimeFake, RealtimeConnection
from roomkit_openai import OpenAIRealtimeProvider
from roomkit_websocket import WebSocketRealtimeTransport
from websockets.asyncio.client import connect

from bench.measure import percentile
from roomkit import ChannelCategory, RoomKit
from roomkit.channels.realtime_voice import RealtimeVoiceChannel

FRAME_MS = 20
CALLER_RATE = 16000


def pcm(rate: int) -> bytes:
    return (900).to_bytes(2, "little", signed=True) * (rate * FRAME_MS // 1000)


async def until(check: Any, seconds: float = 60.0) -> None:
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


# direct: clients on the fake ------------------------------------------------------------------
async def direct(fake: OpenAIRealtimeFake, sessions: int, frames: int) -> dict[str, list[float]]:
    url = f"{fake.ws_url}/realtime?model=gpt-4o-realtime-preview"
    chunk = base64.b64encode(pcm(24000)).decode()
    append = json.dumps({"type": "input_audio_buffer.append", "audio": chunk})
    inbound: list[float] = []
    outbound: list[float] = []

    async def one() -> None:
        async with connect(url, additional_headers={"Authorization": "Bearer k"}) as ws:
            await ws.recv()  # session.created
            conn = fake.connections[-1]
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

    await asyncio.gather(*(one() for _ in range(sessions)))
    return {"in": inbound, "out": outbound}


# relayed: clients on the transport, the channel bridging to the fake --------------------------
async def relayed(fake: OpenAIRealtimeFake, sessions: int, frames: int) -> dict[str, list[float]]:
    kit = RoomKit()
    transport = WebSocketRealtimeTransport(port=0, sample_rate=CALLER_RATE)
    provider = OpenAIRealtimeProvider(api_key="k", base_url=fake.ws_url)
    channel = RealtimeVoiceChannel("rt", provider=provider, transport=transport, queue_size=500)
    kit.register_channel(channel)
    await kit.create_room(room_id="bench")
    await kit.attach_channel("bench", "rt", category=ChannelCategory.INTELLIGENCE)
    joined: list[tuple[Any, RealtimeConnection]] = []
    for i in range(sessions):
        session = await kit.join("bench", "rt", participant_id=f"caller-{i}")
        joined.append((session, fake.connections[-1]))
    frame = pcm(CALLER_RATE)
    inbound: list[float] = []
    outbound: list[float] = []

    async def one(session: Any, conn: RealtimeConnection) -> None:
        async with connect(transport.url_for(session)) as ws:
            await ws.recv()  # the session message
            sent = await paced(frames, lambda: ws.send(frame))
            await until(lambda: len(conn.audio_arrivals) == frames)
            inbound.extend(delays(sent, conn.audio_arrivals))
            fake.on_response(reply="x", reply_ms=frames * FRAME_MS, chunk_delay=FRAME_MS / 1000)
            got: list[float] = []
            await channel.inject_text(session, "go", role="user", respond=True)
            async for raw in ws:
                if isinstance(raw, bytes):
                    got.append(time.perf_counter())
                    if len(got) == frames:
                        break
            outbound.extend(delays(conn.audio_departures, got))

    await asyncio.gather(*(one(s, c) for s, c in joined))
    dropped = sum(r.stats.frames_dropped for r in channel.runners.values())
    await kit.close()
    if dropped:
        raise RuntimeError(f"{dropped} caller frames were dropped on the way")
    return {"in": inbound, "out": outbound}


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": round(percentile(ordered, 50), 3),
        "p99": round(percentile(ordered, 99), 3),
        "max": round(ordered[-1], 3),
    }


async def measure(sessions: int, frames: int) -> dict[str, Any]:
    async with OpenAIRealtimeFake() as fake:
        base = await direct(fake, sessions, frames)
        fake.connections.clear()
        bridged = await relayed(fake, sessions, frames)
    result: dict[str, Any] = {"sessions": sessions, "frames_per_session": frames}
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--frames", type=int, default=150)
    args = parser.parse_args(argv)
    for sessions in args.sessions:
        print(json.dumps(asyncio.run(measure(sessions, args.frames))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
