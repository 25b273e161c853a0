"""The pipeline engine: stage order, capability-aware skipping, metadata, per-session stages."""

from __future__ import annotations

from roomkit import HookTrigger, RoomKit
from roomkit.domain.voice import DiarizationResult, DTMFEvent
from roomkit.voice.audio_frame import AudioFrame
from roomkit.voice.backends.mock import MockVoiceBackend
from roomkit.voice.base import VoiceCapability
from roomkit.voice.pipeline import (
    AudioPipeline,
    AudioPipelineConfig,
    MockAECProvider,
    MockAGCProvider,
    MockAudioRecorder,
    MockDenoiserProvider,
    MockDiarizationProvider,
    MockDTMFDetector,
    MockPostProcessor,
    MockResampler,
    MockVADProvider,
    RecordingConfig,
    VADEvent,
    VADEventType,
)
from roomkit.voice.stt.mock import MockSTTProvider
from roomkit.voice.tts.mock import MockTTSProvider

from .helpers import eventually, frame, start_call, utterance


def full_config(**overrides: object) -> AudioPipelineConfig:
    values: dict[str, object] = {
        "resampler": MockResampler(),
        "recorder": MockAudioRecorder(),
        "dtmf": MockDTMFDetector(events=[DTMFEvent(digit="7")]),
        "aec": MockAECProvider(),
        "agc": MockAGCProvider(),
        "denoiser": MockDenoiserProvider(),
        "vad": MockVADProvider(events=[VADEvent(type=VADEventType.SPEECH_START)]),
        "diarization": MockDiarizationProvider(results=[DiarizationResult(speaker_id="s1")]),
        "postprocessors": [MockPostProcessor()],
    }
    values.update(overrides)
    return AudioPipelineConfig(**values)  # type: ignore[arg-type]


def test_the_stage_order_is_the_documented_one() -> None:
    config = full_config()
    recording = config.recorder.start("s", RecordingConfig())  # type: ignore[union-attr]
    pipeline = AudioPipeline(config, backend_rate=8000, recording=recording)
    assert pipeline.inbound_stages == [
        "resampler", "recorder", "dtmf", "aec", "agc", "denoiser", "vad", "diarization",
    ]  # fmt: skip
    assert pipeline.outbound_stages == ["postprocessor", "recorder", "aec_reference", "resampler"]
    out, report = pipeline.process_inbound(frame(rate=8000))
    assert out.sample_rate == 16000
    assert report.dtmf is not None and report.dtmf.digit == "7"
    assert report.vad is not None and report.speaker is not None
    assert out.metadata == {
        "resampler": (8000, 16000),
        "dtmf": "7",
        "aec": True,
        "agc": True,
        "denoiser": True,
        "vad": "speech_start",
        "diarization": "s1",
    }
    played = pipeline.process_outbound(frame())
    assert played.sample_rate == 8000  # back at the backend's rate
    [reference] = config.aec.references  # type: ignore[union-attr]
    assert reference.data == frame().data and reference.sample_rate == 16000


def test_native_aec_and_agc_skip_those_stages() -> None:
    config = full_config()
    pipeline = AudioPipeline(
        config, capabilities=VoiceCapability.NATIVE_AEC | VoiceCapability.NATIVE_AGC
    )
    assert "aec" not in pipeline.inbound_stages and "agc" not in pipeline.inbound_stages
    assert "aec_reference" not in pipeline.outbound_stages
    out, _ = pipeline.process_inbound(frame())
    assert out.metadata["aec"] == "skipped (native)" and out.metadata["agc"] == "skipped (native)"
    assert config.aec.frames == [] and config.agc.frames == []  # type: ignore[union-attr]


async def test_recording_speaker_changes_and_levels_fire_their_hooks() -> None:
    recorder = MockAudioRecorder()
    diarization = MockDiarizationProvider(
        results=[DiarizationResult(speaker_id="a"), None, DiarizationResult(speaker_id="a"),
                 DiarizationResult(speaker_id="b")]
    )  # fmt: skip
    call = await start_call(
        utterance(2), pipeline={"recorder": recorder, "diarization": diarization}
    )
    assert call.payloads(HookTrigger.ON_RECORDING_STARTED)
    call.feed(10, value=1000)
    await eventually(lambda: len(call.payloads(HookTrigger.ON_SPEAKER_CHANGE)) == 2)
    speakers = [p.data["speaker_id"] for p in call.payloads(HookTrigger.ON_SPEAKER_CHANGE)]
    assert speakers == ["a", "b"]
    await eventually(lambda: call.payloads(HookTrigger.ON_INPUT_AUDIO_LEVEL))
    level = call.payloads(HookTrigger.ON_INPUT_AUDIO_LEVEL)[0].data["level_db"]
    assert -31 < level < -30  # 1000/32768 full scale
    await eventually(lambda: call.payloads(HookTrigger.AFTER_TTS))
    output_level = call.payloads(HookTrigger.ON_OUTPUT_AUDIO_LEVEL)[0].data["level_db"]
    assert -24 < output_level < -23  # the mock TTS's sine of amplitude 3000
    await call.kit.leave(call.session)
    [stopped] = call.payloads(HookTrigger.ON_RECORDING_STOPPED)
    [result] = recorder.stopped
    assert stopped.data["recording_id"] == result.id
    assert result.inbound_bytes == 10 * 640 and result.outbound_bytes > 0
    await call.kit.close()


async def test_each_session_gets_its_own_stage_instances() -> None:
    class CountingAGC(MockAGCProvider):
        instances = 0

        def new_stream(self):  # type: ignore[no-untyped-def]
            CountingAGC.instances += 1
            return CountingAGC()

    call = await start_call([], pipeline={"agc": CountingAGC()})
    await call.kit.join("call", "voice", participant_id="two")
    assert CountingAGC.instances == 2
    await call.kit.close()


async def test_kit_transcribe_and_synthesize_use_the_kit_providers() -> None:
    kit = RoomKit(stt=MockSTTProvider(transcriptions=["hello"]), tts=MockTTSProvider())
    assert (await kit.transcribe(b"\x00\x00" * 160)).text == "hello"
    assert (await kit.transcribe(AudioFrame(b"\x00\x00" * 80, 8000))).text == "hello"
    audio = await kit.synthesize("two words", voice="alto")
    assert audio.duration_ms == 80 and audio.sample_rate == 16000
    assert kit.tts.calls == [("two words", "alto")]


async def test_the_backend_rate_of_the_session_is_respected() -> None:
    backend = MockVoiceBackend()
    call = await start_call(utterance(1), backend=backend, pipeline={"resampler": MockResampler()})
    call.feed(3)
    await eventually(lambda: call.sent())
    assert {f.sample_rate for f in call.sent()} == {16000}
    await call.kit.close()
