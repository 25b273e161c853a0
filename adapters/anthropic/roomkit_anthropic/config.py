"""Settings of the Anthropic provider."""

from __future__ import annotations

from pydantic import ConfigDict, Field, SecretStr

from roomkit.domain.channel import RetryPolicy
from roomkit.ports.secrets import KeyFromEnvironment


class AnthropicConfig(KeyFromEnvironment):
    model_config = ConfigDict(extra="forbid")
    api_key_env = ("ANTHROPIC_API_KEY",)

    api_key: SecretStr = Field(min_length=1)
    model: str = "claude-sonnet-4-20250514"
    base_url: str | None = None
    max_tokens: int = Field(default=1024, gt=0)
    timeout: float = Field(default=60.0, gt=0)
    retry: RetryPolicy = RetryPolicy(max_retries=2, base_delay_seconds=0.5, max_delay_seconds=8)
