"""structlog rendering of the application's log lines, with room and event ids bound."""

from __future__ import annotations

import logging

import pytest

from roomkit import InboundMessage, RoomEvent, RoomKit, TextContent, WebSocketChannel
from roomkit.logging import configure_logging


class Broken(WebSocketChannel):
    async def deliver(self, event, binding, context):  # type: ignore[no-untyped-def]
        raise ConnectionError("socket closed")


async def test_log_lines_carry_room_and_event_ids(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(logging.WARNING, force=True)
    try:
        kit = RoomKit()
        kit.register_channel(WebSocketChannel("ws"))
        kit.register_channel(Broken("broken"))
        await kit.create_room(room_id="room-42")
        await kit.attach_channel("room-42", "ws")
        await kit.attach_channel("room-42", "broken")
        result = await kit.process_inbound(
            InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body="x"))
        )
        assert isinstance(result.event, RoomEvent)
        err = capsys.readouterr().err
        line = next(ln for ln in err.splitlines() if "delivery failed" in ln)
        assert "room_id=room-42" in line
        assert f"event_id={result.event.id}" in line
        assert "[warning" in line
    finally:
        configure_logging(logging.WARNING, force=True)
