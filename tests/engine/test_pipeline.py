"""The inbound pipeline: order, concurrency, idempotency, blocking, reentry, timeouts."""

from __future__ import annotations

import asyncio

import pytest

from roomkit import (
    ChannelCategory,
    ChannelNotFoundError,
    ChannelNotRegisteredError,
    EventStatus,
    HookExecution,
    HookResult,
    HookTrigger,
    InboundMessage,
    RateLimit,
    RoomClosedError,
    RoomContext,
    RoomEvent,
    RoomKit,
    RoomNotFoundError,
    TextContent,
    WebSocketChannel,
)
from roomkit.channels.ai import AIChannel
from roomkit.core.inbound_router import DefaultInboundRoomRouter
from roomkit.domain.errors import ProcessTimeoutError
from roomkit.identity.mock import MockIdentityResolver
from roomkit.models.enums import ChannelType, IdentificationStatus
from roomkit.models.identity import IdentityResult
from roomkit.providers.ai.mock import MockAIProvider


def msg(body: str, channel: str = "ws", sender: str = "user", **kw: object) -> InboundMessage:
    return InboundMessage(
        channel_id=channel, sender_id=sender, content=TextContent(body=body), **kw
    )


async def kit_with_ws(**kit_kwargs: object) -> tuple[RoomKit, WebSocketChannel, list[RoomEvent]]:
    kit = RoomKit(**kit_kwargs)
    ws = WebSocketChannel("ws")
    kit.register_channel(ws)
    inbox: list[RoomEvent] = []

    async def recv(_conn: str, event: RoomEvent) -> None:
        inbox.append(event)

    ws.register_connection("c", recv)
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    return kit, ws, inbox


class RecordingChannel(WebSocketChannel):
    def __init__(self, channel_id: str, log: list[str]) -> None:
        super().__init__(channel_id)
        self.log = log

    async def handle_inbound(self, message, context):  # type: ignore[no-untyped-def]
        self.log.append("2 parse")
        return await super().handle_inbound(message, context)


async def test_steps_run_in_the_spec_order() -> None:
    log: list[str] = []

    class Router(DefaultInboundRoomRouter):
        async def route(self, message, channel_type):  # type: ignore[no-untyped-def]
            log.append("1 route")
            return await super().route(message, channel_type)

    class Resolver(MockIdentityResolver):
        async def resolve(self, message, context):  # type: ignore[no-untyped-def]
            log.append("3 identify")
            return IdentityResult(status=IdentificationStatus.UNKNOWN)

    kit = RoomKit(identity_resolver=Resolver())
    kit._runtime.router = Router(kit.store)  # a router observing the call order
    channel = RecordingChannel("ws", log)
    kit.register_channel(channel)
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")

    async def recv(_conn: str, event: RoomEvent) -> None:
        stored = await kit.store.get_event(event.id)
        log.append(f"9 broadcast (stored={stored is not None})")

    channel.register_connection("c", recv)

    @kit.identity_hook(HookTrigger.ON_IDENTITY_UNKNOWN)
    async def unknown(event: RoomEvent, ctx: RoomContext) -> None:
        log.append("4 identity hooks")

    @kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def before(event: RoomEvent, ctx: RoomContext) -> HookResult:
        log.append(f"7 before_broadcast (stored={await kit.store.get_event(event.id) is not None})")
        return HookResult.allow()

    @kit.hook(HookTrigger.AFTER_BROADCAST, execution=HookExecution.ASYNC)
    async def after(event: RoomEvent, ctx: RoomContext) -> None:
        log.append("10 after_broadcast")

    result = await kit.process_inbound(msg("hi"))
    assert not result.blocked
    assert log == [
        "1 route",
        "2 parse",
        "3 identify",
        "4 identity hooks",
        "7 before_broadcast (stored=False)",
        "9 broadcast (stored=True)",
        "10 after_broadcast",
    ]


async def test_after_broadcast_runs_while_the_room_lock_is_held() -> None:
    kit, _ws, _inbox = await kit_with_ws()
    order: list[str] = []
    gate = asyncio.Event()

    @kit.hook(HookTrigger.AFTER_BROADCAST, execution=HookExecution.ASYNC)
    async def slow(event: RoomEvent, ctx: RoomContext) -> None:
        if event.content.body == "first":
            order.append("first after_broadcast start")
            await gate.wait()
            order.append("first after_broadcast end")

    @kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def before(event: RoomEvent, ctx: RoomContext) -> HookResult:
        order.append(f"before {event.content.body}")
        return HookResult.allow()

    first = asyncio.create_task(kit.process_inbound(msg("first")))
    await asyncio.sleep(0.01)
    second = asyncio.create_task(kit.process_inbound(msg("second")))
    await asyncio.sleep(0.01)
    assert "before second" not in order  # the lock (step 11) is not released yet
    gate.set()
    await asyncio.gather(first, second)
    assert order == [
        "before first",
        "first after_broadcast start",
        "first after_broadcast end",
        "before second",
    ]


