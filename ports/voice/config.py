"""AudioPipelineConfig: which stage adapters a voice channel's pipeline runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from roomkit.domain.voice import AGCConfig, RecordingConfig, VADConfig
from roomkit.ports.voice.recorder import AudioRecorder
from roomkit.ports.voice.stages import (
    AECProvider,
    AGCProvider,
    AudioPostProcessor,
    DenoiserProvider,
    DiarizationProvider,
    DTMFDetector,
    Resampler,
    VADProvider,
)
from roomkit.ports.voice.turns import BackchannelDetector, TurnDetector


@dataclass(frozen=True, slots=True, kw_only=True)
class AudioPipelineConfig:
    """Every stage is optional except ``vad`` (without one, no speech is ever detected)."""

    vad: VADProvider | None = None
    resampler: Resampler | None = None
    denoiser: DenoiserProvider | None = None
    diarization: DiarizationProvider | None = None
    aec: AECProvider | None = None
    agc: AGCProvider | None = None
    agc_config: AGCConfig | None = None
    dtmf: DTMFDetector | None = None
    recorder: AudioRecorder | None = None
    recording_config: RecordingConfig | None = None
    turn_detector: TurnDetector | None = None
    backchannel_detector: BackchannelDetector | None = None
    postprocessors: Sequence[AudioPostProcessor] = field(default_factory=tuple)
    vad_config: VADConfig | None = None
    #: the rate the inbound stages and STT work at; a resampler converts other backend rates
    processing_sample_rate: int = 16000
