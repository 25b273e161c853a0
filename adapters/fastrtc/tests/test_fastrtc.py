"""FastRTCVoiceBackend against a browser-like aiortc peer, over real ICE/DTLS/SRTP on 127.0.0.1.

Opus is lossy, so audio is checked by what survives a codec: its loudness and its pitch
(counted zero crossings), not its bytes.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import struct
from collections.abc import AsyncIterator, Callable
from fractions import Fraction
from typing import Any

import aioice.ice
import av
import pytest

from roomkit.domain.voice import AudioFrame, VoiceCapability, VoiceSession
from roomkit.voice import get_fastrtc_backend
from roomkit_fakes.webrtc import BrowserPeer
from roomkit_fastrtc import FastRTCVoiceBackend


def sine(hz: float, seconds: float, rate: int, amplitude: int = 8000) -> bytes:
    count = int(seconds * rate)
    step = 2 * math.pi * hz / rate
    return struct.pack(f"<{count}h", *(int(amplitude * math.sin(step * i)) for i in range(count)))


def rms(pcm: bytes) -> float:
    count = len(pcm) // 2
    samples = struct.unpack(f"<{count}h", pcm[: count * 2])
    return math.sqrt(sum(s * s for s in samples) / max(count, 1))


def pitch(pcm: bytes, rate: int) -> float:
    count = len(pcm) // 2
    samples = struct.unpack(f"<{count}h", pcm[: count * 2])
    crossings = sum(1 for a, b in itertools.pairwise(samples) if a < 0 <= b)
    return crossings * rate / max(count, 1)


def pcm_of(frame: object) -> bytes:
    assert isinstance(frame, av.AudioFrame)
    return bytes(frame.planes[0])


def pts_of(frame: av.AudioFrame | av.Packet[Any]) -> int:
    assert frame.pts is not None
    return frame.pts


async def eventually(check: Callable[[], object], limit: float = 20.0) -> None:
    async with asyncio.timeout(limit):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


@pytest.fixture(autouse=True)
def loopback_ice(monkeypatch: pytest.MonkeyPatch) -> None:
    """aioice leaves 127.0.0.1 out of its host candidates; the tests run on loopback only."""
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1"])


@pytest.fixture
async def call() -> AsyncIterator[tuple[FastRTCVoiceBackend, VoiceSession, BrowserPeer]]:
    backend = FastRTCVoiceBackend(sample_rate=16000)
    session = await backend.connect("room", "browser-1", "voice")
    browser = BrowserPeer()
    answer = await backend.answer(session, await browser.offer())
    await browser.accept(answer)
    yield backend, session, browser
    await browser.close()
    await backend.close()


async def test_a_48khz_tone_from_the_browser_arrives_at_the_pipeline_rate(
    call: tuple[FastRTCVoiceBackend, VoiceSession, BrowserPeer],
) -> None:
    backend, session, browser = call
    got: list[AudioFrame] = []
    backend.on_audio_received(lambda s, f: got.append(f) if s.id == session.id else None)
    browser.microphone.say(bytes(48000 * 2 // 5) + sine(440, 1.0, 48000))
    await eventually(lambda: rms(b"".join(bytes(f.data) for f in got[-20:])) > 2000)
    await eventually(lambda: len(got) > 60)
    assert {f.sample_rate for f in got} == {16000}
    tail = b"".join(bytes(f.data) for f in got[-25:])
    assert 400 < pitch(tail, 16000) < 480


async def test_replies_reach_the_browser(
    call: tuple[FastRTCVoiceBackend, VoiceSession, BrowserPeer],
) -> None:
    backend, session, browser = call
    reply = sine(300, 1.0, 16000)
    for offset in range(0, len(reply), 640):
        await backend.send_audio(session, AudioFrame(reply[offset : offset + 640], 16000))
    await eventually(lambda: rms(bytes(browser.heard[-9600:])) > 2000)
    assert 270 < pitch(bytes(browser.heard[-9600:]), 48000) < 330


async def test_cancel_drops_the_queued_reply(
    call: tuple[FastRTCVoiceBackend, VoiceSession, BrowserPeer],
) -> None:
    backend, session, _browser = call
    backend.lead = 5.0  # queue the whole reply without waiting
    await backend.send_audio(session, AudioFrame(sine(300, 2.0, 16000), 16000))
    assert await backend.cancel_audio(session) is True
    assert await backend.cancel_audio(session) is False


async def test_a_browser_that_leaves_ends_the_session(
    call: tuple[FastRTCVoiceBackend, VoiceSession, BrowserPeer],
) -> None:
    backend, session, browser = call
    lost: list[VoiceSession] = []
    backend.on_session_lost(lost.append)
    browser.microphone.say(sine(440, 0.2, 48000))
    await eventually(lambda: backend._calls[session.id].frames_in > 0)
    await browser.close()
    await eventually(lambda: lost)
    assert lost[0].id == session.id


async def test_an_offer_without_audio_is_refused() -> None:
    backend = FastRTCVoiceBackend()
    session = await backend.connect("room", "b", "voice")
    with pytest.raises(ValueError, match="no audio section"):
        await backend.answer(session, "v=0\r\n")
    await backend.close()


def test_capabilities_and_the_lazy_loader() -> None:
    assert get_fastrtc_backend() is FastRTCVoiceBackend
    assert VoiceCapability.NATIVE_AEC in FastRTCVoiceBackend().capabilities


async def test_an_idle_reply_track_sends_nothing_and_resumes_on_the_clock() -> None:
    from roomkit_fastrtc.tracks import ReplyTrack

    track = ReplyTrack(48000, trailing_silence=2, encode=False)
    idle = asyncio.ensure_future(track.recv())
    await asyncio.sleep(0.1)
    assert not idle.done()  # nothing said yet: no frames, no packets
    track.push(sine(300, 0.04, 48000))  # two 20 ms frames
    first = await asyncio.wait_for(idle, 5)
    second = await asyncio.wait_for(track.recv(), 5)
    assert rms(pcm_of(first)) > 2000 and rms(pcm_of(second)) > 2000
    quiet = [await asyncio.wait_for(track.recv(), 5) for _ in range(2)]  # the trailing silence
    assert all(rms(pcm_of(frame)) == 0 for frame in quiet)
    assert track.frames_sent == 4
    waiting = asyncio.ensure_future(track.recv())
    await asyncio.sleep(0.3)
    assert not waiting.done() and track.frames_sent == 4
    track.push(sine(300, 0.02, 48000))
    resumed = await asyncio.wait_for(waiting, 5)
    assert pts_of(resumed) - pts_of(quiet[-1]) >= int(
        0.3 * 48000
    )  # the pause is kept in the timestamps
    track.stop()


class FakeTime:
    """A clock the test moves; ``sleep`` moves it instead of waiting, and records the wait."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_a_reply_to_an_idle_track_leaves_at_once_and_the_next_frames_are_paced() -> None:
    from roomkit_fastrtc.tracks import ReplyTrack

    time = FakeTime()
    track = ReplyTrack(48000, trailing_silence=1, clock=time.clock, sleep=time.sleep, encode=False)
    track.push(sine(300, 0.02, 48000))
    assert (await track.recv()).pts == 0
    assert (await track.recv()).pts == 960  # the trailing silence, in its slot
    assert time.slept == [pytest.approx(0.02)]
    waiting = asyncio.ensure_future(track.recv())
    await asyncio.sleep(0)
    time.now = 1.0047  # a second later the agent speaks
    track.push(sine(300, 0.04, 48000))
    resumed = await waiting
    assert resumed.pts == int(1.0047 * 48000)  # on the real clock, not the next 20 ms boundary
    assert time.slept == [pytest.approx(0.02)]  # and not held back at all
    after = await track.recv()
    assert pts_of(after) == pts_of(resumed) + 960
    assert time.slept[-1] == pytest.approx(0.02, abs=1 / 48000)  # then 20 ms apart, as ever
    track.stop()