async def test_hundreds_of_concurrent_messages_get_gap_free_unique_indexes() -> None:
    kit, _ws, inbox = await kit_with_ws()
    results = await asyncio.gather(*(kit.process_inbound(msg(f"m{i}")) for i in range(400)))
    assert all(not r.blocked for r in results)
    events = await kit.store.list_events("r", limit=1000)
    assert [e.index for e in events] == list(range(400))
    assert len({e.id for e in events}) == 400
    assert sorted(r.event.index for r in results if r.event) == list(range(400))
    assert len(inbox) == 400
    room = await kit.get_room("r")
    assert room.event_count == 400 and room.latest_index == 399


async def test_concurrent_messages_across_rooms_keep_per_room_sequences() -> None:
    kit = RoomKit()
    ws = WebSocketChannel("ws")
    kit.register_channel(ws)
    for i in range(5):
        await kit.create_room(room_id=f"r{i}")
        await kit.attach_channel(f"r{i}", "ws")
    await asyncio.gather(
        *(kit.process_inbound(msg(f"m{j}"), room_id=f"r{j % 5}") for j in range(250))
    )
    for i in range(5):
        events = await kit.store.list_events(f"r{i}", limit=100)
        assert [e.index for e in events] == list(range(50))


async def test_repeated_provider_message_id_returns_first_result_and_stores_nothing() -> None:
    kit, _ws, inbox = await kit_with_ws()
    first = await kit.process_inbound(msg("hello", provider_message_id="SM123"))
    again = await kit.process_inbound(msg("hello", provider_message_id="SM123"))
    assert again.duplicate and not first.duplicate
    assert again.event is not None and first.event is not None
    assert again.event.id == first.event.id
    assert await kit.store.get_event_count("r") == 1
    assert len(inbox) == 1


async def test_concurrent_redelivery_is_stored_once() -> None:
    kit, _ws, inbox = await kit_with_ws()
    results = await asyncio.gather(
        *(kit.process_inbound(msg("hello", provider_message_id="dup")) for _ in range(20))
    )
    assert await kit.store.get_event_count("r") == 1
    assert len({r.event.id for r in results if r.event}) == 1
    assert sum(r.duplicate for r in results) == 19
    assert len(inbox) == 1


