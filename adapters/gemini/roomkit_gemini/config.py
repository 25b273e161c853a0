"""Settings of the Gemini provider."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from roomkit.domain.channel import RetryPolicy
from roomkit.ports.secrets import KeyFromEnvironment


class GeminiConfig(KeyFromEnvironment):
    model_config = ConfigDict(extra="forbid")
    api_key_env = ("GEMINI_API_KEY", "GOOGLE_API_KEY")

    api_key: SecretStr = Field(min_length=1)
    model: str = "gemini-2.0-flash"
    base_url: str | None = None
    api_version: str = "v1beta"
    max_tokens: int | None = Field(default=None, gt=0)
    timeout: float = Field(default=60.0, gt=0)
    retry: RetryPolicy = RetryPolicy(max_retries=2, base_delay_seconds=0.5, max_delay_seconds=8)


class GeminiLiveConfig(BaseModel):
    """Gemini Live (speech-to-speech). ``base_url`` is the WebSocket base URL."""

    model_config = ConfigDict(extra="forbid")

    api_key: str = Field(min_length=1)
    model: str = "gemini-2.0-flash-live-001"
    base_url: str | None = None
    api_version: str = "v1beta"
    voice: str | None = None
    connect_timeout: float = Field(default=10.0, gt=0)

    @field_validator("base_url")
    @classmethod
    def _websocket_url(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("ws://", "wss://")):
            raise ValueError(f"base_url must be a ws:// or wss:// URL, not {url!r}")
        return url
