"""TwilioMediaStreamsBackend as a real WebSocket server, driven by a Twilio-like client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from websockets.exceptions import InvalidStatus

from roomkit.domain.voice import AudioFrame, VoiceSession
from roomkit.voice import get_twilio_media_backend
from roomkit_contracts import BackendScenario, VoiceBackendContract
from roomkit_fakes.twilio_media import TwilioMediaStreamClient, from_mulaw, to_mulaw
from roomkit_rtp.resample import resample
from roomkit_twilio_media import TwilioMediaStreamsBackend, twilio_signature


async def eventually(check: object, limit: float = 10.0) -> None:
    async with asyncio.timeout(limit):
        while not check():  # type: ignore[operator]  # noqa: ASYNC110
            await asyncio.sleep(0.01)


def wire(frame: AudioFrame) -> bytes:
    """A frame after Twilio's trip: 8 kHz mu-law, decoded."""
    return from_mulaw(to_mulaw(resample(bytes(frame.data), frame.sample_rate, 8000)))


class TestTwilioContract(VoiceBackendContract):
    @pytest.fixture
    async def backend_scenario(self) -> AsyncIterator[BackendScenario]:
        backend = await TwilioMediaStreamsBackend().start()
        calls: dict[str, TwilioMediaStreamClient] = {}

        async def call_of(session: VoiceSession) -> TwilioMediaStreamClient:
            if session.id not in calls:
                client = TwilioMediaStreamClient(
                    backend.url, parameters={"roomkit_session": session.id}
                )
                await client.open()
                calls[session.id] = client
                await backend.wait_for_stream(session)
            return calls[session.id]

        async def speak(session: VoiceSession, frame: AudioFrame) -> None:
            client = await call_of(session)
            await client.send_audio(resample(bytes(frame.data), frame.sample_rate, 8000))

        async def heard(session: VoiceSession) -> bytes:
            return bytes((await call_of(session)).played)

        # streams of sessions that play before they speak: open them as the session starts
        original = backend.connect

        async def connect(*args: object, **kwargs: object) -> VoiceSession:
            session = await original(*args, **kwargs)  # type: ignore[arg-type]
            await call_of(session)
            return session

        backend.connect = connect  # type: ignore[method-assign]
        yield BackendScenario(backend, speak, heard, wire=wire)
        for client in calls.values():
            await client.close()
        await backend.close()


@pytest.fixture
async def backend() -> AsyncIterator[TwilioMediaStreamsBackend]:
    server = await TwilioMediaStreamsBackend().start()
    yield server
    await server.close()


async def test_a_stream_started_by_twilio_is_offered_then_joined(
    backend: TwilioMediaStreamsBackend,
) -> None:
    offered: list[str] = []
    backend.on_stream_started(lambda stream: offered.append(stream.stream_sid))
    got: list[AudioFrame] = []
    backend.on_audio_received(lambda s, f: got.append(f))
    async with TwilioMediaStreamClient(backend.url, parameters={"caller": "+15551234"}) as call:
        await eventually(lambda: offered)
        session = await backend.connect(
            "room", "+15551234", "voice", metadata={"twilio_stream_sid": offered[0]}
        )
        assert session.sample_rate == 8000
        assert session.metadata["twilio_call_sid"] == call.call_sid
        await call.send_audio(b"\x10\x00" * 480)  # 60 ms
        await eventually(lambda: len(got) == 3)
    assert {(f.sample_rate, len(f.data)) for f in got} == {(8000, 320)}
    assert [f.timestamp_ms for f in got] == [0.0, 20.0, 40.0]


async def test_audio_before_a_session_is_counted_not_lost_silently(
    backend: TwilioMediaStreamsBackend,
) -> None:
    async with TwilioMediaStreamClient(backend.url) as call:
        await call.send_audio(b"\x00\x00" * 160)
        await eventually(lambda: backend.frames_unrouted == 1)


async def test_marks_follow_played_audio_and_clear_cuts_playback(
    backend: TwilioMediaStreamsBackend,
) -> None:
    session = await backend.connect("room", "caller", "voice")
    parameter = session.metadata["twilio_parameter"]
    async with TwilioMediaStreamClient(
        backend.url, parameters={parameter["name"]: parameter["value"]}, realtime=True
    ) as call:
        await backend.wait_for_stream(session)

        async def reply() -> None:  # one second of reply, played in real time by "Twilio"
            for _ in range(50):
                await backend.send_audio(session, AudioFrame(b"\x00\x10" * 320, 16000))

        speaking = asyncio.create_task(reply())
        await eventually(lambda: len(call.played) >= 1600)  # 100 ms heard
        assert await backend.cancel_audio(session) is True
        speaking.cancel()
        await asyncio.gather(speaking, return_exceptions=True)
        await eventually(lambda: call.clears == 1)
        await eventually(lambda: call.marks_returned and not call._unplayed)
        assert len(call.played) < 8000 * 2  # less than the whole second was heard
        await eventually(lambda: not backend._by_session[session.id].pending_marks)
        assert await backend.cancel_audio(session) is False  # nothing left to cut
    sent = [m["event"] for m in call.received]
    assert "mark" in sent and sent[-1] == "clear"


async def test_dtmf_from_twilio_reaches_the_callback(backend: TwilioMediaStreamsBackend) -> None:
    digits: list[str] = []
    backend.on_dtmf_received(lambda s, e: digits.append(e.digit))
    session = await backend.connect("room", "caller", "voice")
    async with TwilioMediaStreamClient(
        backend.url, parameters={"roomkit_session": session.id}
    ) as call:
        await backend.wait_for_stream(session)
        await call.send_dtmf("7")
        await call.send_dtmf("#")
        await eventually(lambda: digits == ["7", "#"])


@pytest.mark.parametrize("how", ["stop", "drop"])
async def test_a_call_that_ends_reports_the_session_lost(
    backend: TwilioMediaStreamsBackend, how: str
) -> None:
    lost: list[VoiceSession] = []
    backend.on_session_lost(lost.append)
    session = await backend.connect("room", "caller", "voice")
    call = TwilioMediaStreamClient(backend.url, parameters={"roomkit_session": session.id})
    await call.open()
    await backend.wait_for_stream(session)
    await (call.stop() if how == "stop" else call.drop())
    await eventually(lambda: lost)
    assert lost[0].id == session.id and lost[0].state == "ended"
    await backend.send_audio(session, AudioFrame(b"\x00\x00" * 320, 16000))  # harmless now
    await call.close()


async def test_unsigned_upgrades_are_refused_when_a_token_is_set() -> None:
    public = "wss://voice.example.com/media"
    backend = await TwilioMediaStreamsBackend(auth_token="secret", public_url=public).start()
    with pytest.raises(InvalidStatus) as refused:
        await TwilioMediaStreamClient(backend.url, headers={"X-Twilio-Signature": "forged"}).open()
    assert refused.value.response.status_code == 403
    good = TwilioMediaStreamClient(
        backend.url, headers={"X-Twilio-Signature": twilio_signature("secret", public)}
    )
    await good.open()
    await good.close()
    await backend.close()


def test_a_token_without_the_public_url_is_refused() -> None:
    with pytest.raises(ValueError, match="public_url"):
        TwilioMediaStreamsBackend(auth_token="secret")


def test_the_lazy_loader_returns_the_backend() -> None:
    assert get_twilio_media_backend() is TwilioMediaStreamsBackend
