"""``python -m bench.transports``: what the audio transports add, on loopback.

* ``rtp_latency``: one RTP session; a packet's trip from the peer's ``sendto`` to the frame
  handed to the framework, and from ``send_audio`` to the packet at the peer (p50/p99 in ms).
* ``rtp_50_sessions``: 50 G.711 sessions at once, each peer sending 20 ms packets in real time
  for ``seconds``; the inbound delay in the first and the last second (a growing delay would
  show there), and the process CPU time per frame.
* ``rtp_inbound_cpu``: CPU time per inbound RTP packet (parse, G.711 decode, frame, callback),
  fed straight to the session's socket protocol, so it holds however loaded the machine is.
* ``twilio_latency``: a media message's trip from the Twilio client to the framework, and from
  ``send_audio`` to the media message at the client.
* ``webrtc_latency``: one aiortc browser peer sending a loud 20 ms frame among silence. Timed
  at our UDP socket (the kit's aioice protocol is wrapped, in the bench only): inbound from the
  SRTP datagram reaching our socket to the frame handed over (SRTP, RTP, reorder window, Opus
  decode, resampler), outbound from ``send_audio`` on an idle call to the datagram leaving our
  socket (pacing, Opus encode, SRTP). End to end as well: from the browser's microphone track
  (its Opus encoder included) and to the browser's decoder (its one-frame jitter buffer, which
  waits for the next packet, included).
* ``webrtc_latency_reorder_4``: the same with a 4-frame reorder window (audio in order is not
  held whatever the window; this shows it).
* ``webrtc_20_sessions``: 20 browser peers (in a child process) sending Opus in real time; the
  inbound delay of their loud frames in the first and the last second, at our socket and end
  to end, and the kit process's CPU time per frame received (SRTP, RTP, decoding, RTCP).
* ``webrtc_20_sessions_profile``: the same under cProfile (CPU time of the event loop thread),
  grouped by part: where the CPU goes per frame.
* ``transcript_to_first_audio``: Deepgram (fake) sends a final transcript; how long until the
  first reply frame reaches the backend (mock AI, ElevenLabs fake answering at once).

Runs on this roomkit only (the published package has no such adapters). ``python -m bench
transports`` (``./dev bench transports``) runs them all and writes bench/results/transports.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path
from typing import Any

from roomkit.domain.voice import AudioFrame

ROOT = str(Path(__file__).resolve().parent.parent)


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


async def rtp_inbound_cpu(packets: int = 20000) -> dict[str, Any]:
    from roomkit_rtp import RTPVoiceBackend
    from roomkit_rtp.packet import RTPPacket

    backend = RTPVoiceBackend(codec="pcmu")
    session = await backend.connect("r", "p", "c", metadata={"remote_port": 9})
    endpoint = backend._endpoints[session.id]
    frames: list[AudioFrame] = []
    backend.on_audio_received(lambda s, f: frames.append(f))
    payload = bytes(range(160))
    datagrams = [
        RTPPacket(0, i & 0xFFFF, i * 160, 1234, payload, False).to_bytes() for i in range(packets)
    ]
    peer = ("127.0.0.1", 9)
    started = time.process_time()
    for datagram in datagrams:
        endpoint.datagram_received(datagram, peer)
    cpu = time.process_time() - started
    await backend.close()
    assert len(frames) == packets
    return {"packets": packets, "cpu_us_per_packet": round(cpu / packets * 1e6, 2)}


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
        outbound: list[float] = []
        frame = AudioFrame(b"\x00\x01" * 160, 8000)
        for _ in range(frames):
            before = len(call.played)
            sent = time.perf_counter()
            playing = asyncio.ensure_future(backend.send_audio(session, frame))  # paces after
            while len(call.played) == before:  # noqa: ASYNC110 - spin, as above
                await asyncio.sleep(0)
            outbound.append((time.perf_counter() - sent) * 1000)
            await playing
    await backend.close()
    return {"inbound": summary(ms), "outbound": summary(outbound)}


async def transcript_to_first_audio(utterances: int = 200) -> dict[str, Any]:
    """From the Deepgram fake sending a final transcript to the first reply frame reaching the
    backend: the room's inbound pipeline, a mock AI answering at once, and ElevenLabs (fake)
    streaming its first chunk, over real HTTP on loopback. The call's first utterance also
    opens the HTTP connections to both vendors: it is reported on its own (``first_ms``), the
    percentiles are over the ``utterances`` after it."""
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
            DeepgramConfig(
                api_key="dg-test-key", base_url=deepgram.base_url, max_retries=0, streaming=False
            )
        )
        tts = ElevenLabsTTSProvider(
            ElevenLabsConfig(api_key="el-test-key", base_url=elevenlabs.base_url, max_retries=0)
        )
        backend = TimedBackend()
        kit = RoomKit()
        vad = MockVADProvider(events=[start, None, end] * (utterances + 1))
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
        for _ in range(utterances + 1):
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
    return {"utterances": utterances, "first_ms": round(ms[0], 2), **summary(ms[1:])}


LOUD = 4000  # a decoded sample above this is the probe frame, not Opus's rendering of silence
LARGE_DATAGRAM = 200  # bytes: an SRTP packet of the probe tone (silence makes ~40-byte packets)


def _loud(pcm: bytes) -> bool:
    """Every 8th sample is enough for the 440 Hz probe (109 samples a period at 48 kHz) and
    keeps the check out of the kit's CPU figures."""
    samples = memoryview(pcm).cast("h")[::8]
    return max(samples, default=0) > LOUD


