"""SIPVoiceBackend answering a SIP phone over UDP on 127.0.0.1, media on RTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from roomkit import AIChannel, ChannelCategory, HookExecution, HookTrigger, RoomKit, VoiceChannel
from roomkit.domain.voice import DTMFEvent, VoiceSession
from roomkit.providers.ai.mock import MockAIProvider
from roomkit.voice import get_sip_backend
from roomkit.voice.pipeline import AudioPipelineConfig, VADConfig
from roomkit.voice.pipeline.resampler import LinearResamplerProvider
from roomkit.voice.pipeline.vad import EnergyVADProvider
from roomkit.voice.stt.mock import MockSTTProvider
from roomkit.voice.tts.mock import MockTTSProvider
from roomkit_contracts import signals
from roomkit_fakes.rtp import RTPPeer
from roomkit_fakes.sip import SIPPhone
from roomkit_rtp.resample import resample
from roomkit_sip import SIPCall, SIPVoiceBackend


async def eventually(check: Callable[[], object], limit: float = 20.0) -> None:
    async with asyncio.timeout(limit):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


@pytest.fixture
async def backend() -> AsyncIterator[SIPVoiceBackend]:
    server = await SIPVoiceBackend(port=0).start()
    yield server
    await server.close()


async def test_an_invite_is_offered_joined_answered_and_hung_up(backend: SIPVoiceBackend) -> None:
    calls: list[SIPCall] = []
    sessions: list[VoiceSession] = []
    lost: list[VoiceSession] = []
    backend.on_session_lost(lost.append)

    async def answer(call: SIPCall) -> None:
        calls.append(call)
        sessions.append(
            await backend.connect(
                "room", call.from_uri, "phone", metadata={"sip_call_id": call.call_id}
            )
        )

    backend.on_incoming_call(answer)
    media = await RTPPeer().start()
    phone = await SIPPhone(rtp_port=media.port).start(backend.port)
    phone.invite()
    await asyncio.wait_for(phone.answered.wait(), 10)
    assert phone.statuses()[:3] == [100, 180, 200]
    assert calls[0].from_uri == "sip:alice@127.0.0.1"
    media.connect_to(phone.answer_sdp_port())
    got = []
    backend.on_audio_received(lambda s, f: got.append(f))
    media.send_audio(b"\x00\x10" * 480)
    await eventually(lambda: len(got) == 3)
    phone.bye()
    await eventually(lambda: lost)
    assert lost[0].id == sessions[0].id
    assert 200 in phone.statuses()[3:]
    phone.close()
    media.close()


async def test_leaving_sends_bye_and_bad_offers_are_refused(backend: SIPVoiceBackend) -> None:
    joined: list[VoiceSession] = []

    async def answer(call: SIPCall) -> None:
        joined.append(
            await backend.connect("room", "c", "phone", metadata={"sip_call_id": call.call_id})
        )

    backend.on_incoming_call(answer)
    phone = await SIPPhone(rtp_port=40000).start(backend.port)
    phone.invite()
    await asyncio.wait_for(phone.answered.wait(), 10)
    await backend.disconnect(joined[0])
    await asyncio.wait_for(phone.bye_received.wait(), 10)
    opus_only = await SIPPhone(rtp_port=40002).start(backend.port)
    opus_only.invite(payload_types="111")
    await eventually(lambda: 488 in opus_only.statuses())
    phone.close()
    opus_only.close()


async def test_a_call_nobody_answers_is_refused_and_joining_needs_a_call() -> None:
    backend = await SIPVoiceBackend(port=0).start()
    phone = await SIPPhone(rtp_port=40004).start(backend.port)
    phone.invite()
    await eventually(lambda: 480 in phone.statuses())
    with pytest.raises(ValueError, match="sip_call_id"):
        await backend.connect("room", "c", "phone")
    phone.close()
    await backend.close()


async def test_a_sip_call_through_a_voice_channel_with_digits(backend: SIPVoiceBackend) -> None:
    kit = RoomKit()
    voice = VoiceChannel(
        "phone",
        stt=MockSTTProvider(transcriptions=["I need the opening hours"]),
        tts=MockTTSProvider(sample_rate=16000),
        backend=backend,
        pipeline=AudioPipelineConfig(  # the numpy stages of roomkit-audio on a real line
            vad=EnergyVADProvider(VADConfig(silence_threshold_ms=300)),
            resampler=LinearResamplerProvider(),
        ),
    )
    kit.register_channel(voice)
    kit.register_channel(AIChannel("ai", provider=MockAIProvider(responses=["Nine to five."])))
    await kit.create_room(room_id="line")
    await kit.attach_channel("line", "phone")
    await kit.attach_channel("line", "ai", category=ChannelCategory.INTELLIGENCE)
    spoken, digits = asyncio.Event(), []

    @kit.hook(HookTrigger.AFTER_TTS, execution=HookExecution.ASYNC)
    async def after(event, ctx):  # type: ignore[no-untyped-def]
        spoken.set()

    @kit.hook(HookTrigger.ON_DTMF, execution=HookExecution.ASYNC)
    async def dtmf(event, ctx):  # type: ignore[no-untyped-def]
        digits.append(event.data["digit"])

    sessions: list[VoiceSession] = []

    async def answer(call: SIPCall) -> None:
        sessions.append(
            await kit.join(
                "line",
                "phone",
                participant_id=call.from_uri,
                metadata={"sip_call_id": call.call_id},
            )
        )

    backend.on_incoming_call(answer)
    media = await RTPPeer().start()
    phone = await SIPPhone(rtp_port=media.port).start(backend.port)
    phone.invite()
    await asyncio.wait_for(phone.answered.wait(), 10)
    media.connect_to(phone.answer_sdp_port())
    voiced = resample(signals.pcm(signals.voiced(40)), 16000, 8000)
    speech = bytes(320 * 25) + voiced + bytes(320 * 30)  # the VAD learns the line's floor first
    for offset in range(0, len(speech), 320):  # a phone sends in real time
        media.send_audio(speech[offset : offset + 320])
        await asyncio.sleep(0.02)
    await asyncio.wait_for(spoken.wait(), 20)
    assert [e.content.body for e in await kit.get_timeline("line")] == [
        "I need the opening hours",
        "Nine to five.",
    ]
    await eventually(lambda: media.heard())
    media.send_dtmf("2")
    await eventually(lambda: digits == ["2"])
    await kit.leave(sessions[0])
    await asyncio.wait_for(phone.bye_received.wait(), 10)
    await kit.close()
    phone.close()
    media.close()


def test_the_lazy_loader_returns_the_backend() -> None:
    assert get_sip_backend() is SIPVoiceBackend
    assert DTMFEvent(digit="1").digit == "1"
