"""close_room and detach_channel against messages in flight: nothing is stored after
close_room returns, nothing reaches a channel after detach_channel returns."""

from __future__ import annotations

import asyncio

from roomkit import HookResult, HookTrigger, RoomClosedError, RoomEvent, RoomKit, WebSocketChannel
from roomkit.domain.errors import ChannelNotFoundError
from roomkit.domain.outbox import OutboxState
from roomkit.ports.store import ConversationStore

from .conftest import room_with_ws, say

SENDERS = 30


async def slow_hook(kit: RoomKit) -> None:
    @kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def slow(event, ctx):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.002)
        return HookResult.allow()


async def test_nothing_is_stored_after_close_room_returns(store: ConversationStore) -> None:
    kit, _ = await room_with_ws(store)
    await slow_hook(kit)
    outcomes: list[str] = []

    async def sender(i: int) -> None:
        try:
            await kit.process_inbound(say(f"m{i}", sender=f"u{i}"), room_id="r")
            outcomes.append("stored")
        except RoomClosedError:
            outcomes.append("refused")

    tasks = [asyncio.create_task(sender(i)) for i in range(SENDERS)]
    await asyncio.sleep(0.005)  # let a few get in
    await kit.close_room("r")
    at_close = await kit.store.get_event_count("r")
    await asyncio.gather(*tasks)
    assert await kit.store.get_event_count("r") == at_close
    assert outcomes.count("stored") == at_close
    assert outcomes.count("refused") == SENDERS - at_close


async def test_nothing_reaches_a_channel_after_detach_channel_returns(
    store: ConversationStore,
) -> None:
    kit, _ = await room_with_ws(store)
    await slow_hook(kit)
    late = WebSocketChannel("late")
    kit.register_channel(late)
    await kit.attach_channel("r", "late")
    got: list[str] = []
    detached = asyncio.Event()
    after_detach: list[str] = []

    async def recv(_conn: str, event: RoomEvent) -> None:
        got.append(event.id)
        if detached.is_set():
            after_detach.append(event.id)

    late.register_connection("c", recv)
    tasks = [
        asyncio.create_task(kit.process_inbound(say(f"m{i}", sender=f"u{i}"), room_id="r"))
        for i in range(SENDERS)
    ]
    await asyncio.sleep(0.005)
    await kit.detach_channel("r", "late")
    detached.set()
    results = await asyncio.gather(*tasks)
    assert after_detach == []
    assert all(r.event is not None for r in results)
    if kit.store.supports_outbox:  # no outbox entry for the detached channel after detach
        stored_after = {r.event.id for r in results if r.event is not None} - set(got)
        pending = await kit.store.list_outbox(OutboxState.PENDING)
        assert not any(e.channel_id == "late" and e.event_id in stored_after for e in pending)


async def test_a_pending_outbox_entry_of_a_detached_channel_is_dropped_not_sent(
    store: ConversationStore,
) -> None:
    if not store.supports_outbox:
        return
    kit, _ = await room_with_ws(store)
    gone = WebSocketChannel("gone")
    kit.register_channel(gone)
    await kit.attach_channel("r", "gone")
    sent: list[str] = []

    async def recv(_conn: str, event: RoomEvent) -> None:
        sent.append(event.id)

    gone.register_connection("c", recv)
    event = await kit.store.add_event(
        (await kit.process_inbound(say("seed"))).event.model_copy(  # type: ignore[union-attr]
            update={"id": "pending-one", "provider_message_id": None, "index": 0}
        ),
        ["gone"],
    )
    sent.clear()
    await kit.detach_channel("r", "gone")
    assert await kit.recover_deliveries(older_than=0) == 0
    assert sent == []
    assert [e.channel_id for e in await kit.store.list_outbox(OutboxState.DROPPED)] == ["gone"]
    try:
        await kit.redeliver(event.id, "gone")
    except ChannelNotFoundError:
        pass
    assert sent == []


async def test_a_hook_may_close_its_own_room_without_deadlock() -> None:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")

    @kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def goodbye(event, ctx):  # type: ignore[no-untyped-def]
        if event.content.body == "bye":
            await kit.detach_channel(ctx.room.id, "ws")
            await kit.close_room(ctx.room.id)
        return HookResult.allow()

    await asyncio.wait_for(kit.process_inbound(say("bye"), room_id="r"), timeout=60)
    assert (await kit.get_room("r")).status == "closed"
