"""The WebSocket channel and its stream messages."""

from roomkit.domain.streaming import StreamChunk, StreamEnd, StreamMessage, StreamStart
from roomkit.plugins.builtin.websocket import WebSocketChannel

__all__ = ["StreamChunk", "StreamEnd", "StreamMessage", "StreamStart", "WebSocketChannel"]
