"""Settings of the OpenAI-family providers."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from roomkit.domain.channel import RetryPolicy
from roomkit.ports.secrets import KeyFromEnvironment

DEFAULT_RETRY = RetryPolicy(max_retries=2, base_delay_seconds=0.5, max_delay_seconds=8)


class OpenAIConfig(KeyFromEnvironment):
    model_config = ConfigDict(extra="forbid")
    api_key_env = ("OPENAI_API_KEY",)

    api_key: SecretStr = Field(min_length=1)
    model: str = "gpt-4o"
    base_url: str | None = None
    max_tokens: int | None = Field(default=None, gt=0)
    timeout: float = Field(default=60.0, gt=0)
    retry: RetryPolicy = DEFAULT_RETRY


class AzureAIConfig(KeyFromEnvironment):
    """Azure OpenAI: the deployment name stands in for the model."""

    model_config = ConfigDict(extra="forbid")
    api_key_env = ("AZURE_OPENAI_API_KEY",)

    api_key: SecretStr = Field(min_length=1)
    azure_endpoint: str
    deployment: str
    api_version: str = "2024-10-21"
    max_tokens: int | None = Field(default=None, gt=0)
    timeout: float = Field(default=60.0, gt=0)
    retry: RetryPolicy = DEFAULT_RETRY


class VLLMConfig(KeyFromEnvironment):
    """Any OpenAI-compatible server (vLLM, llama.cpp, LM Studio...)."""

    model_config = ConfigDict(extra="forbid")
    api_key_env = ("VLLM_API_KEY",)

    base_url: str = "http://127.0.0.1:8000/v1"
    model: str
    api_key: SecretStr = SecretStr("EMPTY")
    max_tokens: int | None = Field(default=None, gt=0)
    timeout: float = Field(default=120.0, gt=0)
    retry: RetryPolicy = DEFAULT_RETRY


class OpenAIRealtimeConfig(BaseModel):
    """OpenAI Realtime (speech-to-speech). ``base_url`` is the WebSocket base URL."""

    model_config = ConfigDict(extra="forbid")

    api_key: str = Field(min_length=1)
    model: str = "gpt-4o-realtime-preview"
    base_url: str | None = None
    voice: str = "alloy"
    transcription_model: str = "gpt-4o-transcribe"
    connect_timeout: float = Field(default=10.0, gt=0)
    extra_headers: dict[str, str] = Field(default_factory=dict)

    @field_validator("base_url")
    @classmethod
    def _websocket_url(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("ws://", "wss://")):
            raise ValueError(f"base_url must be a ws:// or wss:// URL, not {url!r}")
        return url


class XAIRealtimeConfig(OpenAIRealtimeConfig):
    """xAI's realtime voice API (OpenAI Realtime protocol); ``XAIConfig`` in the docs."""

    model: str = "grok-voice-latest"
    base_url: str | None = "wss://api.x.ai/v1"
    voice: str = "Ara"


XAIConfig = XAIRealtimeConfig
