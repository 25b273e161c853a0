"""Settings of the xAI (Grok) text-to-speech provider."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PCMRate = Literal[8000, 16000, 22050, 24000, 44100, 48000]


class GrokTTSConfig(BaseModel):
    """Speech is asked for as raw 16-bit PCM at ``sample_rate``; ``base_url`` points at a proxy
    or a fake."""

    model_config = ConfigDict(extra="forbid")

    api_key: str = Field(min_length=1)
    voice: str = "eve"
    language: str = "en"
    sample_rate: PCMRate = 16000
    speed: float | None = Field(default=None, ge=0.7, le=1.5)
    optimize_streaming_latency: int | None = Field(default=None, ge=0, le=2)
    frame_ms: int = Field(default=20, ge=10, le=200)
    base_url: str = "https://api.x.ai"
    timeout: float = Field(default=30.0, gt=0)
    stall_timeout: float = Field(default=10.0, gt=0)
    max_text_chars: int = Field(default=15000, gt=0)
