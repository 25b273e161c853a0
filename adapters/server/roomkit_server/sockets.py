"""Browser WebSocket connections, each scoped to one room and one participant.

Connections are registered with their room, so the channel sends each one only its room's
events; the connection checks again before anything reaches the socket. Each socket has a bounded
outgoing queue drained by its own writer task, so a slow browser never holds up a broadcast;
a browser that falls too far behind is disconnected (code 1013) rather than buffered forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections import OrderedDict
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.websockets import WebSocket, WebSocketDisconnect

from roomkit import EphemeralEventType, InboundMessage, RoomKit, RoomKitError, TextContent
from roomkit.domain.content import EventContent
from roomkit.domain.event import RoomEvent
from roomkit.domain.participant import Participant
from roomkit.domain.realtime import EphemeralEvent
from roomkit.domain.streaming import StreamChunk, StreamEnd, StreamStart

from .auth import TICKET_SCOPE_KEY
from .wire import dump

log = logging.getLogger("roomkit.server.ws")

QUEUE_LIMIT = 1000
RELAY_KIND = "roomkit.server.event"  # a stored event relayed to other instances
RELAY_USER = "roomkit-server"
SEEN_LIMIT = 2000

# close codes (4000-4999 are the application's)
BAD_REQUEST = 4400
FORBIDDEN = 4403
NOT_FOUND = 4404
TOO_SLOW = 1013


class ClientFrame(BaseModel):
    """One frame from the browser."""

    model_config = ConfigDict(extra="forbid")

    type: str
    text: str | None = None
    content: EventContent | None = None
    client_id: str | None = None
    is_typing: bool = True
    status: str | None = None
    event_id: str | None = None
    emoji: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


_FRAMES: OrderedDict[str, str] = OrderedDict()
FRAME_CACHE = 256


def event_frame(event: RoomEvent) -> str:
    """The ``event`` frame as JSON text, serialised once for all the room's sockets."""
    key = f"{event.id}:{event.status}:{event.index}"
    text = _FRAMES.get(key)
    if text is None:
        text = json.dumps({"type": "event", "event": event.model_dump(mode="json")})
        _FRAMES[key] = text
        if len(_FRAMES) > FRAME_CACHE:
            _FRAMES.popitem(last=False)
    return text


class BrowserConnection:
    """One browser socket: the room and participant it belongs to and its outgoing queue."""

    def __init__(
        self, socket: WebSocket, channel_id: str, room_id: str, participant_id: str
    ) -> None:
        self.socket = socket
        self.id = f"ws-{uuid.uuid4().hex[:12]}"
        self.channel_id = channel_id
        self.room_id = room_id
        self.participant_id = participant_id
        self._queue: asyncio.Queue[str | None] = asyncio.Queue(QUEUE_LIMIT)
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._streams: set[str] = set()
        self._writer: asyncio.Task[None] | None = None
        self._dropping: asyncio.Task[None] | None = None
        self.overflowed = False

    # outgoing ------------------------------------------------------------------------------
    def push(self, frame: dict[str, Any] | str) -> None:
        """Queue a frame (a dict, or JSON text already serialised) for the writer."""
        if self.overflowed:
            return
        try:
            self._queue.put_nowait(frame if isinstance(frame, str) else json.dumps(frame))
        except asyncio.QueueFull:
            self.overflowed = True
            log.warning("connection %s fell %d frames behind; closing it", self.id, QUEUE_LIMIT)
            self._dropping = asyncio.get_running_loop().create_task(self._drop())

    async def _drop(self) -> None:
        """Stop writing to a browser that stopped reading, and close its socket."""
        if self._writer is not None:
            self._writer.cancel()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.socket.close(TOO_SLOW, "too far behind"), 5.0)

    def push_event(self, event: RoomEvent) -> bool:
        """Queue ``event`` once, if it belongs to this connection's room."""
        if event.room_id != self.room_id or event.id in self._seen:
            return False
        self._seen[event.id] = None
        if len(self._seen) > SEEN_LIMIT:
            self._seen.popitem(last=False)
        self.push(event_frame(event))
        return True

    async def send_event(self, connection_id: str, event: RoomEvent) -> None:
        self.push_event(event)

    async def send_stream(self, connection_id: str, message: Any) -> None:
        if isinstance(message, StreamStart):
            if message.room_id != self.room_id:
                return
            self._streams.add(message.stream_id)
        elif isinstance(message, StreamChunk | StreamEnd):
            if message.stream_id not in self._streams:
                if isinstance(message, StreamEnd) and message.event is not None:
                    self.push_event(message.event)
                return
            if isinstance(message, StreamEnd):
                self._streams.discard(message.stream_id)
                if message.event is not None:
                    if message.event.id in self._seen:
                        return
                    self._seen[message.event.id] = None
        self.push({"type": "stream", "stream": dump(message)})

    async def send_ephemeral(self, event: EphemeralEvent) -> None:
        if event.type == EphemeralEventType.CUSTOM and event.data.get("kind") == RELAY_KIND:
            if event.room_id == self.room_id:
                self.push_event(RoomEvent.model_validate(event.data["event"]))
            return
        if event.room_id == self.room_id and event.user_id != self.participant_id:
            self.push({"type": "ephemeral", "ephemeral": dump(event)})

    def start_writer(self) -> None:
        self._writer = asyncio.create_task(self._write(), name=f"roomkit-ws-writer-{self.id}")

    async def _write(self) -> None:
        while True:
            frame = await self._queue.get()
            if frame is None:
                return
            try:
                await self.socket.send_text(frame)
            except Exception:
                return

    async def stop_writer(self, drain: float = 2.0) -> None:
        """Let queued frames go out (up to ``drain`` seconds), then stop the writer."""
        if self._writer is None:
            return
        if not self._writer.done():
            with contextlib.suppress(asyncio.QueueFull):
                self._queue.put_nowait(None)
            with contextlib.suppress(TimeoutError, asyncio.CancelledError, Exception):
                await asyncio.wait_for(asyncio.shield(self._writer), drain)
        self._writer.cancel()


