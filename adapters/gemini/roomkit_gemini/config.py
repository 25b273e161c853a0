"""Settings of the Gemini provider."""

from __future__ import annotations

from pydantic import ConfigDict, Field, SecretStr

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
