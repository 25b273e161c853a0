"""WebSocketSource: a WebSocket feed RoomKit connects to as a client (an exchange's chat feed,
a bridge process, another RoomKit's export)."""

from __future__ import annotations

from collections.abc import Mapping

import websockets

from roomkit.ports.sources import Emit, SourceProvider
from roomkit_sources.frames import Parse, json_message


class WebSocketSource(SourceProvider):
    name = "websocket"

    def __init__(
        self,
        url: str,
        *,
        parse: Parse = json_message,
        headers: Mapping[str, str] | None = None,
        open_timeout: float = 10.0,
    ) -> None:
        if not url.startswith(("ws://", "wss://")):
            raise ValueError(f"WebSocketSource needs a ws:// or wss:// URL, got {url!r}")
        self.url = url
        self.parse = parse
        self.headers = dict(headers or {})
        self.open_timeout = open_timeout
        self._socket: websockets.ClientConnection | None = None

    async def run(self, emit: Emit) -> None:
        """Connect, emit each text frame that parses to a message; return when the server
        closes the feed normally (a dropped connection raises, and the supervisor restarts)."""
        async with websockets.connect(
            self.url, additional_headers=self.headers, open_timeout=self.open_timeout
        ) as socket:
            self._socket = socket
            async for frame in socket:
                text = frame.decode() if isinstance(frame, bytes) else frame
                message = self.parse(text)
                if message is not None:
                    await emit(message)

    async def close(self) -> None:
        socket, self._socket = self._socket, None
        if socket is not None:
            await socket.close()
