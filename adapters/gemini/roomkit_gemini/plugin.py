"""Registers the Gemini provider under the name "gemini" and Gemini Live as "gemini-live"."""

from __future__ import annotations

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_gemini.config import GeminiConfig, GeminiLiveConfig


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


class _LiveFactory:
    """Builds GeminiLiveProvider from settings; ``adapter_class`` is what
    ``roomkit.voice.get_gemini_live_provider()`` returns (imported on first use)."""

    @property
    def adapter_class(self) -> type:
        from roomkit_gemini.live import GeminiLiveProvider

        return GeminiLiveProvider

    def __call__(self, settings: GeminiLiveConfig) -> object:
        return self.adapter_class(settings)


@hookimpl
def roomkit_register_realtime_voice_providers(register: Register) -> None:
    register(
        name="gemini-live",
        factory=_LiveFactory(),
        settings=GeminiLiveConfig,
        capabilities={"tools", "server_vad", "resumption_handle"},
        description="Google Gemini Live speech-to-speech",
    )
