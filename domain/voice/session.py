"""A voice session and the settings that shape a call: interruption, VAD, gain, recording."""

from __future__ import annotations

from datetime import datetime
from enum import Flag, StrEnum, auto
from typing import Any, Literal

from pydantic import Field, field_validator

from roomkit.domain.base import Model, new_id, utcnow
from roomkit.domain.voice.audio import SUPPORTED_SAMPLE_RATES


class VoiceCapability(Flag):
    """What a backend does itself, so the pipeline can skip the matching stage."""

    NONE = 0
    INTERRUPTION = auto()
    BARGE_IN = auto()
    NATIVE_AEC = auto()
    NATIVE_AGC = auto()
    DTMF_SIGNALING = auto()


class VoiceSessionState(StrEnum):
    CONNECTING = "connecting"
    ACTIVE = "active"
    ENDED = "ended"


class VoiceSession(Model):
    id: str = Field(default_factory=new_id)
    room_id: str
    participant_id: str
    channel_id: str
    state: VoiceSessionState = VoiceSessionState.ACTIVE
    sample_rate: int = 16000
    metadata: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=utcnow)


class InterruptionStrategy(StrEnum):
    IMMEDIATE = "immediate"
    CONFIRMED = "confirmed"
    SEMANTIC = "semantic"
    DISABLED = "disabled"


class InterruptionConfig(Model):
    strategy: InterruptionStrategy = InterruptionStrategy.CONFIRMED
    min_speech_ms: float = Field(default=300, ge=0)


class VADConfig(Model):
    silence_threshold_ms: float = Field(default=500, gt=0)
    min_speech_ms: float = Field(default=100, ge=0)
    speech_pad_ms: float = Field(default=200, ge=0)
    threshold: float | None = None


class AGCConfig(Model):
    target_level_dbfs: float = Field(default=-18.0, le=0)
    max_gain_db: float = Field(default=30.0, ge=0)
    attack_ms: float = Field(default=10.0, gt=0)
    release_ms: float = Field(default=200.0, gt=0)


class RecordingMode(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    BOTH = "both"


class RecordingConfig(Model):
    format: Literal["wav"] = "wav"
    sample_rate: int = 16000
    channels: Literal[1, 2] = 1
    mode: RecordingMode = RecordingMode.BOTH
    directory: str | None = None

    @field_validator("sample_rate")
    @classmethod
    def _known_rate(cls, rate: int) -> int:
        if rate not in SUPPORTED_SAMPLE_RATES:
            raise ValueError(f"unsupported sample rate {rate} Hz")
        return rate