def _is_rtp(data: bytes) -> bool:
    return len(data) > 12 and 128 <= data[0] < 192 and not 192 <= data[1] <= 223


class _Probe:
    """Sends a loud 20 ms frame among silent ones every ``every`` frames from a browser
    microphone and remembers when each left the track."""

    def __init__(self, every: int) -> None:
        import math

        self.every = every
        self.sent: list[float] = []
        tone = [int(12000 * math.sin(2 * math.pi * 440 * i / 48000)) for i in range(960)]
        self.frame = memoryview(bytearray(1920)).cast("h")
        for i, value in enumerate(tone):
            self.frame[i] = value

    def track(self) -> Any:
        from roomkit_fakes.webrtc import MicrophoneTrack

        probe = self

        class Track(MicrophoneTrack):
            count = 0

            async def recv(self) -> Any:
                frame = await super().recv()
                Track.count += 1
                if Track.count % probe.every == 0:
                    frame.planes[0].update(probe.frame.tobytes())
                    probe.sent.append(time.perf_counter())
                return frame

        return Track()


class SocketTap:
    """The kit's side of one call, timestamped at its UDP socket: the aioice protocols'
    ``datagram_received`` (called by the event loop as it reads the datagram) and ``send_data``
    (which calls ``sendto``) are wrapped on the instances, in the bench only.

    ``onsets``: arrivals of probe frames, an RTP datagram large after a small one (the tone
    after silence; the packets just after the tone are large too, but not onsets).
    ``sent``: every RTP datagram the kit sends."""

    def __init__(self, pc: Any) -> None:
        self.onsets: list[float] = []
        self.sent: list[float] = []
        self._previous = 0
        connection = pc.getTransceivers()[0].receiver.transport.transport._connection
        for protocol in connection._protocols:
            self._wrap(protocol)

    def _wrap(self, protocol: Any) -> None:
        received, send = protocol.datagram_received, protocol.send_data

        def datagram_received(data: bytes, addr: Any) -> None:
            if _is_rtp(data):
                if len(data) > LARGE_DATAGRAM >= self._previous:
                    self.onsets.append(time.perf_counter())
                self._previous = len(data)
            received(data, addr)

        async def send_data(data: bytes, addr: Any) -> None:
            if _is_rtp(data):
                self.sent.append(time.perf_counter())
            await send(data, addr)

        protocol.datagram_received = datagram_received
        protocol.send_data = send_data


async def _browser(backend: Any, probe: _Probe | None = None) -> tuple[Any, Any]:
    from roomkit_fakes.webrtc import BrowserPeer

    peer = BrowserPeer()
    if probe is not None:
        for sender in peer.pc.getSenders():
            peer.microphone.stop()
            peer.microphone = probe.track()
            sender.replaceTrack(peer.microphone)
    session = await backend.connect("r", "browser", "c")
    await peer.accept(await backend.answer(session, await peer.offer()))
    from aiortc.jitterbuffer import JitterBuffer

    for transceiver in peer.pc.getTransceivers():  # a browser's adaptive buffer, not aiortc's 4
        transceiver.receiver._RTCRtpReceiver__jitter_buffer = JitterBuffer(capacity=16, prefetch=1)
    return peer, session


def _reply_idle(reply: Any) -> bool:
    """The reply track has sent its trailing silence and waits for a reply."""
    return not reply._queue and reply._quiet >= reply.trailing_silence


