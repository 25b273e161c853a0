"""WebSocketChannel: delivers events to registered connections through callbacks.

The channel does not own sockets: the application registers, per connection, an ``async`` send
function (and optionally a stream function for token-by-token AI replies).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from roomkit.domain.channel import ChannelBinding, ChannelCapabilities
from roomkit.domain.context import RoomContext
from roomkit.domain.delivery import ChannelOutput, ProviderResult
from roomkit.domain.enums import ChannelMediaType, ChannelType
from roomkit.domain.errors import DeliveryError
from roomkit.domain.event import RoomEvent
from roomkit.domain.streaming import StreamEnd, StreamMessage
from roomkit.plugins.hookspecs import Register
from roomkit.plugins.markers import hookimpl
from roomkit.ports.channel import Channel

log = logging.getLogger("roomkit.channels.websocket")

SendFn = Callable[[str, RoomEvent], Awaitable[None]]
StreamSendFn = Callable[[str, StreamMessage], Awaitable[None]]

STREAM_ID_KEY = "stream_id"


class WebSocketChannel(Channel):
    channel_type = ChannelType.WEBSOCKET

    def __init__(self, channel_id: str) -> None:
        super().__init__(channel_id)
        self._send: dict[str, SendFn] = {}
        self._stream: dict[str, StreamSendFn] = {}

    def capabilities(self) -> ChannelCapabilities:
        return ChannelCapabilities(
            media_types=[
                ChannelMediaType.TEXT,
                ChannelMediaType.RICH,
                ChannelMediaType.MEDIA,
                ChannelMediaType.AUDIO,
                ChannelMediaType.VIDEO,
                ChannelMediaType.LOCATION,
            ],
            supports_edit=True,
            supports_delete=True,
            supports_reactions=True,
            supports_typing=True,
            supports_read_receipts=True,
            supports_streaming=True,
        )

    # connections ---------------------------------------------------------------------------
    def register_connection(
        self, connection_id: str, send_fn: SendFn, stream_send_fn: StreamSendFn | None = None
    ) -> None:
        self._send[connection_id] = send_fn
        if stream_send_fn is not None:
            self._stream[connection_id] = stream_send_fn
        else:
            self._stream.pop(connection_id, None)

    def unregister_connection(self, connection_id: str) -> bool:
        self._stream.pop(connection_id, None)
        return self._send.pop(connection_id, None) is not None

    @property
    def connection_ids(self) -> list[str]:
        return list(self._send)

    # streaming -----------------------------------------------------------------------------
    def has_stream_connections(self) -> bool:
        return bool(self._stream)

    async def send_stream(self, message: StreamMessage) -> list[str]:
        reached = []
        for conn_id, fn in list(self._stream.items()):
            try:
                await fn(conn_id, message)
                reached.append(conn_id)
            except Exception:
                log.exception("stream send to connection %s failed", conn_id)
        return reached

    # delivery ------------------------------------------------------------------------------
    async def deliver(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        """Send to every connection. A streamed reply ends its stream on streaming connections
        instead of arriving twice. Fails only if every connection failed."""
        stream_id = event.metadata.get(STREAM_ID_KEY)
        failed: list[str] = []
        for conn_id, send in list(self._send.items()):
            try:
                stream_fn = self._stream.get(conn_id) if stream_id else None
                if stream_fn is not None:
                    text = getattr(event.content, "body", "")
                    await stream_fn(conn_id, StreamEnd(stream_id=stream_id, text=text, event=event))
                else:
                    await send(conn_id, event)
            except Exception as exc:
                log.warning("websocket send to %s failed: %s", conn_id, exc)
                failed.append(conn_id)
        if failed and len(failed) == len(self._send):
            raise DeliveryError(f"every connection of {self.channel_id!r} failed: {failed}")
        if not failed:
            return _DELIVERED
        return ChannelOutput(provider_result=ProviderResult(metadata={"failed": failed}))


_DELIVERED = ChannelOutput()


@hookimpl
def roomkit_register_channels(register: Register) -> None:
    register(name="websocket", factory=lambda settings, channel_id: WebSocketChannel(channel_id))
