"""Registers the Anthropic provider under the name "anthropic"."""

from __future__ import annotations

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_anthropic.config import AnthropicConfig


def build(settings: AnthropicConfig) -> object:
    from roomkit_anthropic.provider import AnthropicAIProvider

    return AnthropicAIProvider(settings)


@hookimpl
def roomkit_register_ai_providers(register: Register) -> None:
    register(
        name="anthropic",
        factory=build,
        settings=AnthropicConfig,
        capabilities={"streaming", "tools", "vision", "thinking"},
        description="Anthropic Claude over the Messages API",
    )
