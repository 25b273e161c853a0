"""A call through VoiceChannel whose speech is transcribed by Deepgram (the fake), and the
adapter found through the lazy loaders."""

from __future__ import annotations

import asyncio

from roomkit import AIChannel, ChannelCategory, HookExecution, HookTrigger, RoomKit, VoiceChannel
from roomkit.domain.voice import VoiceSession
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


async def test_one_shot_a_caller_is_transcribed_by_deepgram_and_answered(
    deepgram_fake: DeepgramFake,
) -> None:
    said = signals.pcm(signals.voiced(25))
    deepgram_fake.learn(said, "Do you deliver on Sundays?")
    stt = get_deepgram_provider()(
        get_deepgram_config()(
            api_key="dg-test-key", base_url=deepgram_fake.base_url, max_retries=0, streaming=False
        )
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


SPEECH_AT, SPEECH_FRAMES = 5, 40


async def streamed_call(
    fake: DeepgramFake, **config: object
) -> tuple[RoomKit, MockVoiceBackend, VoiceSession, asyncio.Event]:
    """A room whose caller says one utterance (5 quiet frames, 40 voiced, 10 quiet) through
    a scripted VAD that marks its edges without handing over the audio."""
    stt = DeepgramSTTProvider(
        DeepgramConfig(api_key="dg-test-key", base_url=fake.base_url, max_retries=0, **config)  # type: ignore[arg-type]
    )
    assert stt.supports_streaming
    events: list[VADEvent | None] = [None] * (SPEECH_AT + SPEECH_FRAMES + 10)
    events[SPEECH_AT] = VADEvent(type=VADEventType.SPEECH_START)
    events[SPEECH_AT + SPEECH_FRAMES] = VADEvent(type=VADEventType.SPEECH_END)
    kit = RoomKit()
    backend = MockVoiceBackend()
    voice = VoiceChannel(
        "voice",
        stt=stt,
        tts=MockTTSProvider(),
        backend=backend,
        pipeline=AudioPipelineConfig(vad=MockVADProvider(events=events)),
    )
    kit.register_channel(voice)
    await kit.create_room(room_id="call")
    await kit.attach_channel("call", "voice")
    transcribed = asyncio.Event()

    @kit.hook(HookTrigger.ON_TRANSCRIPTION, execution=HookExecution.ASYNC)
    async def heard(event, ctx):  # type: ignore[no-untyped-def]
        transcribed.set()

    session = await kit.join("call", "voice", participant_id="caller")
    return kit, backend, session, transcribed


def utterance_frames() -> list[AudioFrame]:
    quiet = signals.pcm(signals.silence(1))
    voiced = signals.pcm(signals.voiced(SPEECH_FRAMES))
    step = len(quiet)
    frames = [AudioFrame(quiet, 16000)] * SPEECH_AT
    frames += [AudioFrame(voiced[i : i + step], 16000) for i in range(0, len(voiced), step)]
    return frames + [AudioFrame(quiet, 16000)] * 10


async def speak(backend: MockVoiceBackend, session: VoiceSession) -> None:
    for frame in utterance_frames():
        backend.simulate_audio_received(session, frame)
        await asyncio.sleep(0.002)  # a caller's frames come one at a time


async def texts(kit: RoomKit) -> list[str]:
    return [e.content.body for e in await kit.get_timeline("call")]  # type: ignore[union-attr]


async def test_a_streamed_utterance_lands_in_the_room(deepgram_fake: DeepgramFake) -> None:
    deepgram_fake.say("I would like to book a table")
    kit, backend, session, transcribed = await streamed_call(deepgram_fake)
    await speak(backend, session)
    await asyncio.wait_for(transcribed.wait(), 20)
    await asyncio.sleep(0)
    assert await texts(kit) == ["I would like to book a table"]
    assert deepgram_fake.uploads == []  # nothing sent after the fact
    [conn] = deepgram_fake.live
    frames = utterance_frames()
    streamed = b"".join(bytes(f.data) for f in frames[: SPEECH_AT + SPEECH_FRAMES + 1])
    assert bytes(conn.audio) == streamed  # pre-roll, utterance, the frame its end was heard in
    assert conn.controls[-2:] == ["Finalize", "CloseStream"]
    await kit.leave(session)
    await kit.close()


async def test_a_dropped_stream_reconnects_and_the_utterance_is_not_lost(
    deepgram_fake: DeepgramFake,
) -> None:
    deepgram_fake.say("put me through to the kitchen")
    quiet_bytes = len(signals.pcm(signals.silence(SPEECH_AT)))
    deepgram_fake.drop_live_after(quiet_bytes + len(signals.pcm(signals.voiced(15))))
    kit, backend, session, transcribed = await streamed_call(
        deepgram_fake, reconnect_base_delay=0.01
    )
    await speak(backend, session)
    await asyncio.wait_for(transcribed.wait(), 20)
    await asyncio.sleep(0)
    assert await texts(kit) == ["put me through to the kitchen"]
    first, second = deepgram_fake.live
    assert first.dropped and second.closed_by_client
    assert deepgram_fake.uploads == []
    await kit.leave(session)
    await kit.close()


async def test_a_refused_stream_falls_back_to_one_shot(deepgram_fake: DeepgramFake) -> None:
    deepgram_fake.reject_next_live(400)
    frames = utterance_frames()
    said = b"".join(bytes(f.data) for f in frames[SPEECH_AT : SPEECH_AT + SPEECH_FRAMES + 1])
    deepgram_fake.learn(said, "Is the terrace open?")
    kit, backend, session, transcribed = await streamed_call(deepgram_fake)
    await speak(backend, session)
    await asyncio.wait_for(transcribed.wait(), 20)
    await asyncio.sleep(0)
    assert await texts(kit) == ["Is the terrace open?"]
    assert [pcm for pcm, _ in deepgram_fake.uploads] == [said]
    await kit.leave(session)
    await kit.close()
