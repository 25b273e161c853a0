"""get_timeline reads from the oldest end by default and from the newest with newest_first."""

from __future__ import annotations

import pytest

from roomkit import InboundMessage, RoomKit, TextContent, WebSocketChannel


async def kit_with(count: int) -> RoomKit:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    for i in range(count):
        await kit.process_inbound(
            InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body=f"m{i}")),
            room_id="r",
        )
    return kit


def bodies(events: list) -> list[str]:  # type: ignore[type-arg]
    return [e.content.body for e in events]


async def test_the_default_is_the_oldest_fifty_in_order() -> None:
    kit = await kit_with(60)
    events = await kit.get_timeline("r")
    assert bodies(events) == [f"m{i}" for i in range(50)]


async def test_newest_first_reads_the_latest_n() -> None:
    kit = await kit_with(60)
    assert bodies(await kit.get_timeline("r", limit=3, newest_first=True)) == ["m59", "m58", "m57"]
    page_two = await kit.get_timeline("r", offset=3, limit=3, newest_first=True)
    assert bodies(page_two) == ["m56", "m55", "m54"]
    assert bodies(await kit.get_timeline("r", offset=58, limit=5, newest_first=True)) == [
        "m1",
        "m0",
    ]
    assert await kit.get_timeline("r", offset=60, newest_first=True) == []
    assert len(await kit.get_timeline("r", newest_first=True)) == 50


async def test_negative_paging_is_refused() -> None:
    kit = await kit_with(1)
    with pytest.raises(ValueError, match="offset"):
        await kit.get_timeline("r", offset=-1)
