"""Registers the WebRTC voice backend and the WebRTC realtime transport, both as "fastrtc"."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register


class FastRTCRealtimeSettings(BaseModel):
    """Settings of ``FastRTCRealtimeTransport`` (for ``RoomKit.from_config``)."""

    model_config = ConfigDict(extra="forbid")

    sample_rate: int = 24000
    ice_servers: list[str] = Field(default_factory=list)
    max_buffer_seconds: float = Field(default=300.0, gt=0)


class _Factory:
    """Builds backends; ``adapter_class`` is what ``get_fastrtc_backend()`` returns."""

    def __call__(self, settings: Any = None) -> Any:
        return self.adapter_class()

    @property
    def adapter_class(self) -> type:
        from roomkit_fastrtc.backend import FastRTCVoiceBackend

        return FastRTCVoiceBackend


class _RealtimeFactory:
    """``adapter_class`` is what ``get_fastrtc_realtime_transport()`` returns."""

    def __call__(self, settings: FastRTCRealtimeSettings | None = None) -> Any:
        chosen = settings or FastRTCRealtimeSettings()
        return self.adapter_class(**chosen.model_dump())

    @property
    def adapter_class(self) -> type:
        from roomkit_fastrtc.realtime import FastRTCRealtimeTransport

        return FastRTCRealtimeTransport


@hookimpl
def roomkit_register_voice_backends(register: Register) -> None:
    register(
        name="fastrtc",
        factory=_Factory(),
        capabilities={"native_aec", "native_agc", "interruption"},
        description="Browser voice over WebRTC (aiortc, Opus)",
    )


@hookimpl
def roomkit_register_realtime_transports(register: Register) -> None:
    register(
        name="fastrtc",
        factory=_RealtimeFactory(),
        settings=FastRTCRealtimeSettings,
        capabilities={"native_aec", "native_agc", "interruption"},
        description="Browser calls over WebRTC for speech-to-speech models (aiortc, Opus)",
    )
