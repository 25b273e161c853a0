"""The voice ports: a backend, STT, TTS and one port per audio stage."""

from roomkit.ports.voice.backend import AudioCallback, DTMFCallback, SessionCallback, VoiceBackend
from roomkit.ports.voice.config import AudioPipelineConfig
from roomkit.ports.voice.recorder import AudioRecorder, RecordingHandle, RecordingResult
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
from roomkit.ports.voice.stt import STTProvider
from roomkit.ports.voice.tts import TTSProvider
from roomkit.ports.voice.turns import (
    BackchannelContext,
    BackchannelDetector,
    TurnContext,
    TurnDetector,
)

__all__ = [
    "AECProvider",
    "AGCProvider",
    "AudioCallback",
    "AudioPipelineConfig",
    "AudioPostProcessor",
    "AudioRecorder",
    "BackchannelContext",
    "BackchannelDetector",
    "DTMFCallback",
    "DTMFDetector",
    "DenoiserProvider",
    "DiarizationProvider",
    "RecordingHandle",
    "RecordingResult",
    "Resampler",
    "STTProvider",
    "SessionCallback",
    "TTSProvider",
    "TurnContext",
    "TurnDetector",
    "VADProvider",
    "VoiceBackend",
]
