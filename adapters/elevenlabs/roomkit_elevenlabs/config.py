"""Settings of the ElevenLabs text-to-speech provider."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PCMRate = Literal[8000, 16000, 22050, 24000, 44100, 48000]


class ElevenLabsConfig(BaseModel):
    """``sample_rate`` picks the ``pcm_<rate>`` output format, so speech arrives at the
    pipeline's rate without resampling; ``base_url`` points at a proxy, a region or a fake."""

    model_config = ConfigDict(extra="forbid")

    api_key: str = Field(min_length=1)
    voice_id: str = "21m00Tcm4TlvDq8ikWAM"
    model: str = "eleven_turbo_v2"
    sample_rate: PCMRate = 16000
    stability: float | None = Field(default=None, ge=0, le=1)
    similarity_boost: float | None = Field(default=None, ge=0, le=1)
    style: float | None = Field(default=None, ge=0, le=1)
    use_speaker_boost: bool | None = None
    speed: float | None = Field(default=None, gt=0)
    language_code: str | None = None
    optimize_streaming_latency: int | None = Field(default=None, ge=0, le=4)
    frame_ms: int = Field(default=20, ge=10, le=200)
    base_url: str = "https://api.elevenlabs.io"
    timeout: float = Field(default=30.0, gt=0)
    stall_timeout: float = Field(default=10.0, gt=0)
    max_retries: int = Field(default=2, ge=0)
