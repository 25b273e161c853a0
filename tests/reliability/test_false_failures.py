"""Once an event is stored, process_inbound returns its result: a hung channel, connection or
AI provider is bounded by the delivery timeout, recorded as a failed delivery, reported to
ON_ERROR, left in the outbox, and AFTER_BROADCAST still runs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from roomkit import (
    HookExecution,
    HookTrigger,
    RoomEvent,
    RoomKit,
    WebSocketChannel,
)
from roomkit.channels.ai import AIChannel
from roomkit.domain.ai import AIContext, AIResponse, AIStreamItem, AITextDelta
from roomkit.domain.enums import DeliveryState
from roomkit.domain.outbox import OutboxState
from roomkit.domain.streaming import StreamError, StreamMessage
from roomkit.ports.store import ConversationStore
from roomkit.providers.ai.mock import MockAIProvider
from roomkit.store.memory import InMemoryStore

from .conftest import room_with_ws, say


class Hanging(WebSocketChannel):
    """A transport whose deliver never returns (a stuck vendor API)."""

    def __init__(self, channel_id: str) -> None:
        super().__init__(channel_id)
        self.cancelled = 0

    async def deliver(self, event, binding, context):  # type: ignore[no-untyped-def]
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise


class WrongType(WebSocketChannel):
    async def deliver(self, event, binding, context):  # type: ignore[no-untyped-def]
        return "sent!"


class HangingProvider(MockAIProvider):
    async def generate(self, context: AIContext) -> AIResponse:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


class BreakingStream(MockAIProvider):
    async def generate_stream(self, context: AIContext) -> AsyncIterator[AIStreamItem]:
        yield AITextDelta(text="Hel")
        raise ConnectionError("stream reset by peer")


async def observed(kit: RoomKit) -> tuple[list[str], list[str]]:
    errors: list[str] = []
    after: list[str] = []

    @kit.hook(HookTrigger.ON_ERROR, execution=HookExecution.ASYNC)
    async def on_error(event, ctx):  # type: ignore[no-untyped-def]
        errors.append(event.content.body)

    @kit.hook(HookTrigger.AFTER_BROADCAST, execution=HookExecution.ASYNC)
    async def after_broadcast(event, ctx):  # type: ignore[no-untyped-def]
        after.append(event.content.body)

    return errors, after


async def test_a_hung_channel_is_a_recorded_failure_not_a_failed_message(
    store: ConversationStore,
) -> None:
    kit, inbox = await room_with_ws(store, delivery_timeout=0.2, process_timeout=5)
    stuck = Hanging("stuck")
    kit.register_channel(stuck)
    await kit.attach_channel("r", "stuck")
    errors, after = await observed(kit)
    results = [await kit.process_inbound(say(f"m{i}")) for i in range(3)]
    assert all(r.event is not None for r in results)
    assert [e.content.body for e in inbox] == ["m0", "m1", "m2"]  # type: ignore[union-attr]
    assert stuck.cancelled == 3
    assert after == ["m0", "m1", "m2"]
    assert errors == ["delivery to channel 'stuck' failed"] * 3
    failures = await kit.store.list_delivery_results("r")
    assert [f.state for f in failures] == [DeliveryState.FAILED] * 3
    assert all("timed out after 0.2s" in (f.error or "") for f in failures)
    if kit.store.supports_outbox:
        dead = await kit.list_dead_letters("r")
        assert sorted(e.event_id for e in dead) == sorted(r.event.id for r in results)  # type: ignore[union-attr]


async def test_a_binding_can_have_its_own_delivery_timeout() -> None:
    kit, _ = await room_with_ws(
        InMemoryStore(),
        delivery_timeout=None,
        process_timeout=None,
    )
    stuck = Hanging("stuck")
    kit.register_channel(stuck)
    binding = await kit.attach_channel("r", "stuck", delivery_timeout=0.1)
    assert binding.delivery_timeout == 0.1
    result = await kit.process_inbound(say("x"))
    assert result.event is not None and stuck.cancelled == 1


async def test_a_hung_ai_provider_is_bounded_and_the_room_goes_on() -> None:
    kit = RoomKit(delivery_timeout=0.2)
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(AIChannel("ai", provider=HangingProvider()))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "ai")
    errors, _after = await observed(kit)
    first = await kit.process_inbound(say("one"))
    second = await kit.process_inbound(say("two"))
    assert first.event is not None and second.event is not None
    assert errors == ["delivery to channel 'ai' failed"] * 2


async def test_a_channel_returning_the_wrong_type_is_a_recorded_failure() -> None:
    kit, inbox = await room_with_ws(InMemoryStore())
    kit.register_channel(WrongType("odd"))
    await kit.attach_channel("r", "odd")
    result = await kit.process_inbound(say("x"))
    assert result.event is not None and len(inbox) == 1
    [failure] = await kit.store.list_delivery_results("r")
    assert "returned str" in (failure.error or "")


async def test_a_broken_ai_stream_tells_streaming_clients() -> None:
    kit = RoomKit()
    ws = WebSocketChannel("ws")
    kit.register_channel(ws)
    kit.register_channel(AIChannel("ai", provider=BreakingStream(streaming=True)))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "ai")
    streamed: list[StreamMessage] = []

    async def plain(_conn: str, _event: RoomEvent) -> None: ...

    async def stream(_conn: str, message: StreamMessage) -> None:
        streamed.append(message)

    ws.register_connection("c", plain, stream, room_id="r")
    result = await kit.process_inbound(say("hi"))
    assert result.event is not None
    kinds = [m.type for m in streamed]
    assert kinds == ["stream_start", "stream_chunk", "stream_error"]
    error = streamed[-1]
    assert isinstance(error, StreamError) and "stream reset by peer" in error.error


async def test_the_inbound_path_yields_to_the_event_loop() -> None:
    kit, _ = await room_with_ws(InMemoryStore())
    ticks = 0
    done = False

    async def ticker() -> None:
        nonlocal ticks
        while not done:
            ticks += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    before = ticks
    for i in range(200):
        await kit.process_inbound(say(f"m{i}"))
    during = ticks - before
    done = True
    await task
    assert during >= 200 // 8  # the other task ran while the loop of messages went on


async def test_messages_from_many_tasks_are_not_held_back_by_that_yield() -> None:
    """A server's requests, each in a task that waits between messages: none of them waits for
    the event loop inside ``process_inbound`` (that yield is for a single task's tight loop)."""
    kit, _ = await room_with_ws(InMemoryStore())
    turns = 0
    done = False

    def count_turn() -> None:
        nonlocal turns
        turns += 1
        if not done:
            asyncio.get_running_loop().call_soon(count_turn)

    asyncio.get_running_loop().call_soon(count_turn)
    suspended = 0

    async def sender(k: int) -> None:
        nonlocal suspended
        for i in range(20):
            before = turns
            await kit.process_inbound(say(f"{k}-{i}"))
            suspended += turns != before
            await asyncio.sleep(0)

    await asyncio.gather(*(sender(k) for k in range(30)))
    done = True
    assert suspended == 0


@pytest.mark.parametrize("bad", [0, -1.0])
def test_timeouts_must_be_positive(bad: float) -> None:
    with pytest.raises(ValueError, match="delivery_timeout"):
        RoomKit(delivery_timeout=bad)


async def test_an_outbox_entry_that_timed_out_can_be_redelivered(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from roomkit_sql import SQLiteStore

    store = SQLiteStore(str(tmp_path / "r.db"))
    kit, _ = await room_with_ws(store, delivery_timeout=0.1)
    flaky = Hanging("flaky")
    kit.register_channel(flaky)
    await kit.attach_channel("r", "flaky")
    result = await kit.process_inbound(say("x"))
    [dead] = await kit.list_dead_letters("r")
    assert dead.event_id == result.event.id and dead.state is OutboxState.DEAD  # type: ignore[union-attr]
    await kit.close()
