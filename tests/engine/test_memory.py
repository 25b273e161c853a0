"""The memory hook point of AI channels."""

from __future__ import annotations

from roomkit import Agent, ChannelCategory, InboundMessage, RoomKit, TextContent, WebSocketChannel
from roomkit.memory import MemoryProvider
from roomkit.memory.sliding_window import SlidingWindowMemory
from roomkit.providers.ai.base import AIMessage
from roomkit.providers.ai.mock import MockAIProvider


async def room_with(agent: Agent) -> RoomKit:
    kit = RoomKit()
    kit.register_channel(WebSocketChannel("ws"))
    kit.register_channel(agent)
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", agent.channel_id, category=ChannelCategory.INTELLIGENCE)
    return kit


def say(body: str) -> InboundMessage:
    return InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body=body))


async def test_sliding_window_keeps_the_last_events_before_the_current_one() -> None:
    provider = MockAIProvider(responses=["ok"])
    kit = await room_with(
        Agent("agent", provider=provider, memory=SlidingWindowMemory(max_events=2))
    )
    for body in ("one", "two", "three"):
        await kit.process_inbound(say(body))
    last = provider.calls[-1]
    # window of 2 before "three": the reply "ok" to "two", and "two"'s own reply order
    assert [(m.role, m.content) for m in last.messages] == [
        ("user", "two"),
        ("assistant", "ok"),
        ("user", "three"),
    ]


async def test_custom_memory_replaces_the_history() -> None:
    class Summary(MemoryProvider):
        async def retrieve(self, *, room_id, channel_id, current, context, history):  # type: ignore[no-untyped-def]
            return [AIMessage(role="system", content=f"{len(history) - 1} earlier events")]

    provider = MockAIProvider(responses=["ok"])
    kit = await room_with(Agent("agent", provider=provider, memory=Summary()))
    await kit.process_inbound(say("a"))
    await kit.process_inbound(say("b"))
    assert [(m.role, m.content) for m in provider.calls[-1].messages] == [
        ("system", "2 earlier events"),
        ("user", "b"),
    ]
