"""The in-memory store answers the inbound path with the same snapshot while a room is unchanged,
so the pipeline's second look (under the room's lock) costs no rebuild; any change ends that."""

from __future__ import annotations

from roomkit import (
    HookResult,
    HookTrigger,
    InboundMessage,
    RoomContext,
    RoomKit,
    TextContent,
    WebSocketChannel,
)
from roomkit.domain.channel import ChannelBinding
from roomkit.domain.enums import ChannelType
from roomkit.domain.event import EventSource, RoomEvent
from roomkit.domain.room import Room
from roomkit.plugins.builtin.memory_store import InMemoryStore


def _event(body: str) -> RoomEvent:
    return RoomEvent(
        room_id="r",
        source=EventSource(channel_id="ws", channel_type=ChannelType.WEBSOCKET),
        content=TextContent(body=body),
    )


async def test_the_same_snapshot_comes_back_until_the_room_changes() -> None:
    store = InMemoryStore()
    await store.create_room(Room(id="r"))
    await store.add_binding(
        ChannelBinding(room_id="r", channel_id="ws", channel_type=ChannelType.WEBSOCKET)
    )
    first = await store.cached_room_snapshot("r", 5)
    assert first is not None
    assert await store.cached_room_snapshot("r", 5) is first
    assert await store.cached_room_snapshot("r", 2) is not first  # another event limit
    await store.add_event(_event("hello"))
    after = await store.cached_room_snapshot("r", 5)
    assert after is not None and after is not first
    assert [e.content.body for e in after.recent_events] == ["hello"]  # type: ignore[union-attr]
    # the plain read stays a fresh copy a caller may keep and change
    fresh = await store.get_room_snapshot("r", 5)
    assert fresh is not None and fresh is not after and fresh.bindings is not after.bindings


async def test_a_store_that_writes_its_own_way_reads_afresh_each_time() -> None:
    class CountsAppends(InMemoryStore):
        appends = 0

        async def add_event(self, event: RoomEvent, deliveries: object = ()) -> RoomEvent:
            self.appends += 1
            return await super().add_event(event)

    store = CountsAppends()
    await store.create_room(Room(id="r"))
    first = await store.cached_room_snapshot("r", 5)
    assert first is not None
    assert await store.cached_room_snapshot("r", 5) is not first


async def test_hooks_see_the_previous_messages_and_a_sender_added_on_the_way() -> None:
    """The context a message's hooks get is the room under the lock: the messages before it
    and the participant its own identification added after the first look."""
    kit = RoomKit()
    await kit.create_room(room_id="r")
    seen: list[tuple[list[str], list[str]]] = []

    @kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def record(event: RoomEvent, context: RoomContext) -> HookResult:
        seen.append(
            (
                [e.content.body for e in context.recent_events],  # type: ignore[union-attr]
                [p.external_id or "" for p in context.participants],
            )
        )
        return HookResult.allow()

    kit.register_channel(WebSocketChannel("in"))
    await kit.attach_channel("r", "in")
    for i, sender in enumerate(["ann", "bob", "ann"]):
        await kit.process_inbound(
            InboundMessage(channel_id="in", sender_id=sender, content=TextContent(body=f"m{i}"))
        )
    assert seen == [([], ["ann"]), (["m0"], ["ann", "bob"]), (["m0", "m1"], ["ann", "bob"])]