async def test_a_reply_right_after_the_last_silent_frame_waits_for_its_slot() -> None:
    from roomkit_fastrtc.tracks import ReplyTrack

    time = FakeTime()
    track = ReplyTrack(48000, trailing_silence=1, clock=time.clock, sleep=time.sleep, encode=False)
    track.push(sine(300, 0.02, 48000))
    await track.recv()
    silent = await track.recv()  # due at 20 ms
    waiting = asyncio.ensure_future(track.recv())
    await asyncio.sleep(0)
    time.now = 0.025
    track.push(sine(300, 0.02, 48000))
    resumed = await waiting
    assert pts_of(resumed) == pts_of(silent) + 960  # never two frames in one slot: no burst
    assert time.slept[-1] == pytest.approx(0.015)


async def test_the_reply_track_hands_aiortc_opus_packets_at_opus_rates() -> None:
    from roomkit_fastrtc.tracks import ReplyTrack

    for rate in (16000, 48000):
        time = FakeTime()
        track = ReplyTrack(rate, trailing_silence=0, clock=time.clock, sleep=time.sleep)
        track.push(sine(440, 0.1, rate))
        packets = [await track.recv() for _ in range(5)]
        assert all(isinstance(packet, av.Packet) for packet in packets)
        assert [packet.pts for packet in packets] == [i * rate // 50 for i in range(5)]
        assert {packet.time_base for packet in packets} == {Fraction(1, rate)}
        decoder = av.CodecContext.create("libopus", "r")
        heard = b"".join(
            bytes(frame.planes[0])[: frame.samples * 2 * len(frame.layout.channels)]
            for packet in packets
            for frame in decoder.decode(av.Packet(bytes(packet)))  # type: ignore[arg-type]
        )
        assert rms(heard) > 2000
        track.stop()
    track = ReplyTrack(22050)  # not an Opus rate: aiortc resamples and encodes
    track.push(sine(440, 0.02, 22050))
    assert isinstance(await asyncio.wait_for(track.recv(), 5), av.AudioFrame)
    track.stop()


async def test_the_reorder_window_is_configured() -> None:
    from roomkit_fastrtc.inbound import OpusInbound

    with pytest.raises(ValueError, match="jitter_buffer_frames"):
        FastRTCVoiceBackend(jitter_buffer_frames=16)
    for frames in (0, 3):
        backend = FastRTCVoiceBackend(jitter_buffer_frames=frames)
        browser = BrowserPeer()
        session = await backend.connect("room", "caller", "web")
        await browser.accept(await backend.answer(session, await browser.offer()))
        inbound = backend._calls[session.id].inbound
        assert isinstance(inbound, OpusInbound) and inbound.window.frames == frames
        await browser.close()
        await backend.close()


async def test_aiortc_hands_every_packet_to_our_decoder(
    call: tuple[FastRTCVoiceBackend, VoiceSession, BrowserPeer],
) -> None:
    """Fails if aiortc stops routing packets through the receiver's jitter buffer attribute:
    the frames would then arrive through aiortc's decoder thread instead."""
    backend, session, browser = call
    [receiver] = [t.receiver for t in backend.peer_connection(session).getTransceivers()]
    inbound = backend._calls[session.id].inbound
    assert inbound is not None
    assert receiver._RTCRtpReceiver__jitter_buffer is inbound  # type: ignore[attr-defined]
    browser.microphone.say(sine(440, 0.4, 48000))
    await eventually(lambda: backend._calls[session.id].frames_in >= 20)
    assert inbound.frames == backend._calls[session.id].frames_in
    assert inbound.packets >= inbound.frames and inbound.errors == 0


async def test_without_the_aiortc_hook_aiortc_decodes_and_audio_still_arrives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import roomkit_fastrtc.inbound

    monkeypatch.setattr(roomkit_fastrtc.inbound, "_BUFFER_ATTRIBUTE", "_no_such_attribute")
    backend = FastRTCVoiceBackend(sample_rate=16000)
    session = await backend.connect("room", "browser-1", "voice")
    browser = BrowserPeer()
    await browser.accept(await backend.answer(session, await browser.offer()))
    got: list[AudioFrame] = []
    backend.on_audio_received(lambda s, f: got.append(f))
    browser.microphone.say(sine(440, 0.6, 48000))
    await eventually(lambda: rms(b"".join(bytes(f.data) for f in got[-10:])) > 2000)
    assert backend._calls[session.id].inbound is None
    assert {f.sample_rate for f in got} == {16000}
    await browser.close()
    await backend.close()