async def webrtc_latency(probes: int = 100, jitter_buffer_frames: int = 1) -> dict[str, Any]:
    from roomkit_fastrtc import FastRTCVoiceBackend

    backend = FastRTCVoiceBackend(sample_rate=48000, jitter_buffer_frames=jitter_buffer_frames)
    probe = _Probe(every=10)
    heard: list[float] = []
    backend.on_audio_received(
        lambda s, f: heard.append(time.perf_counter()) if _loud(bytes(f.data)) else None
    )
    peer, session = await _browser(backend, probe)
    tap = SocketTap(backend.peer_connection(session))
    async with asyncio.timeout(60 + probes * 0.2):
        while len(probe.sent) < probes + 6:  # noqa: ASYNC110 - polling a list the track fills
            await asyncio.sleep(0.005)
    await asyncio.sleep(0.1)
    inbound = _first_after(tap.onsets, heard)[5:]
    inbound_end_to_end = _first_after(probe.sent, heard)[5:]
    outbound: list[float] = []
    outbound_end_to_end: list[float] = []
    loud = AudioFrame(probe.frame.tobytes(), 48000)
    reply = backend._calls[session.id].reply
    for _ in range(probes // 2):
        async with asyncio.timeout(5):
            while not _reply_idle(reply):  # noqa: ASYNC110 - as above
                await asyncio.sleep(0.005)
        await asyncio.sleep(0.03)  # past the slot of the last silent frame: the reply is due now
        peer.heard.clear()
        before = len(tap.sent)
        sent = time.perf_counter()
        await backend.send_audio(session, loud)
        async with asyncio.timeout(5):
            while not _loud(bytes(peer.heard)):  # noqa: ASYNC110 - as above
                await asyncio.sleep(0.001)
        outbound_end_to_end.append((time.perf_counter() - sent) * 1000)
        outbound.append((tap.sent[before] - sent) * 1000)
    await peer.close()
    await backend.close()
    return {
        "jitter_buffer_frames": jitter_buffer_frames,
        "inbound": summary(inbound),
        "outbound": summary(outbound),
        "inbound_end_to_end": summary(inbound_end_to_end),
        "outbound_end_to_end": summary(outbound_end_to_end),
    }


async def webrtc_latency_reorder_4(probes: int = 100) -> dict[str, Any]:
    """As ``webrtc_latency`` with a 4-frame reorder window (aiortc's own buffer depth)."""
    return await webrtc_latency(probes, jitter_buffer_frames=4)


def _first_after(starts: list[float], events: list[float]) -> list[float]:
    """For each start, the ms until the first event after it and before the next start."""
    return [delay for _start, delay in _first_after_pairs(starts, events)]


def _first_after_pairs(starts: list[float], events: list[float]) -> list[tuple[float, float]]:
    import bisect

    pairs = []
    for index, start in enumerate(starts):
        at = bisect.bisect_left(events, start)
        end = starts[index + 1] if index + 1 < len(starts) else float("inf")
        if at < len(events) and events[at] < end:
            pairs.append((start, (events[at] - start) * 1000))
    return pairs


def _cpu_breakdown(profile: Any, cpu_us: float) -> dict[str, float]:
    """The event loop thread's CPU profile, grouped by where the time goes, in us per frame: each
    group's share of the profiled time times the unprofiled CPU per frame (the profiler's
    own overhead falls on Python code, so the Python groups read high)."""
    import pstats

    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    groups: dict[str, float] = {}

    def group(filename: str, name: str) -> str:
        if "srtp" in filename or "srtp" in name:
            return "SRTP (pylibsrtp)"
        if "decode" in name and "av." in name:
            return "Opus decode (libopus via av)"
        if "encode" in name and "av." in name:
            return "Opus encode (libopus via av)"
        if "resample" in name or "Resampler" in name:
            return "resampling (libswresample)"
        if "aioice" in filename:
            return "ICE (aioice: datagram, STUN parse attempt, queue)"
        if "aiortc" in filename:
            return "aiortc (DTLS loop, RTP parse and routing, stats, RTCP)"
        if "roomkit_fastrtc" in filename:
            return "roomkit_fastrtc (reorder, frames, callbacks)"
        if "bench" in filename:
            return "bench callback (loudness check)"
        if "asyncio" in filename or "selectors" in filename or "socket" in name:
            return "event loop and socket calls"
        return "other"

    for (filename, _line, name), (_cc, _nc, tottime, _ct, callers) in stats.items():
        if filename == "~" and not any(k in name for k in ("srtp", "av.", "esample", "socket")):
            for (caller_file, _l, caller_name), row in callers.items():  # builtins: by caller
                key = group(caller_file, caller_name)
                groups[key] = groups.get(key, 0.0) + row[2]
        else:
            key = group(filename, name)
            groups[key] = groups.get(key, 0.0) + tottime
    total = sum(groups.values()) or 1.0
    return {
        key: round(value / total * cpu_us, 1)
        for key, value in sorted(groups.items(), key=lambda item: -item[1])
    }


async def webrtc_20_sessions(
    sessions: int = 20, seconds: float = 5.0, profile: bool = False
) -> dict[str, Any]:
    """The browsers run in a child process (bench/webrtc_peers.py): the CPU time is the kit's.
    With ``profile`` the event loop thread runs under cProfile during the measured seconds."""
    import cProfile
    import resource
    import sys

    from roomkit_fastrtc import FastRTCVoiceBackend

    backend = FastRTCVoiceBackend(sample_rate=48000)
    heard: dict[str, list[float]] = {}
    frames = [0]

    def arrived(session: Any, frame: AudioFrame) -> None:
        frames[0] += 1
        if _loud(bytes(frame.data)):
            heard[session.id].append(time.perf_counter())

    backend.on_audio_received(arrived)
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.webrtc_peers",
        str(sessions),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        cwd=ROOT,
        limit=2**24,
    )
    assert child.stdin is not None and child.stdout is not None
    offers = json.loads(await child.stdout.readline())["offers"]
    answers, order, taps = [], [], []
    for offer in offers:
        session = await backend.connect("r", "browser", "c")
        heard[session.id] = []
        order.append(session.id)
        answers.append(await backend.answer(session, offer))
        taps.append(SocketTap(backend.peer_connection(session)))
    child.stdin.write((json.dumps({"answers": answers}) + "\n").encode())
    await child.stdin.drain()
    async with asyncio.timeout(60):  # every call connected and its probes arriving
        while not all(heard.values()):  # noqa: ASYNC110 - polling lists the callback fills
            await asyncio.sleep(0.01)
    await asyncio.sleep(0.5)
    frames[0] = 0
    profiler = cProfile.Profile(time.thread_time) if profile else None
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    await asyncio.sleep(seconds)
    if profiler is not None:
        profiler.disable()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    end = time.perf_counter()
    counted = frames[0]
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    child.stdin.write(b"stop\n")
    await child.stdin.drain()
    sent_all = json.loads(await child.stdout.readline())["sent"]
    await child.wait()
    await backend.close()
    delays: dict[str, list[float]] = {}  # (way, second) -> ms
    for session_id, sent, tap in zip(order, sent_all, taps, strict=True):
        times = heard[session_id]
        for way, starts in (("socket", tap.onsets), ("end_to_end", sent)):
            window = [at for at in starts if start <= at < end - 0.1]
            for at, delay in _first_after_pairs(window, times):
                if at - start < 1.0:
                    delays.setdefault(f"{way}_first", []).append(delay)
                elif at >= end - 1.1:
                    delays.setdefault(f"{way}_last", []).append(delay)
    cpu_us = cpu / max(counted, 1) * 1e6
    result: dict[str, Any] = {
        "sessions": sessions,
        "frames": counted,
        "expected_frames": int(sessions * seconds / 0.02),
        "first_second": summary(delays["socket_first"]),
        "last_second": summary(delays["socket_last"]),
        "end_to_end_first_second": summary(delays["end_to_end_first"]),
        "end_to_end_last_second": summary(delays["end_to_end_last"]),
        "kit_cpu_us_per_frame": round(cpu_us, 1),
    }
    if profiler is not None:
        result["cpu_us_per_frame_by_part"] = _cpu_breakdown(profiler, cpu_us)
    return result


