"""WebSocketRealtimeTransport: call audio over a WebSocket server (browsers, phone bridges)."""

from roomkit_websocket.config import WebSocketTransportConfig
from roomkit_websocket.transport import WebSocketRealtimeTransport

__all__ = ["WebSocketRealtimeTransport", "WebSocketTransportConfig"]
