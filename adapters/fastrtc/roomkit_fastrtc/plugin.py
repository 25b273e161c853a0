"""Registers the WebRTC voice backend under the name "fastrtc"."""

from __future__ import annotations

from typing import Any

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register


class _Factory:
    """Builds backends; ``adapter_class`` is what ``get_fastrtc_backend()`` returns."""

    def __call__(self, settings: Any = None) -> Any:
        return self.adapter_class()

    @property
    def adapter_class(self) -> type:
        from roomkit_fastrtc.backend import FastRTCVoiceBackend

        return FastRTCVoiceBackend


@hookimpl
def roomkit_register_voice_backends(register: Register) -> None:
    register(
        name="fastrtc",
        factory=_Factory(),
        capabilities={"native_aec", "native_agc", "interruption"},
        description="Browser voice over WebRTC (aiortc, Opus)",
    )
