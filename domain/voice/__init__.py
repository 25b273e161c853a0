"""Voice vocabulary: audio frames, speech events, sessions and the settings of a voice call."""

from roomkit.domain.voice.audio import SUPPORTED_SAMPLE_RATES, AudioFormatError, AudioFrame
from roomkit.domain.voice.events import (
    DTMF_DIGITS,
    BackchannelDecision,
    DiarizationResult,
    DTMFEvent,
    TranscriptionResult,
    TurnDecision,
    VADEvent,
    VADEventType,
    VoiceHookEvent,
)
from roomkit.domain.voice.session import (
    AGCConfig,
    InterruptionConfig,
    InterruptionStrategy,
    RecordingConfig,
    RecordingMode,
    VADConfig,
    VoiceCapability,
    VoiceSession,
    VoiceSessionState,
)

__all__ = [
    "DTMF_DIGITS",
    "SUPPORTED_SAMPLE_RATES",
    "AGCConfig",
    "AudioFormatError",
    "AudioFrame",
    "BackchannelDecision",
    "DTMFEvent",
    "DiarizationResult",
    "InterruptionConfig",
    "InterruptionStrategy",
    "RecordingConfig",
    "RecordingMode",
    "TranscriptionResult",
    "TurnDecision",
    "VADConfig",
    "VADEvent",
    "VADEventType",
    "VoiceCapability",
    "VoiceHookEvent",
    "VoiceSession",
    "VoiceSessionState",
]
