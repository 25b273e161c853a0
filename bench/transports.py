"""``python -m bench.transports``: what the audio transports add, on loopback.

* ``rtp_latency``: one RTP session; a packet's trip from the peer's ``sendto`` to the frame
  handed to the framework, and from ``send_audio`` to the packet at the peer (p50/p99 in ms).
* ``rtp_50_sessions``: 50 G.711 sessions at once, each peer sending 20 ms packets in real time
  for ``seconds``; the inbound delay in the first and the last second (a growing delay would
  show there), and the process CPU time per frame.
* ``twilio_latency``: a media message's trip from the Twilio client to the framework.
* ``transcript_to_first_audio``: Deepgram (fake) sends a final transcript; how long until the
  first reply frame reaches the backend (mock AI, ElevenLabs fake answering at once).

Runs on this roomkit only (the published package has no such adapters).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from typing import Any

from roomkit.domain.voice import AudioFrame


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(ms: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(ms), 3), "p99_ms": round(pct(ms, 0.99), 3)}


async def rtp_latency(frames: int = 500) -> dict[str, Any]:
    from roomkit_fakes.rtp import RTPPeer
    from roomkit_rtp import RTPVoiceBackend

    backend = RTPVoiceBackend(codec="pcmu", lead_ms=10_000)
    peer = await RTPPeer().start()
    session = await backend.connect("r", "p", "c", metadata={"remote_port": peer.port})
    peer.connect_to(backend.local_port(session))
    arrived: list[float] = []
    backend.on_audio_received(lambda s, f: arrived.append(time.perf_counter()))
    inbound: list[float] = []
    packet = b"\x00\x01" * 160
    for _ in range(frames):
        sent = time.perf_counter()
        peer.send_audio(packet)
        while len(arrived) <= len(inbound):  # noqa: ASYNC110 - spin: an Event would add latency
            await asyncio.sleep(0)
        inbound.append((arrived[-1] - sent) * 1000)
    outbound: list[float] = []
    frame = AudioFrame(packet, 8000)
    for _ in range(frames):
        before = len(peer.received)
        sent = time.perf_counter()
        await backend.send_audio(session, frame)
        while len(peer.received) == before:  # noqa: ASYNC110 - spin, as above
            await asyncio.sleep(0)
        outbound.append((time.perf_counter() - sent) * 1000)
    peer.close()
    await backend.close()
    return {"inbound": summary(inbound), "outbound": summary(outbound)}


async def rtp_50_sessions(sessions: int = 50, seconds: float = 5.0) -> dict[str, Any]:
    import resource

    from roomkit_fakes.rtp import RTPPeer
    from roomkit_rtp import RTPVoiceBackend

    backend = RTPVoiceBackend(codec="pcmu")
    peers: list[RTPPeer] = []
    sent_at: dict[str, list[float]] = {}
    delays: list[tuple[float, float]] = []  # (seconds into the run, delay ms)
    start = time.perf_counter()

    def arrived(session: Any, frame: AudioFrame) -> None:
        now = time.perf_counter()
        queue = sent_at[session.id]
        if queue:
            delays.append((now - start, (now - queue.pop(0)) * 1000))

    backend.on_audio_received(arrived)
    pairs = []
    for index in range(sessions):
        peer = await RTPPeer().start()
        session = await backend.connect("r", f"p{index}", "c", metadata={"remote_port": peer.port})
        peer.connect_to(backend.local_port(session))
        encoded = peer._encode(b"\x00\x01" * 160)
        peer._encode = lambda pcm, encoded=encoded: encoded  # type: ignore[method-assign]
        sent_at[session.id] = []
        peers.append(peer)
        pairs.append((session, peer))
    packet = b"\x00\x01" * 160
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    ticks = int(seconds / 0.02)
    for tick in range(ticks):
        for session, peer in pairs:
            sent_at[session.id].append(time.perf_counter())
            peer.send_audio(packet)
        await asyncio.sleep(max(0.0, start + (tick + 1) * 0.02 - time.perf_counter()))
    await asyncio.sleep(0.2)
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    for peer in peers:
        peer.close()
    await backend.close()
    first = [d for t, d in delays if t < 1.0]
    last = [d for t, d in delays if t >= seconds - 1.0]
    return {
        "sessions": sessions,
        "frames": len(delays),
        "expected_frames": sessions * ticks,
        "first_second": summary(first),
        "last_second": summary(last),
        "cpu_us_per_frame_both_ends": round(cpu / max(len(delays), 1) * 1e6, 1),
    }


async def twilio_latency(frames: int = 300) -> dict[str, Any]:
    from roomkit_fakes.twilio_media import TwilioMediaStreamClient
    from roomkit_twilio_media import TwilioMediaStreamsBackend

    backend = await TwilioMediaStreamsBackend().start()
    arrived: list[float] = []
    backend.on_audio_received(lambda s, f: arrived.append(time.perf_counter()))
    session = await backend.connect("r", "p", "c")
    ms: list[float] = []
    async with TwilioMediaStreamClient(
        backend.url, parameters={"roomkit_session": session.id}
    ) as call:
        await backend.wait_for_stream(session)
        for _ in range(frames):
            sent = time.perf_counter()
            await call.send_audio(b"\x00\x01" * 160)
            while len(arrived) <= len(ms):  # noqa: ASYNC110 - spin, as above
                await asyncio.sleep(0)
            ms.append((arrived[-1] - sent) * 1000)
    await backend.close()
    return {"inbound": summary(ms)}


async def transcript_to_first_audio(utterances: int = 50) -> dict[str, Any]:
    """From the Deepgram fake sending a final transcript to the first reply frame reaching the
    backend: the room's inbound pipeline, a mock AI answering at once, and ElevenLabs (fake)
    streaming its first chunk, over real HTTP on loopback."""
    from roomkit import (
        AIChannel,
        ChannelCategory,
        HookExecution,
        HookTrigger,
        RoomKit,
        VoiceChannel,
    )
    from roomkit.providers.ai.mock import MockAIProvider
    from roomkit.voice.backends.mock import MockVoiceBackend
    from roomkit.voice.pipeline import AudioPipelineConfig, MockVADProvider, VADEvent, VADEventType
    from roomkit_deepgram import DeepgramConfig, DeepgramSTTProvider
    from roomkit_elevenlabs import ElevenLabsConfig, ElevenLabsTTSProvider
    from roomkit_fakes.deepgram import DeepgramFake
    from roomkit_fakes.elevenlabs import ElevenLabsFake

    first_frames: list[float] = []

    class TimedBackend(MockVoiceBackend):
        async def send_audio(self, session: Any, frame: AudioFrame) -> None:
            first_frames.append(time.perf_counter())
            await super().send_audio(session, frame)

    speech = b"\x10\x27" * 960
    start = VADEvent(type=VADEventType.SPEECH_START)
    end = VADEvent(type=VADEventType.SPEECH_END, audio_bytes=speech)
    ms: list[float] = []
    async with DeepgramFake() as deepgram, ElevenLabsFake() as elevenlabs:
        deepgram.default_transcript = "What are your opening hours?"
        stt = DeepgramSTTProvider(
            DeepgramConfig(api_key="dg-test-key", base_url=deepgram.base_url, max_retries=0)
        )
        tts = ElevenLabsTTSProvider(
            ElevenLabsConfig(api_key="el-test-key", base_url=elevenlabs.base_url, max_retries=0)
        )
        backend = TimedBackend()
        kit = RoomKit()
        vad = MockVADProvider(events=[start, None, end] * utterances)
        kit.register_channel(
            VoiceChannel(
                "voice", stt=stt, tts=tts, backend=backend, pipeline=AudioPipelineConfig(vad=vad)
            )
        )
        kit.register_channel(AIChannel("ai", provider=MockAIProvider(responses=["Nine to five."])))
        await kit.create_room(room_id="call")
        await kit.attach_channel("call", "voice")
        await kit.attach_channel("call", "ai", category=ChannelCategory.INTELLIGENCE)
        done = asyncio.Event()

        @kit.hook(HookTrigger.AFTER_TTS, execution=HookExecution.ASYNC)
        async def after(event: Any, ctx: Any) -> None:
            done.set()

        session = await kit.join("call", "voice", participant_id="caller")
        for _ in range(utterances):
            done.clear()
            first_frames.clear()
            for _ in range(3):
                backend.simulate_audio_received(session, AudioFrame(b"\x00\x00" * 320, 16000))
            await asyncio.wait_for(done.wait(), 30)
            ms.append((first_frames[0] - deepgram.answered_at[-1]) * 1000)
        await kit.leave(session)
        await kit.close()
        await stt.close()
        await tts.close()
    return {"utterances": utterances, **summary(ms)}


SCENARIOS = {
    "rtp_latency": rtp_latency,
    "rtp_50_sessions": rtp_50_sessions,
    "twilio_latency": twilio_latency,
    "transcript_to_first_audio": transcript_to_first_audio,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    args = parser.parse_args()
    for name in args.scenarios.split(","):
        print(json.dumps({name: asyncio.run(SCENARIOS[name]())}))


if __name__ == "__main__":
    main()
