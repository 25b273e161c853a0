"""A telephone call through VoiceChannel with the numpy stages: 8 kHz caller audio resampled to
16 kHz, real VAD on a speech-like signal, a key press heard by the Goertzel detector, the call
recorded to a WAV file; mock STT, AI and TTS."""

from __future__ import annotations

import asyncio
import wave
from pathlib import Path
from typing import Any

import numpy as np

from roomkit import AIChannel, ChannelCategory, HookExecution, HookTrigger, RoomKit, VoiceChannel
from roomkit.providers.ai.mock import MockAIProvider
from roomkit.voice.audio_frame import AudioFrame
from roomkit.voice.backends.mock import MockVoiceBackend
from roomkit.voice.pipeline import AudioPipelineConfig, RecordingConfig
from roomkit.voice.pipeline.dtmf import GoertzelDTMFProvider
from roomkit.voice.pipeline.recorder import WavAudioRecorder
from roomkit.voice.pipeline.resampler import LinearResamplerProvider
from roomkit.voice.pipeline.vad import EnergyVADProvider
from roomkit.voice.stt.mock import MockSTTProvider
from roomkit.voice.tts.mock import MockTTSProvider
from roomkit_audio.dsp import signals

RATE = 8000
FRAME = RATE * 20 // 1000


def frames(pcm: np.ndarray) -> list[AudioFrame]:
    data = pcm.astype("<i2").tobytes()
    step = FRAME * 2
    return [AudioFrame(data[i : i + step], RATE) for i in range(0, len(data) - step + 1, step)]


async def eventually(check: Any, limit: float = 20.0) -> None:
    async with asyncio.timeout(limit):
        while not check():  # noqa: ASYNC110 - polling state set by the session's tasks
            await asyncio.sleep(0.01)


async def test_a_phone_call_with_real_signal_processing(tmp_path: Path) -> None:
    kit = RoomKit()
    backend = MockVoiceBackend()
    stt = MockSTTProvider(transcriptions=["I would like to pay my bill"])
    tts = MockTTSProvider()
    recorder = WavAudioRecorder(tmp_path)
    voice = VoiceChannel(
        "phone",
        stt=stt,
        tts=tts,
        backend=backend,
        pipeline=AudioPipelineConfig(
            resampler=LinearResamplerProvider(),
            vad=EnergyVADProvider(),
            dtmf=GoertzelDTMFProvider(),
            recorder=recorder,
            recording_config=RecordingConfig(sample_rate=16000),
        ),
    )
    kit.register_channel(voice)
    kit.register_channel(AIChannel("ai", provider=MockAIProvider(responses=["Sure."])))
    await kit.create_room(room_id="call")
    await kit.attach_channel("call", "phone")
    await kit.attach_channel("call", "ai", category=ChannelCategory.INTELLIGENCE)
    digits: list[str] = []
    speech: list[str] = []
    stopped: list[Any] = []

    @kit.hook(HookTrigger.ON_DTMF, execution=HookExecution.ASYNC)
    async def on_dtmf(event: Any, ctx: Any) -> None:
        digits.append(event.data["digit"])

    @kit.hook(HookTrigger.ON_SPEECH_START, execution=HookExecution.ASYNC)
    async def on_start(event: Any, ctx: Any) -> None:
        speech.append("start")

    @kit.hook(HookTrigger.ON_SPEECH_END, execution=HookExecution.ASYNC)
    async def on_end(event: Any, ctx: Any) -> None:
        speech.append("end")

    @kit.hook(HookTrigger.ON_RECORDING_STOPPED, execution=HookExecution.ASYNC)
    async def on_stopped(event: Any, ctx: Any) -> None:
        stopped.append(event.data)

    session = await kit.join("call", "phone", participant_id="+15550001")
    caller = np.concatenate(
        [
            signals.silence(0.5, RATE),
            signals.dtmf_pair("7", 0.12, RATE, level_dbfs=-12.0),
            signals.silence(0.5, RATE),
            signals.speech_like(1.2, RATE),
            signals.silence(1.2, RATE),
        ]
    )
    sent = frames(caller)
    for frame in sent:  # paced like a phone line: the session takes each frame in turn
        backend.simulate_audio_received(session, frame)
        await asyncio.sleep(0)
    await eventually(lambda: backend.frames_sent_to(session))
    runner = voice.runner(session)
    assert runner is not None and runner.stats.frames_dropped == 0
    assert digits == ["7"]
    assert speech == ["start", "end", "start", "end"]  # the key press is heard as sound too
    [utterance] = stt.calls
    assert utterance.sample_rate == 16000
    assert 1000 <= utterance.duration_ms <= 2000  # the 1.2 s utterance with pre-roll
    texts = [(e.source.channel_id, e.content.body) for e in await kit.get_timeline("call")]
    assert texts == [("phone", "I would like to pay my bill"), ("ai", "Sure.")]
    await eventually(lambda: len(backend.frames_sent_to(session)) == 2)
    await kit.leave(session)
    [result] = stopped
    with wave.open(result["path"], "rb") as wav:
        assert wav.getframerate() == 16000 and wav.getsampwidth() == 2
        assert wav.getnchannels() == 2  # caller left, agent right
        assert wav.getnframes() == len(sent) * 320  # every caller frame, at 16 kHz
    await kit.close()
