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

import aioice.ice
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

    track = ReplyTrack(48000, trailing_silence=2)
    idle = asyncio.ensure_future(track.recv())
    await asyncio.sleep(0.1)
    assert not idle.done()  # nothing said yet: no frames, no packets
    track.push(sine(300, 0.04, 48000))  # two 20 ms frames
    first = await asyncio.wait_for(idle, 5)
    second = await asyncio.wait_for(track.recv(), 5)
    assert rms(bytes(first.planes[0])) > 2000 and rms(bytes(second.planes[0])) > 2000
    quiet = [await asyncio.wait_for(track.recv(), 5) for _ in range(2)]  # the trailing silence
    assert all(rms(bytes(frame.planes[0])) == 0 for frame in quiet)
    assert track.frames_sent == 4
    waiting = asyncio.ensure_future(track.recv())
    await asyncio.sleep(0.3)
    assert not waiting.done() and track.frames_sent == 4
    track.push(sine(300, 0.02, 48000))
    resumed = await asyncio.wait_for(waiting, 5)
    assert resumed.pts - quiet[-1].pts >= int(0.3 * 48000)  # the pause is kept in the timestamps
    assert resumed.pts % 960 == 0
    track.stop()


async def test_the_jitter_buffer_holds_the_frames_configured() -> None:
    with pytest.raises(ValueError, match="jitter_buffer_frames"):
        FastRTCVoiceBackend(jitter_buffer_frames=16)
    for frames in (1, 3):
        backend = FastRTCVoiceBackend(jitter_buffer_frames=frames)
        browser = BrowserPeer()
        session = await backend.connect("room", "caller", "web")
        await browser.accept(await backend.answer(session, await browser.offer()))
        [receiver] = [t.receiver for t in backend.peer_connection(session).getTransceivers()]
        assert receiver._RTCRtpReceiver__jitter_buffer._prefetch == frames  # type: ignore[attr-defined]
        await browser.close()
        await backend.close()
