"""Registers the Deepgram speech-to-text provider under the name "deepgram"."""

from __future__ import annotations

from typing import Any

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_deepgram.config import DeepgramConfig


def build(settings: DeepgramConfig) -> Any:
    from roomkit_deepgram.provider import DeepgramSTTProvider

    return DeepgramSTTProvider(settings)


def _provider_class() -> type:
    from roomkit_deepgram.provider import DeepgramSTTProvider

    return DeepgramSTTProvider


class _Factory:
    """Builds providers; ``adapter_class`` is what ``roomkit.voice.get_deepgram_provider()``
    returns."""

    def __call__(self, settings: DeepgramConfig) -> Any:
        return build(settings)

    @property
    def adapter_class(self) -> type:
        return _provider_class()


@hookimpl
def roomkit_register_stt_providers(register: Register) -> None:
    register(
        name="deepgram",
        factory=_Factory(),
        settings=DeepgramConfig,
        capabilities={"prerecorded", "streaming", "interim_results"},
        description="Deepgram speech-to-text (pre-recorded and live)",
    )
