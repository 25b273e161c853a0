"""Registers the Gemini provider under the name "gemini"."""

from __future__ import annotations

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_gemini.config import GeminiConfig


def build(settings: GeminiConfig) -> object:
    from roomkit_gemini.provider import GeminiAIProvider

    return GeminiAIProvider(settings)


@hookimpl
def roomkit_register_ai_providers(register: Register) -> None:
    register(
        name="gemini",
        factory=build,
        settings=GeminiConfig,
        capabilities={"streaming", "tools", "vision", "thinking"},
        description="Google Gemini generateContent",
    )
