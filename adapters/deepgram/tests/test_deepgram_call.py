"""A call through VoiceChannel whose speech is transcribed by Deepgram (the fake), and the
adapter found through the lazy loaders."""

from __future__ import annotations

import asyncio

from roomkit import AIChannel, ChannelCategory, HookExecution, HookTrigger, RoomKit, VoiceChannel
from roomkit.providers.ai.mock import MockAIProvider
from roomkit.voice import get_deepgram_config, get_deepgram_provider
from roomkit.voice.audio_frame import AudioFrame
from roomkit.voice.backends.mock import MockVoiceBackend
from roomkit.voice.pipeline import AudioPipelineConfig, MockVADProvider, VADEvent, VADEventType
from roomkit.voice.tts.mock import MockTTSProvider
from roomkit_contracts import signals
from roomkit_deepgram import DeepgramConfig, DeepgramSTTProvider
from roomkit_fakes.deepgram import DeepgramFake


def test_lazy_loaders_return_the_adapter() -> None:
    assert get_deepgram_provider() is DeepgramSTTProvider
    assert get_deepgram_config() is DeepgramConfig


async def test_a_caller_is_transcribed_by_deepgram_and_answered(
    deepgram_fake: DeepgramFake,
) -> None:
    said = signals.pcm(signals.voiced(25))
    deepgram_fake.learn(said, "Do you deliver on Sundays?")
    stt = get_deepgram_provider()(
        get_deepgram_config()(api_key="dg-test-key", base_url=deepgram_fake.base_url, max_retries=0)
    )
    kit = RoomKit()
    backend = MockVoiceBackend()
    vad = MockVADProvider(
        events=[
            VADEvent(type=VADEventType.SPEECH_START),
            None,
            VADEvent(type=VADEventType.SPEECH_END, audio_bytes=said),
        ]
    )
    voice = VoiceChannel(
        "voice",
        stt=stt,
        tts=MockTTSProvider(),
        backend=backend,
        pipeline=AudioPipelineConfig(vad=vad),
    )
    kit.register_channel(voice)
    kit.register_channel(AIChannel("ai", provider=MockAIProvider(responses=["Yes, until noon."])))
    await kit.create_room(room_id="call")
    await kit.attach_channel("call", "voice")
    await kit.attach_channel("call", "ai", category=ChannelCategory.INTELLIGENCE)
    spoken = asyncio.Event()

    @kit.hook(HookTrigger.AFTER_TTS, execution=HookExecution.ASYNC)
    async def after_tts(event, ctx):  # type: ignore[no-untyped-def]
        spoken.set()

    session = await kit.join("call", "voice", participant_id="caller")
    for _ in range(3):
        backend.simulate_audio_received(session, AudioFrame(b"\x00\x00" * 320, 16000))
    await asyncio.wait_for(spoken.wait(), 20)
    timeline = await kit.get_timeline("call")
    assert [(e.source.channel_id, e.content.body) for e in timeline] == [
        ("voice", "Do you deliver on Sundays?"),
        ("ai", "Yes, until noon."),
    ]
    assert deepgram_fake.uploads == [(said, 16000)]
    assert backend.frames_sent_to(session)
    await kit.leave(session)
    await kit.close()
