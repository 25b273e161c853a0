"""Ephemeral events through the kit: per room, never stored, errors isolated."""

from __future__ import annotations

import pytest

from roomkit import RoomKit, RoomNotFoundError
from roomkit.realtime.base import EphemeralEvent, EphemeralEventType


async def test_events_reach_their_room_only_and_are_not_stored() -> None:
    kit = RoomKit()
    await kit.create_room(room_id="a")
    await kit.create_room(room_id="b")
    got: dict[str, list[EphemeralEvent]] = {"a": [], "b": []}

    async def on_a(event: EphemeralEvent) -> None:
        got["a"].append(event)

    async def on_b(event: EphemeralEvent) -> None:
        got["b"].append(event)

    await kit.subscribe_room("a", on_a)
    await kit.subscribe_room("b", on_b)
    await kit.publish_reaction("a", "alice", target_event_id="e1", emoji="thumbsup")
    await kit.publish_read_receipt("a", "alice", event_id="e1")
    await kit.publish_presence("a", "alice", "offline")
    assert [e.type for e in got["a"]] == [
        EphemeralEventType.REACTION,
        EphemeralEventType.READ_RECEIPT,
        EphemeralEventType.PRESENCE_OFFLINE,
    ]
    assert got["a"][0].data == {"target_event_id": "e1", "emoji": "thumbsup"}
    assert got["b"] == []
    assert await kit.store.get_event_count("a") == 0


async def test_bad_input_is_refused_clearly() -> None:
    kit = RoomKit()
    await kit.create_room(room_id="a")
    with pytest.raises(ValueError, match="'busy' must be one of online, away, offline"):
        await kit.publish_presence("a", "alice", "busy")
    with pytest.raises(RoomNotFoundError):
        await kit.subscribe_room("nope", lambda e: None)  # type: ignore[arg-type, return-value]
    with pytest.raises(ValueError, match="TOOL_CALL_START or TOOL_CALL_END"):
        await kit.publish_tool_call("a", "ai", [], EphemeralEventType.TYPING_START)


async def test_a_failing_subscriber_does_not_stop_the_others() -> None:
    kit = RoomKit()
    await kit.create_room(room_id="a")
    got: list[EphemeralEvent] = []

    async def broken(event: EphemeralEvent) -> None:
        raise RuntimeError("subscriber bug")

    async def healthy(event: EphemeralEvent) -> None:
        got.append(event)

    await kit.subscribe_room("a", broken)
    await kit.subscribe_room("a", healthy)
    await kit.publish_typing("a", "alice")
    assert len(got) == 1
