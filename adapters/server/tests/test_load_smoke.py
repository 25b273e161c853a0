"""The load runner on a small scale: concurrent users in several rooms over a real
``roomkit serve`` process; every message reaches every member of its room exactly once."""

from __future__ import annotations

from bench.server_load import run


async def test_no_lost_duplicated_or_misrouted_message_under_concurrency() -> None:
    result = await run(users=12, rooms=3, seconds=2.0, interval=0)
    assert result["messages_sent"] > 12
    assert result["lost"] == 0
    assert result["duplicated"] == 0
    assert result["foreign_room_events"] == 0
    assert result["deliveries"] == result["messages_sent"] * 4  # four members per room