class SocketHub:
    """Wires browser sockets to ``connect_websocket`` / ``disconnect_websocket``."""

    def __init__(self, kit: RoomKit, *, auto_attach: bool = True) -> None:
        self.kit = kit
        self.auto_attach = auto_attach
        self.connections: dict[str, BrowserConnection] = {}

    def in_room(self, room_id: str, channel_id: str) -> list[BrowserConnection]:
        return [
            c
            for c in self.connections.values()
            if c.room_id == room_id and c.channel_id == channel_id
        ]

    async def serve(self, socket: WebSocket, channel_id: str) -> None:
        room_id = socket.query_params.get("room_id")
        participant_id = (
            socket.query_params.get("participant_id") or f"guest-{uuid.uuid4().hex[:8]}"
        )
        pinned = socket.scope.get(TICKET_SCOPE_KEY)
        if pinned is not None:
            asked = (room_id, socket.query_params.get("participant_id"))
            if asked[0] not in (None, pinned[0]) or asked[1] not in (None, pinned[1]):
                await socket.close(FORBIDDEN, "the ticket is for another room or participant")
                return
            room_id, participant_id = pinned
        refusal = await self._refusal(channel_id, room_id)
        if refusal is not None:
            code, reason = refusal
            await socket.close(code, reason)
            return
        assert room_id is not None
        subprotocol = _bearer_subprotocol(socket)
        await socket.accept(subprotocol=subprotocol)
        connection = BrowserConnection(socket, channel_id, room_id, participant_id)
        connection.start_writer()
        self.connections[connection.id] = connection
        subscription: str | None = None
        try:
            await self._join(connection)
            await self._connect(connection)
            subscription = await self.kit.subscribe_room(room_id, connection.send_ephemeral)
            await self.kit.publish_presence(room_id, participant_id, "online")
            connection.push(
                {
                    "type": "welcome",
                    "connection_id": connection.id,
                    "room_id": room_id,
                    "channel_id": channel_id,
                    "participant_id": participant_id,
                }
            )
            await self._receive(connection)
        finally:
            self.connections.pop(connection.id, None)
            with contextlib.suppress(Exception):
                await self.kit.disconnect_websocket(channel_id, connection.id)
            if subscription is not None:
                with contextlib.suppress(Exception):
                    await self.kit.unsubscribe_room(subscription)
            with contextlib.suppress(Exception):
                await self.kit.publish_presence(room_id, participant_id, "offline")
            await connection.stop_writer()

    async def close_all(self, reason: str = "server shutting down") -> None:
        for connection in list(self.connections.values()):
            with contextlib.suppress(Exception):
                await connection.socket.close(1001, reason)

    # connection set-up ---------------------------------------------------------------------
    async def _refusal(self, channel_id: str, room_id: str | None) -> tuple[int, str] | None:
        if not room_id:
            return BAD_REQUEST, "room_id query parameter is required"
        channel = self.kit.channels.get(channel_id)
        if channel is None or not hasattr(channel, "register_connection"):
            return NOT_FOUND, f"no WebSocket channel {channel_id!r}"
        try:
            await self.kit.get_room(room_id)
        except RoomKitError:
            return NOT_FOUND, f"no room {room_id!r}"
        if not self.auto_attach and await self.kit.store.get_binding(room_id, channel_id) is None:
            return NOT_FOUND, f"channel {channel_id!r} is not attached to room {room_id!r}"
        return None

    async def _join(self, connection: BrowserConnection) -> None:
        store = self.kit.store
        if await store.get_binding(connection.room_id, connection.channel_id) is None:
            with contextlib.suppress(RoomKitError):
                await self.kit.attach_channel(connection.room_id, connection.channel_id)
        existing = await store.get_participant(connection.room_id, connection.participant_id)
        if existing is None:
            await store.add_participant(
                Participant(
                    id=connection.participant_id,
                    room_id=connection.room_id,
                    channel_id=connection.channel_id,
                    external_id=connection.participant_id,
                )
            )

    async def _connect(self, connection: BrowserConnection) -> None:
        await self.kit.connect_websocket(
            connection.channel_id,
            connection.id,
            connection.send_event,
            connection.send_stream,
            room_id=connection.room_id,
            participant_id=connection.participant_id,
        )

    # incoming ------------------------------------------------------------------------------
    async def _receive(self, connection: BrowserConnection) -> None:
        while True:
            try:
                raw = await connection.socket.receive_text()
            except (WebSocketDisconnect, RuntimeError):
                return
            try:
                frame = ClientFrame.model_validate_json(raw)
            except ValidationError as exc:
                fields = ", ".join(".".join(map(str, e["loc"])) or "frame" for e in exc.errors())
                connection.push(
                    {
                        "type": "error",
                        "message": f"invalid frame ({fields}): {exc.errors()[0]['msg']}",
                    }
                )
                continue
            try:
                await self._handle(connection, frame)
            except RoomKitError as exc:
                connection.push(
                    {"type": "error", "client_id": frame.client_id, "message": str(exc)}
                )

    async def _handle(self, connection: BrowserConnection, frame: ClientFrame) -> None:
        kit, room_id, who = self.kit, connection.room_id, connection.participant_id
        if frame.type == "message":
            await self._message(connection, frame)
        elif frame.type == "typing":
            await kit.publish_typing(room_id, who, frame.is_typing)
        elif frame.type == "presence":
            await kit.publish_presence(room_id, who, frame.status or "online")
        elif frame.type == "read":
            if not frame.event_id:
                raise RoomKitError("a read frame needs event_id")
            await kit.mark_read(room_id, connection.channel_id, frame.event_id)
            await kit.publish_read_receipt(room_id, who, frame.event_id)
        elif frame.type == "reaction":
            if not frame.event_id or not frame.emoji:
                raise RoomKitError("a reaction frame needs event_id and emoji")
            await kit.publish_reaction(room_id, who, frame.event_id, frame.emoji)
        elif frame.type == "ping":
            connection.push({"type": "pong", "client_id": frame.client_id})
        else:
            raise RoomKitError(
                f"unknown frame type {frame.type!r} (message, typing, presence, read, "
                "reaction, ping)"
            )

    async def _message(self, connection: BrowserConnection, frame: ClientFrame) -> None:
        if frame.content is not None:
            content: Any = frame.content
        elif frame.text:
            content = TextContent(body=frame.text)
        else:
            raise RoomKitError("a message frame needs text or content")
        result = await self.kit.process_inbound(
            InboundMessage(
                channel_id=connection.channel_id,
                sender_id=connection.participant_id,
                content=content,
                metadata=frame.metadata,
            ),
            room_id=connection.room_id,
        )
        event = result.event
        connection.push(
            {
                "type": "ack",
                "client_id": frame.client_id,
                "event_id": event.id if event else None,
                "blocked": result.blocked,
                "reason": result.reason,
                "duplicate": result.duplicate,
            }
        )
        if event is not None and not result.blocked:
            # the sender's channel is skipped by the broadcast; the room's other browsers on
            # it (and the sender's own tab) still get the message, once
            for peer in self.in_room(connection.room_id, connection.channel_id):
                peer.push_event(event)


def _bearer_subprotocol(socket: WebSocket) -> str | None:
    """The subprotocol to answer: ``roomkit`` when offered, else the ``bearer.<token>`` one a
    browser used to carry its token (browsers cannot set an Authorization header)."""
    offered = socket.scope.get("subprotocols") or []
    if "roomkit" in offered:
        return "roomkit"
    for name in offered:
        if name.startswith("bearer."):
            return str(name)
    return None


def relay_stored_events(kit: RoomKit) -> None:
    """Publish every broadcast event on the realtime backend, so sockets connected to other
    instances of the server (sharing the store and a cross-process realtime backend) get it."""
    from roomkit import HookExecution, HookTrigger

    @kit.hook(HookTrigger.AFTER_BROADCAST, HookExecution.ASYNC, name="roomkit-server-relay")
    async def relay(event: RoomEvent, context: Any) -> None:
        await kit.publish_event(
            event.room_id, RELAY_USER, {"kind": RELAY_KIND, "event": event.model_dump(mode="json")}
        )
