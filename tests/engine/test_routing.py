"""The default router never guesses silently: one channel in two rooms is an error or a rule."""

from __future__ import annotations

import pytest

from roomkit import (
    AmbiguousRoomError,
    ChannelNotFoundError,
    InboundMessage,
    RoomKit,
    TextContent,
    WebSocketChannel,
)


def message(sender: str, body: str = "hi") -> InboundMessage:
    return InboundMessage(channel_id="ws", sender_id=sender, content=TextContent(body=body))


async def two_rooms(kit: RoomKit) -> RoomKit:
    kit.register_channel(WebSocketChannel("ws"))
    for room in ("room-1", "room-2"):
        await kit.create_room(room_id=room)
        await kit.attach_channel(room, "ws")
    return kit


async def test_a_channel_in_two_rooms_is_an_error_naming_both_and_stores_nothing() -> None:
    kit = await two_rooms(RoomKit())
    for sender in ("alice", "bob", "carol"):
        with pytest.raises(AmbiguousRoomError) as caught:
            await kit.process_inbound(message(sender))
        assert caught.value.candidates == ["room-1", "room-2"]
        assert "'room-1', 'room-2'" in str(caught.value) and "room_id" in str(caught.value)
    assert await kit.get_timeline("room-1") == [] and await kit.get_timeline("room-2") == []


async def test_a_sender_who_takes_part_in_one_room_is_routed_there() -> None:
    kit = await two_rooms(RoomKit())
    await kit.process_inbound(message("alice", "first"), room_id="room-1")
    await kit.process_inbound(message("bob", "first"), room_id="room-2")
    assert (await kit.process_inbound(message("alice"))).room_id == "room-1"
    assert (await kit.process_inbound(message("bob"))).room_id == "room-2"
    with pytest.raises(AmbiguousRoomError):
        await kit.process_inbound(message("carol"))


async def test_a_sender_in_both_rooms_is_ambiguous_too() -> None:
    kit = await two_rooms(RoomKit())
    for room in ("room-1", "room-2"):
        await kit.process_inbound(message("alice"), room_id=room)
    with pytest.raises(AmbiguousRoomError) as caught:
        await kit.process_inbound(message("alice"))
    assert caught.value.candidates == ["room-1", "room-2"]


async def test_closed_rooms_are_not_candidates() -> None:
    kit = await two_rooms(RoomKit())
    await kit.close_room("room-2")
    assert (await kit.process_inbound(message("alice"))).room_id == "room-1"


async def test_the_most_recent_rule_is_chosen_in_the_config() -> None:
    kit = await two_rooms(
        RoomKit.from_config({"inbound_router": {"kind": "default", "ambiguous": "most_recent"}})
    )
    await kit.process_inbound(message("x"), room_id="room-1")  # room-1 is now the latest active
    assert (await kit.process_inbound(message("alice"))).room_id == "room-1"


async def test_an_unknown_rule_is_a_clear_config_error() -> None:
    with pytest.raises(ValueError, match="ambiguous"):
        RoomKit(inbound_router={"name": "default", "settings": {"ambiguous": "random"}})


async def test_a_channel_in_no_room_is_still_channel_not_found() -> None:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    with pytest.raises(ChannelNotFoundError):
        await kit.process_inbound(message("alice"))
