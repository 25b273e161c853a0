"""Settings of the Gemini provider."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from roomkit.domain.channel import RetryPolicy


class GeminiConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    api_key: str = Field(min_length=1)
    model: str = "gemini-2.0-flash"
    base_url: str | None = None
    api_version: str = "v1beta"
    max_tokens: int | None = Field(default=None, gt=0)
    timeout: float = Field(default=60.0, gt=0)
    retry: RetryPolicy = RetryPolicy(max_retries=2, base_delay_seconds=0.5, max_delay_seconds=8)
