"""Voice vocabulary and the backend port."""

from roomkit.domain.voice import (
    TranscriptionResult,
    VoiceCapability,
    VoiceSession,
    VoiceSessionState,
)
from roomkit.ports.voice import VoiceBackend

__all__ = [
    "TranscriptionResult",
    "VoiceBackend",
    "VoiceCapability",
    "VoiceSession",
    "VoiceSessionState",
]
