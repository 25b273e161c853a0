"""Registers the Mistral provider under the name "mistral"."""

from __future__ import annotations

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_mistral.config import MistralConfig


def build(settings: MistralConfig) -> object:
    from roomkit_mistral.provider import MistralAIProvider

    return MistralAIProvider(settings)


@hookimpl
def roomkit_register_ai_providers(register: Register) -> None:
    register(
        name="mistral",
        factory=build,
        settings=MistralConfig,
        capabilities={"streaming", "tools", "vision"},
        description="Mistral chat completions",
    )
