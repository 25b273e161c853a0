"""Registers the ElevenLabs text-to-speech provider under the name "elevenlabs"."""

from __future__ import annotations

from typing import Any

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_elevenlabs.config import ElevenLabsConfig


class _Factory:
    """Builds providers; ``adapter_class`` is what ``get_elevenlabs_provider()`` returns."""

    def __call__(self, settings: ElevenLabsConfig) -> Any:
        return self.adapter_class(settings)

    @property
    def adapter_class(self) -> type:
        from roomkit_elevenlabs.provider import ElevenLabsTTSProvider

        return ElevenLabsTTSProvider


@hookimpl
def roomkit_register_tts_providers(register: Register) -> None:
    register(
        name="elevenlabs",
        factory=_Factory(),
        settings=ElevenLabsConfig,
        capabilities={"streaming"},
        description="ElevenLabs streamed text-to-speech (PCM)",
    )
