"""What the voice stages report: speech edges, transcripts, tones, speakers, turn decisions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from roomkit.domain.base import Model, utcnow
from roomkit.domain.content import TextContent


class VADEventType(StrEnum):
    SPEECH_START = "speech_start"
    SPEECH_END = "speech_end"
    SILENCE = "silence"
    AUDIO_LEVEL = "audio_level"


class VADEvent(Model):
    """A VAD decision for one frame. SPEECH_END carries the utterance's audio."""

    type: VADEventType
    audio_bytes: bytes | None = None
    confidence: float | None = None
    duration_ms: float | None = None
    level_db: float | None = None


class TranscriptionResult(Model):
    text: str
    is_final: bool = True
    confidence: float | None = None
    language: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class DTMFEvent(Model):
    digit: str
    duration_ms: float = 0.0
    timestamp_ms: float | None = None

    def model_post_init(self, __context: Any) -> None:
        if self.digit not in DTMF_DIGITS:
            raise ValueError(f"{self.digit!r} is not a DTMF digit; use one of {DTMF_DIGITS}")


DTMF_DIGITS = "0123456789*#ABCD"


class DiarizationResult(Model):
    speaker_id: str
    confidence: float | None = None
    is_new_speaker: bool = False


class TurnDecision(Model):
    """A turn detector's verdict on the transcript gathered so far."""

    is_complete: bool
    confidence: float | None = None
    reason: str | None = None


class BackchannelDecision(Model):
    is_backchannel: bool
    confidence: float | None = None


class VoiceHookEvent(Model):
    """The payload of voice hooks (ON_SPEECH_START, ON_DTMF, ON_BARGE_IN, ...).

    ``data`` holds what the trigger reports (``digit`` for ON_DTMF, ``text`` for
    ON_TRANSCRIPTION, ``level_db`` for the level triggers); ``content`` is the transcript or the
    spoken text where there is one.
    """

    trigger: str
    session_id: str | None
    room_id: str
    channel_id: str
    participant_id: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    content: TextContent | None = None
    created_at: datetime = Field(default_factory=utcnow)
