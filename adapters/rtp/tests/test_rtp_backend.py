"""RTPVoiceBackend against an RTP peer on 127.0.0.1: real UDP packets both ways."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Literal

import pytest

from roomkit.domain.voice import AudioFrame, VoiceCapability, VoiceSession
from roomkit.voice import get_rtp_backend
from roomkit_contracts import BackendScenario, VoiceBackendContract, signals
from roomkit_fakes.rtp import RTPPeer
from roomkit_fakes.twilio_media import from_mulaw, to_mulaw
from roomkit_rtp import RTPVoiceBackend
from roomkit_rtp.resample import resample


async def eventually(check: Callable[[], object], limit: float = 10.0) -> None:
    async with asyncio.timeout(limit):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


def scenario(
    backend: RTPVoiceBackend, codec: Literal["pcmu", "l16"], rate: int
) -> tuple[BackendScenario, list[RTPPeer]]:
    peers: dict[str, RTPPeer] = {}
    original = backend.connect

    async def connect(*args: object, **kwargs: object) -> VoiceSession:
        peer = await RTPPeer(codec=codec, rate=rate).start()
        kwargs["metadata"] = {"remote_port": peer.port}
        session = await original(*args, **kwargs)  # type: ignore[arg-type]
        peer.connect_to(backend.local_port(session))
        peers[session.id] = peer
        return session

    backend.connect = connect  # type: ignore[method-assign]

    async def speak(session: VoiceSession, frame: AudioFrame) -> None:
        peers[session.id].send_audio(resample(bytes(frame.data), frame.sample_rate, rate))

    async def heard(session: VoiceSession) -> bytes:
        return peers[session.id].heard()

    def wire(frame: AudioFrame) -> bytes:
        return from_mulaw(to_mulaw(resample(bytes(frame.data), frame.sample_rate, 8000)))

    made = BackendScenario(backend, speak, heard, wire=wire if codec == "pcmu" else None)
    return made, list(peers.values())


class TestRTPWithL16Contract(VoiceBackendContract):
    """L16 at 16 kHz is lossless: the suite compares bytes exactly."""

    @pytest.fixture
    async def backend_scenario(self) -> AsyncIterator[BackendScenario]:
        backend = RTPVoiceBackend(codec="l16", clock_rate=16000)
        made, _ = scenario(backend, "l16", 16000)
        yield made
        await backend.close()


class TestRTPWithPCMUContract(VoiceBackendContract):
    @pytest.fixture
    async def backend_scenario(self) -> AsyncIterator[BackendScenario]:
        backend = RTPVoiceBackend(codec="pcmu")
        made, _ = scenario(backend, "pcmu", 8000)
        yield made
        await backend.close()


@pytest.fixture
async def call() -> AsyncIterator[tuple[RTPVoiceBackend, VoiceSession, RTPPeer]]:
    backend = RTPVoiceBackend(codec="pcmu")
    peer = await RTPPeer().start()
    session = await backend.connect("room", "caller", "voice", metadata={"remote_port": peer.port})
    peer.connect_to(backend.local_port(session))
    yield backend, session, peer
    peer.close()
    await backend.close()


def tone_8k(frames: int) -> bytes:
    return resample(signals.pcm(signals.voiced(frames)), 16000, 8000)


async def test_reordered_packets_are_put_back_in_order_and_lost_ones_concealed(
    call: tuple[RTPVoiceBackend, VoiceSession, RTPPeer],
) -> None:
    backend, session, peer = call
    got: list[AudioFrame] = []
    backend.on_audio_received(lambda s, f: got.append(f))
    peer.drop = {3, 4}
    peer.swap_pairs = {7}  # packet 7 arrives after 8 (jitter)
    peer.duplicate = {9}
    speech = tone_8k(12)
    peer.send_audio(speech)
    await eventually(lambda: len(got) >= 12)
    stats = backend.stats(session)
    assert (stats.lost, stats.concealed, stats.late) == (2, 2, 1)  # 3 and 4; the second 9
    silence = b"\x00\x00" * 160
    played = [bytes(f.data) for f in got]
    assert played[3] == played[4] == silence
    expected = [from_mulaw(to_mulaw(speech[i * 320 : (i + 1) * 320])) for i in range(12)]
    assert [p for i, p in enumerate(played) if i not in (3, 4)] == [
        e for i, e in enumerate(expected) if i not in (3, 4)
    ]  # 7 and 8 back in their places


async def test_a_gap_at_the_end_of_a_talkspurt_is_given_up_after_a_wait(
    call: tuple[RTPVoiceBackend, VoiceSession, RTPPeer],
) -> None:
    backend, session, peer = call
    got: list[AudioFrame] = []
    backend.on_audio_received(lambda s, f: got.append(f))
    peer.drop = {2}
    peer.send_audio(tone_8k(4))  # 0, 1, then 3 waits for 2, which never comes
    await eventually(lambda: len(got) == 4)
    assert backend.stats(session).lost == 1


async def test_replies_are_paced_packets_with_a_marker_on_each_talkspurt(
    call: tuple[RTPVoiceBackend, VoiceSession, RTPPeer],
) -> None:
    backend, session, peer = call
    for _ in range(3):
        await backend.send_audio(session, AudioFrame(b"\x00\x01" * 320, 16000))
    await eventually(lambda: len(peer.received) == 3)
    first, second, third = peer.received
    assert first.marker and not second.marker and not third.marker
    assert (second.sequence - first.sequence) & 0xFFFF == 1
    assert (second.timestamp - first.timestamp) & 0xFFFFFFFF == 160  # 20 ms at 8 kHz
    assert {p.payload_type for p in peer.received} == {0} and len(first.payload) == 160


async def test_dtmf_goes_both_ways_as_rfc4733_events(
    call: tuple[RTPVoiceBackend, VoiceSession, RTPPeer],
) -> None:
    backend, session, peer = call
    assert VoiceCapability.DTMF_SIGNALING in backend.capabilities
    digits: list[tuple[str, int]] = []
    backend.on_dtmf_received(lambda s, e: digits.append((e.digit, int(e.duration_ms))))
    peer.send_dtmf("5", 120)
    peer.send_dtmf("#", 200)
    await eventually(lambda: len(digits) == 2)
    assert digits == [("5", 120), ("#", 200)]
    await backend.send_dtmf(session, "9", duration_ms=160)
    await eventually(lambda: peer.digits())
    assert peer.digits() == [("9", 160)]
    events = [p for p in peer.received if p.payload_type == 101]
    assert events[0].marker and len({p.timestamp for p in events}) == 1
    with pytest.raises(ValueError, match="not a DTMF digit"):
        await backend.send_dtmf(session, "x")


async def test_cancel_stops_the_reply_in_flight(
    call: tuple[RTPVoiceBackend, VoiceSession, RTPPeer],
) -> None:
    backend, session, peer = call

    async def speak_long() -> None:
        for _ in range(100):  # two seconds
            await backend.send_audio(session, AudioFrame(b"\x00\x01" * 160, 8000))

    task = asyncio.create_task(speak_long())
    await eventually(lambda: len(peer.received) >= 5)
    assert await backend.cancel_audio(session) is True
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    sent = len(peer.received)
    assert sent < 100
    await asyncio.sleep(0.1)
    assert len(peer.received) == sent


async def test_a_peer_that_vanishes_is_reported_lost() -> None:
    backend = RTPVoiceBackend(inactivity_timeout=0.3)
    lost: list[VoiceSession] = []
    backend.on_session_lost(lost.append)
    peer = await RTPPeer().start()
    session = await backend.connect("room", "caller", "voice", metadata={"remote_port": peer.port})
    peer.connect_to(backend.local_port(session))
    peer.send_audio(tone_8k(3))
    peer.close()  # no BYE on plain RTP: the packets just stop
    await eventually(lambda: lost)
    assert lost[0].id == session.id and lost[0].state == "ended"
    await backend.close()


async def test_garbage_datagrams_are_counted_not_fatal(
    call: tuple[RTPVoiceBackend, VoiceSession, RTPPeer],
) -> None:
    backend, session, peer = call
    assert peer.transport is not None
    peer.transport.sendto(b"not rtp at all", ("127.0.0.1", backend.local_port(session)))
    peer.send_audio(tone_8k(1))
    await eventually(lambda: backend.stats(session).packets_received == 1)
    assert backend.stats(session).malformed == 1


def test_the_lazy_loader_returns_the_backend() -> None:
    assert get_rtp_backend() is RTPVoiceBackend


def test_unknown_codecs_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown RTP codec 'opus'"):
        RTPVoiceBackend(codec="opus")  # type: ignore[arg-type]
