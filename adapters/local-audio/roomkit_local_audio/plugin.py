"""Registers the local sound card voice backend under the name "local-audio"."""

from __future__ import annotations

from typing import Any

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register


class _Factory:
    """Builds backends; ``adapter_class`` is what ``get_local_audio_backend()`` returns."""

    def __call__(self, settings: Any = None) -> Any:
        return self.adapter_class()

    @property
    def adapter_class(self) -> type:
        from roomkit_local_audio.backend import LocalAudioBackend

        return LocalAudioBackend


@hookimpl
def roomkit_register_voice_backends(register: Register) -> None:
    register(
        name="local-audio",
        factory=_Factory(),
        capabilities={"interruption"},
        description="Local microphone and speaker (sounddevice)",
    )
