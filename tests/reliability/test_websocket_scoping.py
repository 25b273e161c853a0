"""A WebSocket connection scoped to a room receives that room only; sends are concurrent and
bounded, so one stuck browser does not hold up the others."""

from __future__ import annotations

import asyncio
import logging

import pytest

from roomkit import InboundMessage, RoomEvent, RoomKit, TextContent, WebSocketChannel
from roomkit.domain.streaming import StreamStart


def msg(body: str, sender: str) -> InboundMessage:
    return InboundMessage(channel_id="ws", sender_id=sender, content=TextContent(body=body))


async def two_rooms() -> tuple[RoomKit, WebSocketChannel]:
    kit = RoomKit()
    ws = WebSocketChannel("ws")
    kit.register_channel(ws)
    for room in ("a", "b"):
        await kit.create_room(room_id=room)
        await kit.attach_channel(room, "ws")
    return kit, ws


async def test_a_scoped_connection_receives_only_its_rooms_events() -> None:
    kit, ws = await two_rooms()
    seen: dict[str, list[str]] = {"alice": [], "bob": []}

    def inbox(name: str):  # type: ignore[no-untyped-def]
        async def recv(_conn: str, event: RoomEvent) -> None:
            seen[name].append(f"{event.room_id}:{event.content.body}")  # type: ignore[union-attr]

        return recv

    await kit.connect_websocket("ws", "alice", inbox("alice"), room_id="a", participant_id="al")
    await kit.connect_websocket("ws", "bob", inbox("bob"), room_id="b", participant_id="bo")
    await kit.process_inbound(msg("for a", "al"), room_id="a")
    await kit.process_inbound(msg("for b", "bo"), room_id="b")
    assert seen == {"alice": ["a:for a"], "bob": ["b:for b"]}
    conn = ws.connection("alice")
    assert conn is not None and conn.room_id == "a" and conn.participant_id == "al"


async def test_connect_websocket_refuses_an_unknown_room() -> None:
    kit, _ws = await two_rooms()

    async def recv(_conn: str, _event: RoomEvent) -> None: ...

    with pytest.raises(Exception, match="nope"):
        await kit.connect_websocket("ws", "c", recv, room_id="nope")


async def test_streams_reach_only_the_rooms_connections() -> None:
    _kit, ws = await two_rooms()
    got: list[str] = []

    async def plain(_conn: str, _event: RoomEvent) -> None: ...

    async def stream(conn: str, _message: object) -> None:
        got.append(conn)

    ws.register_connection("in-a", plain, stream, room_id="a")
    ws.register_connection("in-b", plain, stream, room_id="b")
    reached = await ws.send_stream(StreamStart(stream_id="s", room_id="a", channel_id="ai"), "a")
    assert reached == ["in-a"] and got == ["in-a"]


async def test_unscoped_connections_on_a_shared_channel_warn_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    kit, ws = await two_rooms()

    async def recv(_conn: str, _event: RoomEvent) -> None: ...

    ws.register_connection("everywhere", recv)
    logger = logging.getLogger("roomkit")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.WARNING, logger="roomkit"):
            for _ in range(3):
                await kit.process_inbound(msg("x", "u1"), room_id="a")
                await kit.process_inbound(msg("y", "u2"), room_id="b")
    finally:
        logger.removeHandler(caplog.handler)
    warnings = [r for r in caplog.records if "without a room" in r.getMessage()]
    assert len(warnings) == 1


async def test_a_stuck_connection_does_not_hold_up_the_others() -> None:
    kit = RoomKit()
    ws = WebSocketChannel("ws", send_timeout=0.2)
    kit.register_channel(ws)
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    never = asyncio.Event()
    fast: list[str] = []

    async def stuck(_conn: str, _event: RoomEvent) -> None:
        await never.wait()

    async def ok(_conn: str, event: RoomEvent) -> None:
        fast.append(event.content.body)  # type: ignore[union-attr]

    ws.register_connection("stuck", stuck, room_id="r")
    ws.register_connection("ok", ok, room_id="r")
    result = await kit.process_inbound(msg("hello", "u"), room_id="r")
    assert result.event is not None and fast == ["hello"]
    # the stuck send was abandoned after its timeout; the message was not failed as a whole
    assert await kit.store.list_delivery_results("r") == []


def test_send_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError, match="send_timeout"):
        WebSocketChannel("ws", send_timeout=0)
