"""A call over RTP, end to end on 127.0.0.1: the peer's G.711 speech is transcribed by Deepgram
(fake), a mock AI answers, ElevenLabs (fake) speaks it back as RTP, the caller's RFC 4733 digit
fires ON_DTMF, and a digit sent with ``kit.send_dtmf`` reaches the peer as RFC 4733 events."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from roomkit import AIChannel, ChannelCategory, HookExecution, HookTrigger, RoomKit, VoiceChannel
from roomkit.providers.ai.mock import MockAIProvider
from roomkit.voice.pipeline import AudioPipelineConfig, MockResampler
from roomkit_contracts import signals
from roomkit_deepgram import DeepgramConfig, DeepgramSTTProvider
from roomkit_elevenlabs import ElevenLabsConfig, ElevenLabsTTSProvider
from roomkit_fakes.deepgram import DeepgramFake
from roomkit_fakes.elevenlabs import ElevenLabsFake
from roomkit_fakes.loudness_vad import LoudnessVAD
from roomkit_fakes.rtp import RTPPeer
from roomkit_rtp import RTPVoiceBackend
from roomkit_rtp.resample import resample


async def eventually(check: Callable[[], object], limit: float = 20.0) -> None:
    async with asyncio.timeout(limit):
        while not check():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def test_an_rtp_call_is_heard_answered_and_sent_a_digit(
    deepgram_fake: DeepgramFake, elevenlabs_fake: ElevenLabsFake
) -> None:
    deepgram_fake.default_transcript = "What is my balance?"
    stt = DeepgramSTTProvider(
        DeepgramConfig(api_key="dg-test-key", base_url=deepgram_fake.base_url, max_retries=0)
    )
    tts = ElevenLabsTTSProvider(
        ElevenLabsConfig(api_key="el-test-key", base_url=elevenlabs_fake.base_url, sample_rate=8000)
    )
    backend = RTPVoiceBackend(codec="pcmu")
    kit = RoomKit()
    voice = VoiceChannel(
        "sip",
        stt=stt,
        tts=tts,
        backend=backend,
        pipeline=AudioPipelineConfig(vad=LoudnessVAD(), resampler=MockResampler()),
    )
    kit.register_channel(voice)
    kit.register_channel(AIChannel("ai", provider=MockAIProvider(responses=["It is 42 dollars."])))
    await kit.create_room(room_id="ivr")
    await kit.attach_channel("ivr", "sip")
    await kit.attach_channel("ivr", "ai", category=ChannelCategory.INTELLIGENCE)
    spoken = asyncio.Event()

    @kit.hook(HookTrigger.AFTER_TTS, execution=HookExecution.ASYNC)
    async def after_tts(event, ctx):  # type: ignore[no-untyped-def]
        spoken.set()

    pressed: list[str] = []

    @kit.hook(HookTrigger.ON_DTMF, execution=HookExecution.ASYNC)
    async def on_dtmf(event, ctx):  # type: ignore[no-untyped-def]
        pressed.append(event.data["digit"])

    peer = await RTPPeer().start()
    session = await kit.join(
        "ivr", "sip", participant_id="+15145550100", metadata={"remote_port": peer.port}
    )
    peer.connect_to(backend.local_port(session))
    speech = resample(signals.pcm(signals.voiced(12)), 16000, 8000)
    peer.send_audio(speech + b"\x00\x00" * 160 * 8)
    await asyncio.wait_for(spoken.wait(), 20)
    timeline = await kit.get_timeline("ivr")
    assert [e.content.body for e in timeline] == ["What is my balance?", "It is 42 dollars."]
    [synthesis] = elevenlabs_fake.syntheses
    assert synthesis.query["output_format"] == "pcm_8000"
    await eventually(lambda: len(peer.heard()) > 0)
    assert all(p.payload_type == 0 for p in peer.received)
    peer.send_dtmf("8", 120)  # the caller presses a key: RFC 4733 events
    await eventually(lambda: pressed)
    assert pressed == ["8"]
    await kit.send_dtmf(session, "3", 160)
    await eventually(lambda: peer.digits())
    assert peer.digits() == [("3", 160)]
    await kit.leave(session)
    await kit.close()
    peer.close()
    await stt.close()
    await tts.close()
