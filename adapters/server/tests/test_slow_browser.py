"""A browser that stops reading is cut off instead of holding the room up or growing memory."""

from __future__ import annotations

import asyncio
from typing import Any

from roomkit import TextContent
from roomkit.domain.event import EventSource, RoomEvent
from roomkit_server.sockets import QUEUE_LIMIT, TOO_SLOW, BrowserConnection


class StuckSocket:
    """A socket whose sends never complete, as when the browser's TCP window is full."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.closed: list[tuple[int, str]] = []
        self._never = asyncio.Event()

    async def send_text(self, text: str) -> None:
        self.sent.append(text)
        await self._never.wait()

    async def close(self, code: int, reason: str) -> None:
        self.closed.append((code, reason))


def _event(number: int) -> RoomEvent:
    return RoomEvent(
        room_id="r",
        source=EventSource(channel_id="ws"),
        content=TextContent(body=f"message {number}"),
    )


async def test_a_stuck_browser_is_closed_with_1013_and_pushing_never_blocks() -> None:
    socket: Any = StuckSocket()
    connection = BrowserConnection(socket, "ws", "r", "slow")
    connection.start_writer()
    for number in range(QUEUE_LIMIT + 50):
        await connection.send_event("conn", _event(number))  # returns at once every time
    assert connection.overflowed
    for _ in range(100):
        if socket.closed:
            break
        await asyncio.sleep(0.01)
    assert socket.closed == [(TOO_SLOW, "too far behind")]
    assert len(socket.sent) == 1  # the first send is the one that never completed
    await connection.stop_writer(drain=0.1)


async def test_events_of_another_room_and_repeats_are_not_queued() -> None:
    socket: Any = StuckSocket()
    connection = BrowserConnection(socket, "ws", "r", "me")
    event = _event(1)
    assert connection.push_event(event)
    assert not connection.push_event(event)
    other = event.model_copy(update={"id": "x", "room_id": "elsewhere"})
    assert not connection.push_event(other)
