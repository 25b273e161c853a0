"""WebSocketChannel: delivers events to registered connections through callbacks.

The channel does not own sockets: the application registers, per connection, an ``async`` send
function (and optionally a stream function for token-by-token AI replies). A connection may be
scoped to one room (and the participant behind it); a scoped connection receives only that
room's events. Sends run concurrently, each bounded by ``send_timeout``, so one stuck browser
cannot hold up the room.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

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
DEFAULT_SEND_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class Connection:
    """One registered connection: where it sends, and which room and participant it serves."""

    connection_id: str
    send: SendFn
    stream: StreamSendFn | None = None
    room_id: str | None = None
    participant_id: str | None = None

    def serves(self, room_id: str | None) -> bool:
        return self.room_id is None or room_id is None or self.room_id == room_id


class WebSocketChannel(Channel):
    channel_type = ChannelType.WEBSOCKET

    def __init__(self, channel_id: str, *, send_timeout: float = DEFAULT_SEND_TIMEOUT) -> None:
        super().__init__(channel_id)
        if send_timeout <= 0:
            raise ValueError("send_timeout must be > 0 seconds")
        self.send_timeout = send_timeout
        self._connections: dict[str, Connection] = {}
        self._rooms_seen: set[str] = set()
        self._warned_unscoped = False

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
        self,
        connection_id: str,
        send_fn: SendFn,
        stream_send_fn: StreamSendFn | None = None,
        *,
        room_id: str | None = None,
        participant_id: str | None = None,
    ) -> None:
        """Register (or replace) a connection; with ``room_id`` it receives that room only."""
        if not connection_id:
            raise ValueError("connection_id must be a non-empty string")
        self._connections[connection_id] = Connection(
            connection_id, send_fn, stream_send_fn, room_id, participant_id
        )

    def unregister_connection(self, connection_id: str) -> bool:
        return self._connections.pop(connection_id, None) is not None

    @property
    def connection_ids(self) -> list[str]:
        return list(self._connections)

    def connection(self, connection_id: str) -> Connection | None:
        return self._connections.get(connection_id)

    def connections_for(self, room_id: str | None) -> list[Connection]:
        """The connections that receive ``room_id``'s events (unscoped ones receive all)."""
        return [c for c in self._connections.values() if c.serves(room_id)]

    # streaming -----------------------------------------------------------------------------
    def has_stream_connections(self) -> bool:
        return any(c.stream is not None for c in self._connections.values())

    async def send_stream(self, message: StreamMessage, room_id: str | None = None) -> list[str]:
        targets = [c for c in self.connections_for(room_id) if c.stream is not None]
        outcomes = await asyncio.gather(*(self._bounded_stream(c, message) for c in targets))
        return [c.connection_id for c, ok in zip(targets, outcomes, strict=True) if ok]

    async def _bounded_stream(self, conn: Connection, message: StreamMessage) -> bool:
        assert conn.stream is not None
        try:
            async with asyncio.timeout(self.send_timeout):
                await conn.stream(conn.connection_id, message)
        except Exception as exc:
            log.warning(
                "stream send failed",
                extra={"connection_id": conn.connection_id, "error": _describe(exc)},
            )
            return False
        return True

    # delivery ------------------------------------------------------------------------------
    def reaches_anyone(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> bool:
        """False while no connection serves the room (a subclass's own ``deliver`` is always
        called)."""
        if type(self).deliver is not WebSocketChannel.deliver:
            return True
        room_id = context.room.id
        return any(c.serves(room_id) for c in self._connections.values())

    async def deliver(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        """Send to every connection serving the room, concurrently and each bounded. A streamed
        reply ends its stream on streaming connections instead of arriving twice. Fails only if
        every connection failed."""
        room_id = context.room.id
        self._note_room(room_id)
        targets = self.connections_for(room_id)
        if not targets:
            return _DELIVERED
        stream_id = event.metadata.get(STREAM_ID_KEY)
        if len(targets) == 1:  # nobody else to protect: the delivery timeout bounds it
            outcomes = [await self._send_one(targets[0], event, stream_id, bounded=False)]
        else:
            outcomes = await asyncio.gather(*(self._send_one(c, event, stream_id) for c in targets))
        failed = [c.connection_id for c, ok in zip(targets, outcomes, strict=True) if not ok]
        if not failed:
            return _DELIVERED
        if len(failed) == len(targets):
            raise DeliveryError(f"every connection of {self.channel_id!r} failed: {failed}")
        return ChannelOutput(provider_result=ProviderResult(metadata={"failed": failed}))

    async def _send_one(
        self, conn: Connection, event: RoomEvent, stream_id: object, *, bounded: bool = True
    ) -> bool:
        try:
            if bounded:
                async with asyncio.timeout(self.send_timeout):
                    await self._send_plain_or_end(conn, event, stream_id)
            else:
                await self._send_plain_or_end(conn, event, stream_id)
        except TimeoutError:
            log.warning(
                "websocket send timed out",
                extra={"connection_id": conn.connection_id, "timeout_s": self.send_timeout},
            )
            return False
        except Exception as exc:
            log.warning(
                "websocket send failed",
                extra={"connection_id": conn.connection_id, "error": _describe(exc)},
            )
            return False
        return True

    @staticmethod
    async def _send_plain_or_end(conn: Connection, event: RoomEvent, stream_id: object) -> None:
        if stream_id and conn.stream is not None:
            text = getattr(event.content, "body", "")
            await conn.stream(
                conn.connection_id, StreamEnd(stream_id=str(stream_id), text=text, event=event)
            )
        else:
            await conn.send(conn.connection_id, event)

    def _note_room(self, room_id: str) -> None:
        if self._warned_unscoped or room_id in self._rooms_seen:
            return
        self._rooms_seen.add(room_id)
        if len(self._rooms_seen) > 1 and any(c.room_id is None for c in self._connections.values()):
            self._warned_unscoped = True
            log.warning(
                "websocket channel serves several rooms but has connections without a room; "
                "they receive every room's events: pass room_id= to register_connection",
                extra={"channel_id": self.channel_id, "rooms": sorted(self._rooms_seen)},
            )


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


_DELIVERED = ChannelOutput()


@hookimpl
def roomkit_register_channels(register: Register) -> None:
    register(
        name="websocket",
        factory=lambda settings, channel_id: WebSocketChannel(channel_id),
        description="WebSocket connections registered by your server",
    )
