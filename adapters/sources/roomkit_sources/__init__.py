"""Event sources for RoomKit: feeds it connects out to and reads inbound messages from."""

from roomkit_sources.frames import json_message
from roomkit_sources.sse import SSESource
from roomkit_sources.websocket import WebSocketSource

__all__ = ["SSESource", "WebSocketSource", "json_message"]