async def test_blocked_message_is_stored_as_blocked_and_not_broadcast() -> None:
    kit, _ws, inbox = await kit_with_ws()

    @kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def block(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.block("nope")

    result = await kit.process_inbound(msg("spam"))
    assert result.blocked and result.reason == "nope"
    assert inbox == []
    [stored] = await kit.get_timeline("r")
    assert stored.status is EventStatus.BLOCKED
    assert stored.blocked_by == "nope"


async def test_modified_event_is_what_gets_stored_and_delivered() -> None:
    kit, _ws, inbox = await kit_with_ws()

    @kit.hook(HookTrigger.BEFORE_BROADCAST)
    async def redact(event: RoomEvent, ctx: RoomContext) -> HookResult:
        return HookResult.modify(event.model_copy(update={"content": TextContent(body="[x]")}))

    result = await kit.process_inbound(msg("secret"))
    assert result.event is not None and result.event.content.body == "[x]"
    assert inbox[0].content.body == "[x]"
    assert (await kit.get_timeline("r"))[0].content.body == "[x]"


async def test_unknown_room_channel_and_unattached_channel_raise_spec_errors() -> None:
    kit, _ws, _ = await kit_with_ws()
    with pytest.raises(RoomNotFoundError):
        await kit.process_inbound(msg("x"), room_id="missing")
    with pytest.raises(ChannelNotRegisteredError):
        await kit.process_inbound(msg("x", channel="nope"))
    kit.register_channel(WebSocketChannel("floating"))
    with pytest.raises(ChannelNotFoundError):
        await kit.process_inbound(msg("x", channel="floating"))
    with pytest.raises(ChannelNotFoundError, match="floating"):
        await kit.process_inbound(msg("x", channel="floating"), room_id="r")


async def test_closed_room_refuses_messages_with_a_clear_error() -> None:
    kit, _ws, _ = await kit_with_ws()
    await kit.close_room("r")
    with pytest.raises(RoomClosedError, match="'r' is closed"):
        await kit.process_inbound(msg("x"))
    await kit.archive_room("r")
    with pytest.raises(RoomClosedError, match="archived"):
        await kit.process_inbound(msg("x"), room_id="r")


async def test_reentry_stores_ai_reply_with_chain_depth_one() -> None:
    kit, _ws, inbox = await kit_with_ws()
    kit.register_channel(AIChannel("ai", provider=MockAIProvider(responses=["pong"])))
    await kit.attach_channel("r", "ai", category=ChannelCategory.INTELLIGENCE)
    result = await kit.process_inbound(msg("ping"))
    user, reply = await kit.get_timeline("r")
    assert user.chain_depth == 0 and reply.chain_depth == 1
    assert reply.parent_event_id == user.id == result.event.id  # type: ignore[union-attr]
    assert reply.source.channel_id == "ai"
    assert [e.content.body for e in inbox] == ["ping", "pong"]


async def test_ai_to_ai_loop_stops_at_max_chain_depth_visibly() -> None:
    kit, _ws, inbox = await kit_with_ws(max_chain_depth=3)
    kit.register_channel(AIChannel("a", provider=MockAIProvider(responses=["from a"])))
    kit.register_channel(AIChannel("b", provider=MockAIProvider(responses=["from b"])))
    await kit.attach_channel("r", "a", category=ChannelCategory.INTELLIGENCE)
    await kit.attach_channel("r", "b", category=ChannelCategory.INTELLIGENCE)
    await kit.process_inbound(msg("start"))
    events = await kit.get_timeline("r", limit=100)
    delivered = [e for e in events if e.status is EventStatus.DELIVERED]
    stopped = [e for e in events if e.status is EventStatus.BLOCKED]
    assert max(e.chain_depth for e in delivered) == 3
    assert stopped and all("max_chain_depth" in (e.blocked_by or "") for e in stopped)
    assert all(e.chain_depth == 4 for e in stopped)
    assert len(inbox) == len(delivered)


async def test_process_timeout_raises_clear_error() -> None:
    kit, _ws, _ = await kit_with_ws(process_timeout=0.05)

    @kit.hook(HookTrigger.BEFORE_BROADCAST, timeout=None)
    async def slow(event: RoomEvent, ctx: RoomContext) -> HookResult:
        await asyncio.sleep(1)
        return HookResult.allow()

    with pytest.raises(ProcessTimeoutError, match=r"process_timeout=0\.05"):
        await kit.process_inbound(msg("x"))
    # the room stays usable afterwards: the lock was released
    kit._runtime.hooks = type(kit._runtime.hooks)()
    result = await kit.process_inbound(msg("y"))
    assert not result.blocked and result.event is not None


async def test_inbound_rate_limit_blocks_excess_messages() -> None:
    kit, _ws, inbox = await kit_with_ws(inbound_rate_limit=RateLimit(max_per_second=2.0))
    results = [await kit.process_inbound(msg(f"m{i}")) for i in range(4)]
    assert [r.blocked for r in results] == [False, False, True, True]
    assert results[2].reason == "inbound rate limit exceeded"
    assert len(inbox) == 2


async def test_paused_room_is_reactivated_by_a_message() -> None:
    from roomkit import RoomStatus, RoomTimers
    from roomkit.core.clock import ManualClock

    clock = ManualClock()
    kit, _ws, inbox = await kit_with_ws(clock=clock)
    await kit.set_room_timers("r", RoomTimers(inactive_after_seconds=60))
    clock.advance(61)
    assert (await kit.check_room_timers("r")).status is RoomStatus.PAUSED
    await kit.process_inbound(msg("back"))
    assert (await kit.get_room("r")).status is RoomStatus.ACTIVE
    assert len(inbox) == 1


async def test_read_only_sender_is_refused_and_write_only_channel_gets_nothing() -> None:
    from roomkit import Access

    kit, _ws, inbox = await kit_with_ws()
    reader = WebSocketChannel("reader")
    writer = WebSocketChannel("writer")
    got: dict[str, list[str]] = {"reader": [], "writer": []}
    for ch in (reader, writer):
        kit.register_channel(ch)

        async def recv(_c: str, e: RoomEvent, name: str = ch.channel_id) -> None:
            got[name].append(e.content.body)

        ch.register_connection("c", recv)
    await kit.attach_channel("r", "reader", access=Access.READ_ONLY)
    await kit.attach_channel("r", "writer", access=Access.WRITE_ONLY)
    await kit.process_inbound(msg("from writer", channel="writer"))
    refused = await kit.process_inbound(msg("from reader", channel="reader"))
    assert refused.blocked and "read_only" in (refused.reason or "")
    assert got == {"reader": ["from writer"], "writer": []}
    assert [e.content.body for e in inbox] == ["from writer"]


async def test_identity_channel_types_default_resolves_everyone() -> None:
    resolver = MockIdentityResolver()
    kit, _ws, _ = await kit_with_ws(
        identity_resolver=resolver, identity_channel_types=[ChannelType.SMS]
    )
    await kit.process_inbound(msg("x"))
    assert resolver.calls == []  # websocket is not in identity_channel_types
