"""Registers "openai", "azure-openai" and "vllm" AI providers, and the "openai-realtime" and
"xai-realtime" speech-to-speech providers."""

from __future__ import annotations

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_openai.config import (
    AzureAIConfig,
    OpenAIConfig,
    OpenAIRealtimeConfig,
    VLLMConfig,
    XAIRealtimeConfig,
)


def build_openai(settings: OpenAIConfig) -> object:
    from roomkit_openai.provider import OpenAIAIProvider

    return OpenAIAIProvider(settings)


def build_azure(settings: AzureAIConfig) -> object:
    from roomkit_openai.provider import AzureAIProvider

    return AzureAIProvider(settings)


def build_vllm(settings: VLLMConfig) -> object:
    from roomkit_openai.provider import create_vllm_provider

    return create_vllm_provider(settings)


@hookimpl
def roomkit_register_ai_providers(register: Register) -> None:
    capabilities = {"streaming", "tools", "vision"}
    register(
        name="openai",
        factory=build_openai,
        settings=OpenAIConfig,
        capabilities=capabilities,
        description="OpenAI chat completions",
    )
    register(
        name="azure-openai",
        factory=build_azure,
        settings=AzureAIConfig,
        capabilities=capabilities,
        description="Azure OpenAI deployments",
    )
    register(
        name="vllm",
        factory=build_vllm,
        settings=VLLMConfig,
        capabilities={"streaming", "tools"},
        description="Any OpenAI-compatible server",
    )


class _RealtimeFactory:
    """Builds a realtime provider from settings; ``adapter_class`` is what
    ``roomkit.voice.get_openai_realtime_provider()`` returns (imported on first use)."""

    def __init__(self, class_name: str) -> None:
        self.class_name = class_name

    @property
    def adapter_class(self) -> type:
        from roomkit_openai import realtime

        cls: type = getattr(realtime, self.class_name)
        return cls

    def __call__(self, settings: OpenAIRealtimeConfig) -> object:
        return self.adapter_class(settings)


@hookimpl
def roomkit_register_realtime_voice_providers(register: Register) -> None:
    register(
        name="openai-realtime",
        factory=_RealtimeFactory("OpenAIRealtimeProvider"),
        settings=OpenAIRealtimeConfig,
        capabilities={"tools", "server_vad", "resumption"},
        description="OpenAI Realtime speech-to-speech",
    )
    register(
        name="xai-realtime",
        factory=_RealtimeFactory("XAIRealtimeProvider"),
        settings=XAIRealtimeConfig,
        capabilities={"tools", "server_vad", "resumption"},
        description="xAI Grok speech-to-speech (OpenAI Realtime protocol)",
    )
