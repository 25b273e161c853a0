"""Registers the sources with RoomKit's plugin registry (entry point ``roomkit``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from roomkit.plugins.hookspecs import Register
from roomkit.plugins.markers import hookimpl
from roomkit_sources.sse import SSESource
from roomkit_sources.websocket import WebSocketSource


class FeedSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str
    headers: dict[str, str] = {}


@hookimpl
def roomkit_register_sources(register: Register) -> None:
    register(
        name="websocket",
        factory=lambda s: WebSocketSource(s.url, headers=s.headers),
        settings=FeedSettings,
        description="a WebSocket feed of JSON messages",
    )
    register(
        name="sse",
        factory=lambda s: SSESource(s.url, headers=s.headers),
        settings=FeedSettings,
        description="a Server-Sent Events feed, resumed with Last-Event-ID",
    )