async def webrtc_20_sessions_profile() -> dict[str, Any]:
    """``webrtc_20_sessions`` under cProfile: where the kit's CPU goes per frame."""
    return await webrtc_20_sessions(profile=True)


SCENARIOS = {
    "rtp_latency": rtp_latency,
    "rtp_inbound_cpu": rtp_inbound_cpu,
    "rtp_50_sessions": rtp_50_sessions,
    "twilio_latency": twilio_latency,
    "webrtc_latency": webrtc_latency,
    "webrtc_latency_reorder_4": webrtc_latency_reorder_4,
    "webrtc_20_sessions": webrtc_20_sessions,
    "webrtc_20_sessions_profile": webrtc_20_sessions_profile,
    "transcript_to_first_audio": transcript_to_first_audio,
}


def render(results: dict[str, Any], load: tuple[float, float]) -> str:
    """The figures as a Markdown table: added latency per transport, then the load runs."""
    lines = ["| scenario | p50 ms | p99 ms |", "|---|---:|---:|"]
    labels = {
        "rtp_latency": "RTP",
        "twilio_latency": "Twilio Media",
        "webrtc_latency": "WebRTC",
        "webrtc_latency_reorder_4": "WebRTC (reorder window 4 frames)",
    }
    ways = {
        "inbound": "inbound",
        "outbound": "outbound",
        "inbound_end_to_end": "inbound end to end (peer's track to pipeline)",
        "outbound_end_to_end": "outbound end to end (send_audio to peer's decoder)",
    }
    socket_ways = {
        "inbound": "inbound (datagram at our socket to pipeline)",
        "outbound": "outbound (send_audio to datagram leaving our socket)",
    }
    for name, label in labels.items():
        for way, text in ways.items():
            if name.startswith("webrtc") and way in socket_ways:
                text = socket_ways[way]
            row = results.get(name, {}).get(way)
            if row:
                lines.append(f"| {label} {text} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} |")
    parts = {
        "first_second": "inbound, first second",
        "last_second": "inbound, last second",
        "end_to_end_first_second": "inbound end to end, first second",
        "end_to_end_last_second": "inbound end to end, last second",
    }
    for name in ("rtp_50_sessions", "webrtc_20_sessions"):
        row = results.get(name)
        if row:
            for part, text in parts.items():
                if part in row:
                    lines.append(
                        f"| {name} {text} | {row[part]['p50_ms']:.2f} | {row[part]['p99_ms']:.2f} |"
                    )
    if "transcript_to_first_audio" in results:
        row = results["transcript_to_first_audio"]
        lines.append(
            f"| transcript to first reply frame ({row['utterances']} utterances) "
            f"| {row['p50_ms']:.2f} | {row['p99_ms']:.2f} |"
        )
        if "first_ms" in row:
            lines.append(
                f"| transcript to first reply frame, the call's first utterance (opens the "
                f"vendor connections) | {row['first_ms']:.2f} | - |"
            )
    lines += ["", "| per frame | value |", "|---|---:|"]
    if "rtp_inbound_cpu" in results:
        lines.append(
            f"| RTP inbound packet, CPU | {results['rtp_inbound_cpu']['cpu_us_per_packet']} us |"
        )
    if "rtp_50_sessions" in results:
        row = results["rtp_50_sessions"]
        lines.append(
            f"| 50 RTP sessions, CPU per frame (peers in process) | "
            f"{row['cpu_us_per_frame_both_ends']} us ({row['frames']}/{row['expected_frames']} "
            "frames) |"
        )
    if "webrtc_20_sessions" in results:
        row = results["webrtc_20_sessions"]
        lines.append(
            f"| 20 WebRTC sessions, kit CPU per frame | {row['kit_cpu_us_per_frame']} us "
            f"({row['frames']}/{row['expected_frames']} frames) |"
        )
    breakdown = results.get("webrtc_20_sessions_profile", {}).get("cpu_us_per_frame_by_part")
    if breakdown:
        total = results["webrtc_20_sessions_profile"]["kit_cpu_us_per_frame"]
        lines += [
            "",
            f"20 WebRTC sessions under cProfile ({total} us per frame in that run), by part:",
            "",
            "| part | us per frame |",
            "|---|---:|",
        ]
        lines += [f"| {part} | {value} |" for part, value in breakdown.items()]
    lines += ["", f"load average (1 min) before / after: {load[0]:.2f} / {load[1]:.2f}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    import os

    parser = argparse.ArgumentParser(prog="python -m bench transports", description=__doc__)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    before = os.getloadavg()[0]
    results: dict[str, Any] = {}
    for name in args.scenarios.split(","):
        if name not in SCENARIOS:
            parser.error(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")
        results[name] = asyncio.run(SCENARIOS[name]())
        print(json.dumps({name: results[name]}), flush=True)
    load = (before, os.getloadavg()[0])
    table = render(results, load)
    print(table)
    if not args.no_save:
        out = Path(ROOT) / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        (out / "transports.md").write_text(f"Measured {stamp}, one run.\n\n" + table)
        (out / "transports.json").write_text(
            json.dumps({"results": results, "load_average_1min": load}, indent=2) + "\n"
        )
        print(f"wrote {out / 'transports.md'}")


if __name__ == "__main__":
    main()
