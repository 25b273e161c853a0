"""Settings of the Deepgram speech-to-text provider."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class DeepgramConfig(BaseModel):
    """``base_url`` serves pre-recorded requests, ``ws_base_url`` live streaming; point both at a
    proxy, a regional endpoint or a fake."""

    model_config = ConfigDict(extra="forbid")

    api_key: str = Field(min_length=1)
    model: str = "nova-2"
    language: str | None = "en"
    punctuate: bool = True
    smart_format: bool = False
    keywords: list[str] = Field(default_factory=list)
    interim_results: bool = True
    endpointing_ms: int | None = Field(default=300, ge=10)
    utterance_end_ms: int | None = Field(default=1000, ge=1000)
    vad_events: bool = True
    base_url: str = "https://api.deepgram.com"
    ws_base_url: str = "wss://api.deepgram.com"
    timeout: float = Field(default=30.0, gt=0)
    max_retries: int = Field(default=2, ge=0)
    keepalive_interval: float = Field(default=5.0, gt=0)
    reconnect_attempts: int = Field(default=3, ge=0)
    reconnect_base_delay: float = Field(default=0.25, ge=0)
    reconnect_max_delay: float = Field(default=4.0, ge=0)
    finalize_timeout: float = Field(default=5.0, gt=0)
