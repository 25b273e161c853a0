"""Registers the "websocket" realtime transport."""

from __future__ import annotations

from roomkit.plugins import hookimpl
from roomkit.plugins.hookspecs import Register
from roomkit_websocket.config import WebSocketTransportConfig


class _Factory:
    @property
    def adapter_class(self) -> type:
        from roomkit_websocket.transport import WebSocketRealtimeTransport

        return WebSocketRealtimeTransport

    def __call__(self, settings: WebSocketTransportConfig) -> object:
        return self.adapter_class(**settings.model_dump())


@hookimpl
def roomkit_register_realtime_transports(register: Register) -> None:
    register(
        name="websocket",
        factory=_Factory(),
        settings=WebSocketTransportConfig,
        description="WebSocket server for browser and phone-bridge audio",
    )
