"""Settings of the Deepgram speech-to-text provider."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class DeepgramConfig(BaseModel):
    """``base_url`` serves pre-recorded requests, ``ws_base_url`` live streaming; point both at a
    proxy, a regional endpoint or a fake (given ``base_url`` alone, live streaming goes to the
    same host over ``ws``/``wss``). ``streaming=False`` makes a voice channel send each
    utterance whole once it ends instead of streaming it while it is spoken."""

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
    streaming: bool = True

    @model_validator(mode="before")
    @classmethod
    def _live_follows_base_url(cls, data: Any) -> Any:
        if isinstance(data, dict) and "base_url" in data and "ws_base_url" not in data:
            base = str(data["base_url"])
            if base.startswith(("http://", "https://")):
                data = {**data, "ws_base_url": "ws" + base[len("http") :]}
        return data
