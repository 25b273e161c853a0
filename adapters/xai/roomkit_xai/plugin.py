"""Registers xAI's Grok text-to-speech under the name "grok"."""

from __future__ import annotations

from typing import Any

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_xai.config import GrokTTSConfig


class _Factory:
    """Builds providers; ``adapter_class`` is what ``get_grok_tts_provider()`` returns."""

    def __call__(self, settings: GrokTTSConfig) -> Any:
        return self.adapter_class(settings)

    @property
    def adapter_class(self) -> type:
        from roomkit_xai.provider import GrokTTSProvider

        return GrokTTSProvider


@hookimpl
def roomkit_register_tts_providers(register: Register) -> None:
    register(
        name="grok",
        factory=_Factory(),
        settings=GrokTTSConfig,
        capabilities={"streaming"},
        description="xAI Grok text-to-speech (PCM)",
    )
