"""The WebSocket channel and its stream messages."""

from roomkit.domain.streaming import StreamChunk, StreamEnd, StreamError, StreamMessage, StreamStart
from roomkit.plugins.builtin.websocket import WebSocketChannel

__all__ = [
    "StreamChunk",
    "StreamEnd",
    "StreamError",
    "StreamMessage",
    "StreamStart",
    "WebSocketChannel",
]
