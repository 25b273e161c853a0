"""Rooms and bindings API: creation, metadata, timers, close, timeline paging, lock hygiene."""

from __future__ import annotations

import pytest

from roomkit import (
    ChannelCategory,
    ChannelNotFoundError,
    ChannelNotRegisteredError,
    HookTrigger,
    InboundMessage,
    RoomContext,
    RoomEvent,
    RoomKit,
    RoomNotFoundError,
    RoomStatus,
    RoomTimers,
    TextContent,
    WebSocketChannel,
)
from roomkit.core.clock import ManualClock
from roomkit.domain.errors import ChannelAlreadyRegisteredError, RoomAlreadyExistsError


async def test_create_room_auto_id_metadata_and_duplicates() -> None:
    kit = RoomKit()
    auto = await kit.create_room()
    assert len(auto.id) == 32 and auto.status is RoomStatus.ACTIVE
    room = await kit.create_room(room_id="support-123", metadata={"topic": "billing"})
    assert (await kit.get_room("support-123")).metadata == {"topic": "billing"}
    assert room.metadata == {"topic": "billing"}
    with pytest.raises(RoomAlreadyExistsError, match="support-123"):
        await kit.create_room(room_id="support-123")
    with pytest.raises(RoomNotFoundError, match="'nope' does not exist"):
        await kit.get_room("nope")


async def test_update_room_metadata_merges() -> None:
    kit = RoomKit()
    await kit.create_room(room_id="s", metadata={"topic": "billing"})
    room = await kit.update_room_metadata("s", {"status": "escalated"})
    assert room.metadata == {"topic": "billing", "status": "escalated"}


async def test_timers_pause_then_close_with_hooks() -> None:
    clock = ManualClock()
    kit = RoomKit(clock=clock)
    fired: list[str] = []

    @kit.hook(HookTrigger.ON_ROOM_PAUSED)
    async def paused(event: RoomEvent, ctx: RoomContext) -> None:
        fired.append(f"paused {ctx.room.id}")

    @kit.hook(HookTrigger.ON_ROOM_CLOSED)
    async def closed(event: RoomEvent, ctx: RoomContext) -> None:
        fired.append(f"closed {ctx.room.id}")

    timers = RoomTimers(inactive_after_seconds=60, closed_after_seconds=600)
    await kit.create_room(room_id="a", timers=timers)
    await kit.create_room(room_id="b", timers=timers)
    await kit.create_room(room_id="forever")
    clock.advance(30)
    assert await kit.check_all_timers() == []
    clock.advance(31)
    moved = await kit.check_all_timers()
    assert sorted(r.id for r in moved) == ["a", "b"]
    assert all(r.status is RoomStatus.PAUSED for r in moved)
    clock.advance(600)
    room = await kit.check_room_timers("a")
    assert room.status is RoomStatus.CLOSED and room.closed_at == clock.now()
    assert [r.id for r in await kit.check_all_timers()] == ["b"]
    assert fired == ["paused a", "paused b", "closed a", "closed b"]
    assert (await kit.get_room("forever")).status is RoomStatus.ACTIVE


async def test_activity_resets_the_inactivity_timer() -> None:
    clock = ManualClock()
    kit = RoomKit(clock=clock)
    kit.register_channel(WebSocketChannel("ws"))
    await kit.create_room(room_id="r", timers=RoomTimers(inactive_after_seconds=60))
    await kit.attach_channel("r", "ws")
    clock.advance(50)
    await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body="x"))
    )
    assert (await kit.get_room("r")).last_activity_at == clock.now()
    clock.advance(50)
    assert (await kit.check_room_timers("r")).status is RoomStatus.ACTIVE
    clock.advance(11)
    assert (await kit.check_room_timers("r")).status is RoomStatus.PAUSED


async def test_timeline_paging() -> None:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    for i in range(25):
        await kit.process_inbound(
            InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body=str(i)))
        )
    page = await kit.get_timeline("r", offset=10, limit=5)
    assert [e.content.body for e in page] == ["10", "11", "12", "13", "14"]
    assert await kit.get_timeline("r", offset=25, limit=5) == []
    assert len(await kit.get_timeline("r")) == 25
    with pytest.raises(RoomNotFoundError):
        await kit.get_timeline("missing")


async def test_channel_registration_and_attachment_errors() -> None:
    kit = RoomKit()
    ws = WebSocketChannel("ws")
    kit.register_channel(ws)
    kit.register_channel(ws)  # the same object again is fine
    with pytest.raises(ChannelAlreadyRegisteredError):
        kit.register_channel(WebSocketChannel("ws"))
    await kit.create_room(room_id="r")
    with pytest.raises(ChannelNotRegisteredError, match="register_channel"):
        await kit.attach_channel("r", "unknown")
    with pytest.raises(RoomNotFoundError):
        await kit.attach_channel("missing", "ws")
    with pytest.raises(ChannelNotFoundError):
        await kit.detach_channel("r", "ws")
    with pytest.raises(ChannelNotFoundError):
        await kit.mute("r", "ws")


async def test_attach_options_and_binding_metadata() -> None:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    await kit.create_room(room_id="r")
    binding = await kit.attach_channel(
        "r", "ws", category=ChannelCategory.INTELLIGENCE, metadata={"temperature": 0.3}
    )
    assert binding.category is ChannelCategory.INTELLIGENCE
    updated = await kit.update_binding_metadata("r", "ws", {"temperature": 0.9, "x": 1})
    assert updated.metadata == {"temperature": 0.9, "x": 1}
    [stored] = await kit.store.list_bindings("r")
    assert stored.metadata == {"temperature": 0.9, "x": 1}
    await kit.mute_output("r", "ws")
    assert (await kit.get_binding("r", "ws")).output_muted
    await kit.unmute_output("r", "ws")
    assert not (await kit.get_binding("r", "ws")).output_muted
    await kit.detach_channel("r", "ws")
    assert await kit.store.list_bindings("r") == []


async def test_lock_objects_do_not_pile_up() -> None:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    for i in range(50):
        await kit.create_room(room_id=f"r{i}")
        await kit.attach_channel(f"r{i}", "ws")
        await kit.process_inbound(
            InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body="x")),
            room_id=f"r{i}",
        )
        await kit.close_room(f"r{i}")
    assert kit._runtime.locks.held_rooms == 0  # type: ignore[attr-defined]


async def test_close_is_idempotent_and_closes_channels() -> None:
    closed: list[str] = []

    class Closing(WebSocketChannel):
        async def close(self) -> None:
            closed.append(self.channel_id)

    kit = RoomKit()
    kit.register_channel(Closing("ws"))
    await kit.close()
    await kit.close()
    assert closed == ["ws"]
