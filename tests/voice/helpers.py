"""A voice call in a room with an AI agent, on the mock backend, STT and TTS."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from roomkit import AIChannel, ChannelCategory, HookExecution, HookTrigger, RoomKit, VoiceChannel
from roomkit.providers.ai.mock import MockAIProvider
from roomkit.voice.audio_frame import AudioFrame
from roomkit.voice.backends.mock import MockVoiceBackend
from roomkit.voice.base import VoiceSession
from roomkit.voice.interruption import InterruptionConfig
from roomkit.voice.pipeline import AudioPipelineConfig, MockVADProvider, VADEvent, VADEventType
from roomkit.voice.stt.mock import MockSTTProvider
from roomkit.voice.tts.mock import MockTTSProvider

START = VADEvent(type=VADEventType.SPEECH_START)
END = VADEvent(type=VADEventType.SPEECH_END)

VOICE_TRIGGERS = [
    HookTrigger.ON_SPEECH_START,
    HookTrigger.ON_SPEECH_END,
    HookTrigger.ON_TRANSCRIPTION,
    HookTrigger.AFTER_TTS,
    HookTrigger.ON_BARGE_IN,
    HookTrigger.ON_TTS_CANCELLED,
    HookTrigger.ON_DTMF,
    HookTrigger.ON_SPEAKER_CHANGE,
    HookTrigger.ON_TURN_COMPLETE,
    HookTrigger.ON_TURN_INCOMPLETE,
    HookTrigger.ON_BACKCHANNEL,
    HookTrigger.ON_RECORDING_STARTED,
    HookTrigger.ON_RECORDING_STOPPED,
    HookTrigger.ON_INPUT_AUDIO_LEVEL,
    HookTrigger.ON_OUTPUT_AUDIO_LEVEL,
    HookTrigger.ON_ERROR,
]


def frame(ms: int = 20, rate: int = 16000, value: int = 0) -> AudioFrame:
    samples = rate * ms // 1000
    return AudioFrame(value.to_bytes(2, "little", signed=True) * samples, rate)


def utterance(speech_frames: int) -> list[VADEvent | None]:
    """VAD script for one utterance: start, ``speech_frames`` frames of speech, end."""
    return [START, *[None] * speech_frames, END]


@dataclass
class Call:
    kit: RoomKit
    voice: VoiceChannel
    backend: MockVoiceBackend
    stt: MockSTTProvider
    tts: MockTTSProvider
    ai: MockAIProvider
    vad: MockVADProvider
    session: VoiceSession | None = None
    fired: list[tuple[str, Any]] = field(default_factory=list)

    def feed(self, count: int, **kwargs: Any) -> None:
        for _ in range(count):
            self.backend.simulate_audio_received(self.session, frame(**kwargs))

    def triggers(self) -> list[str]:
        return [name for name, _ in self.fired]

    def payloads(self, trigger: HookTrigger) -> list[Any]:
        return [p for name, p in self.fired if name == trigger.value]

    def sent(self) -> list[AudioFrame]:
        assert self.session is not None
        return self.backend.frames_sent_to(self.session)

    async def texts(self) -> list[tuple[str, str]]:
        timeline = await self.kit.get_timeline("call", limit=100)
        return [(e.source.channel_id, e.content.body) for e in timeline if e.content.type == "text"]


async def start_call(
    vad_script: Sequence[VADEvent | None],
    *,
    transcripts: Sequence[str] = ("Hello",),
    replies: Sequence[str] = ("Hi there",),
    interruption: InterruptionConfig | None = None,
    pipeline: dict[str, Any] | None = None,
    tts: MockTTSProvider | None = None,
    backend: MockVoiceBackend | None = None,
    stt: MockSTTProvider | None = None,
) -> Call:
    kit = RoomKit()
    backend = backend or MockVoiceBackend()
    stt = stt or MockSTTProvider(transcriptions=list(transcripts))
    tts = tts or MockTTSProvider()
    vad = MockVADProvider(events=list(vad_script))
    voice = VoiceChannel(
        "voice",
        stt=stt,
        tts=tts,
        backend=backend,
        pipeline=AudioPipelineConfig(vad=vad, **(pipeline or {})),
        interruption=interruption,
    )
    ai = MockAIProvider(responses=list(replies))
    kit.register_channel(voice)
    kit.register_channel(AIChannel("ai", provider=ai))
    await kit.create_room(room_id="call")
    await kit.attach_channel("call", "voice")
    await kit.attach_channel("call", "ai", category=ChannelCategory.INTELLIGENCE)
    call = Call(kit, voice, backend, stt, tts, ai, vad)
    for trigger in VOICE_TRIGGERS:
        kit.hook(trigger, execution=HookExecution.ASYNC)(_recorder(call, trigger))
    call.session = await kit.join("call", "voice", participant_id="caller")
    return call


def _recorder(call: Call, trigger: HookTrigger) -> Callable[..., Any]:
    async def record(event: Any, ctx: Any) -> None:
        call.fired.append((trigger.value, event))

    record.__name__ = f"record_{trigger.value}"
    return record


async def eventually(check: Callable[[], Any], limit: float = 15.0) -> None:
    async with asyncio.timeout(limit):
        while not check():  # noqa: ASYNC110 - polling a condition set elsewhere
            await asyncio.sleep(0.005)


async def settle(call: Call, rounds: int = 20) -> None:
    """Let queued frames and events be handled (for asserting that something did NOT happen)."""
    assert call.session is not None
    runner = call.voice.runner(call.session)
    assert runner is not None
    for _ in range(rounds):
        await asyncio.sleep(0.01)
