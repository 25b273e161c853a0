"""Registers "openai", "azure-openai" and "vllm" AI providers."""

from __future__ import annotations

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_openai.config import AzureAIConfig, OpenAIConfig, VLLMConfig


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
