"""Whole calls through VoiceChannel: Deepgram (fake) hears the caller, a mock AI answers,
ElevenLabs (fake) speaks the answer, and barge-in hangs up on ElevenLabs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from roomkit import AIChannel, ChannelCategory, HookExecution, HookTrigger, RoomKit, VoiceChannel
from roomkit.providers.ai.mock import MockAIProvider
from roomkit.voice.audio_frame import AudioFrame
from roomkit.voice.backends.mock import MockVoiceBackend
from roomkit.voice.base import VoiceSession
from roomkit.voice.interruption import InterruptionConfig, InterruptionStrategy
from roomkit.voice.pipeline import AudioPipelineConfig, MockVADProvider, VADEvent, VADEventType
from roomkit_contracts import signals
from roomkit_deepgram import DeepgramConfig, DeepgramSTTProvider
from roomkit_elevenlabs import ElevenLabsConfig, ElevenLabsTTSProvider
from roomkit_fakes.deepgram import DeepgramFake
from roomkit_fakes.elevenlabs import ElevenLabsFake

SAID = signals.pcm(signals.voiced(25))
START = VADEvent(type=VADEventType.SPEECH_START)
END = VADEvent(type=VADEventType.SPEECH_END, audio_bytes=SAID)
SILENT = AudioFrame(b"\x00\x00" * 320, 16000)


@dataclass
class Call:
    kit: RoomKit
    backend: MockVoiceBackend
    session: VoiceSession
    fired: list[str]
    spoken: asyncio.Event

    def feed(self, frames: int) -> None:
        for _ in range(frames):
            self.backend.simulate_audio_received(self.session, SILENT)


@pytest.fixture
async def call(deepgram_fake: DeepgramFake, elevenlabs_fake: ElevenLabsFake) -> AsyncIterator[Call]:
    deepgram_fake.learn(SAID, "Can I change my booking?")
    stt = DeepgramSTTProvider(
        DeepgramConfig(  # the scripted VAD hands over the utterance: transcribed whole
            api_key="dg-test-key", base_url=deepgram_fake.base_url, max_retries=0, streaming=False
        )
    )
    tts = ElevenLabsTTSProvider(
        ElevenLabsConfig(api_key="el-test-key", base_url=elevenlabs_fake.base_url, max_retries=0)
    )
    kit = RoomKit()
    backend = MockVoiceBackend(playback_delay=0.005)
    vad = MockVADProvider(events=[START, None, END, None, START])
    voice = VoiceChannel(
        "voice",
        stt=stt,
        tts=tts,
        backend=backend,
        pipeline=AudioPipelineConfig(vad=vad),
        interruption=InterruptionConfig(strategy=InterruptionStrategy.IMMEDIATE),
    )
    kit.register_channel(voice)
    answer = "Of course, which day would you like to move it to instead of Friday?"
    kit.register_channel(AIChannel("ai", provider=MockAIProvider(responses=[answer])))
    await kit.create_room(room_id="call")
    await kit.attach_channel("call", "voice")
    await kit.attach_channel("call", "ai", category=ChannelCategory.INTELLIGENCE)
    fired: list[str] = []
    spoken = asyncio.Event()

    @kit.hook(HookTrigger.AFTER_TTS, execution=HookExecution.ASYNC)
    async def after_tts(event, ctx):  # type: ignore[no-untyped-def]
        fired.append("after_tts")
        spoken.set()

    @kit.hook(HookTrigger.ON_TTS_CANCELLED, execution=HookExecution.ASYNC)
    async def cancelled(event, ctx):  # type: ignore[no-untyped-def]
        fired.append("cancelled")

    session = await kit.join("call", "voice", participant_id="caller")
    yield Call(kit, backend, session, fired, spoken)
    await kit.leave(session)
    await kit.close()
    await stt.close()
    await tts.close()


async def test_the_answer_is_spoken_by_elevenlabs(
    call: Call, elevenlabs_fake: ElevenLabsFake
) -> None:
    call.feed(3)
    await asyncio.wait_for(call.spoken.wait(), 20)
    timeline = await call.kit.get_timeline("call")
    assert timeline[0].content.body == "Can I change my booking?"
    [synthesis] = elevenlabs_fake.syntheses
    assert synthesis.text.startswith("Of course") and synthesis.finished
    played = b"".join(bytes(f.data) for f in call.backend.frames_sent_to(call.session))
    words = synthesis.text.split()
    expected_ms = sum(elevenlabs_fake.ms_per_char * (len(w) + 1) for w in words)
    assert len(played) == pytest.approx(16000 * expected_ms / 1000 * 2, abs=len(words) * 2)


async def test_barge_in_cancels_the_elevenlabs_stream(
    call: Call, elevenlabs_fake: ElevenLabsFake
) -> None:
    elevenlabs_fake.hold_after_first()
    call.feed(3)
    async with asyncio.timeout(20):
        while not elevenlabs_fake.syntheses:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        synthesis = elevenlabs_fake.syntheses[0]
        await synthesis.first_chunk_sent.wait()
        while not call.backend.frames_sent_to(call.session):  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    call.feed(2)  # the caller talks over the agent
    async with asyncio.timeout(20):
        while not synthesis.client_hung_up:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        while "cancelled" not in call.fired:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    assert not synthesis.finished
