"""AIChannel behaviour: settings precedence, tools, bounded loops, streaming, vision, errors,
mute and mute_output."""

from __future__ import annotations

import asyncio
from typing import Any

from roomkit import (
    ChannelCategory,
    HookTrigger,
    InboundMessage,
    MediaContent,
    RoomContext,
    RoomEvent,
    RoomKit,
    TextContent,
    ToolCallEvent,
    WebSocketChannel,
)
from roomkit.channels.ai import AIChannel
from roomkit.models.enums import DeliveryState
from roomkit.providers.ai.base import AIImagePart, AIResponse
from roomkit.providers.ai.mock import MockAIProvider


class Recorder(AIChannel):
    """An AI channel that records every event it is shown."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: list[str] = []

    async def on_event(self, event, binding, context):  # type: ignore[no-untyped-def]
        self.seen.append(event.content.body)
        return await super().on_event(event, binding, context)


async def setup(ai: AIChannel, **attach: Any) -> tuple[RoomKit, list[RoomEvent]]:
    kit = RoomKit()
    ws = WebSocketChannel("ws")
    inbox: list[RoomEvent] = []

    async def receive(_conn: str, event: RoomEvent) -> None:
        inbox.append(event)

    ws.register_connection("c", receive)
    kit.register_channel(ws)
    kit.register_channel(ai)
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", ai.channel_id, category=ChannelCategory.INTELLIGENCE, **attach)
    return kit, inbox


def say(body: str) -> InboundMessage:
    return InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body=body))


async def test_binding_metadata_overrides_constructor_settings() -> None:
    provider = MockAIProvider(responses=["ok"])
    ai = AIChannel(
        "ai",
        provider=provider,
        system_prompt="general",
        temperature=0.7,
        thinking_budget=1024,
        tools=[{"name": "a", "description": "A"}],
    )
    kit, _ = await setup(ai, metadata={"system_prompt": "billing", "tools": [{"name": "b"}]})
    await kit.process_inbound(say("one"))
    await kit.update_binding_metadata("r", "ai", {"temperature": 0.1})
    await kit.process_inbound(say("two"))
    first, second = provider.calls
    assert (first.system_prompt, first.temperature, first.thinking_budget) == ("billing", 0.7, 1024)
    assert [t.name for t in first.tools] == ["a", "b"]
    assert second.temperature == 0.1
    assert [(m.role, m.content) for m in second.messages] == [
        ("user", "one"),
        ("assistant", "ok"),
        ("user", "two"),
    ]


async def test_failing_tools_report_errors_to_the_model() -> None:
    async def handler(name: str, arguments: dict[str, Any]) -> str:
        raise RuntimeError("database down")

    provider = MockAIProvider(
        responses=[
            AIResponse(
                tool_calls=[
                    {"id": "1", "name": "lookup", "arguments": {}},  # type: ignore[list-item]
                    {"id": "2", "name": "unknown_tool", "arguments": {}},  # type: ignore[list-item]
                ]
            ),
            "sorry",
        ]
    )
    ai = AIChannel("ai", provider=provider, tools=[{"name": "lookup"}], tool_handler=handler)
    kit, inbox = await setup(ai)
    await kit.process_inbound(say("find it"))
    results = provider.calls[1].messages[-1].tool_results
    assert [r.is_error for r in results] == [True, True]
    assert "database down" in results[0].result and "unknown_tool" in results[1].result
    assert inbox[-1].content.body == "sorry"


async def test_tool_loop_is_bounded() -> None:
    provider = MockAIProvider(responses=[MockAIProvider.tool_call("again", content="still going")])
    calls: list[str] = []

    async def handler(name: str, arguments: dict[str, Any]) -> str:
        calls.append(name)
        return "more"

    ai = AIChannel(
        "ai", provider=provider, tools=[{"name": "again"}], tool_handler=handler, max_tool_rounds=3
    )
    kit, inbox = await setup(ai)
    hooks: list[ToolCallEvent] = []

    @kit.hook(HookTrigger.ON_TOOL_CALL)
    async def on_tool(event: ToolCallEvent, ctx: RoomContext) -> None:
        hooks.append(event)

    await kit.process_inbound(say("loop"))
    assert len(provider.calls) == 4 and len(calls) == 3
    assert [h.round for h in hooks] == [0, 1, 2]
    assert inbox[-1].content.body == "still going"


async def test_provider_error_is_a_recorded_failed_delivery() -> None:
    ai = AIChannel("ai", provider=MockAIProvider(error=TimeoutError("model timed out")))
    kit, inbox = await setup(ai)
    errors: list[dict[str, Any]] = []

    @kit.hook(HookTrigger.ON_ERROR)
    async def on_error(event: RoomEvent, ctx: RoomContext) -> None:
        errors.append(event.content.data)

    result = await kit.process_inbound(say("hello"))
    assert not result.blocked and [e.content.body for e in inbox] == ["hello"]
    [failure] = await kit.store.list_delivery_results("r")
    assert failure.channel_id == "ai" and failure.state is DeliveryState.FAILED
    assert "model timed out" in (failure.error or "")
    assert errors[0]["channel_id"] == "ai"
    assert await kit.store.get_event_count("r") == 1


async def test_mute_output_sees_messages_without_answering() -> None:
    provider = MockAIProvider(responses=["answer"])
    ai = Recorder("ai", provider=provider)
    kit, inbox = await setup(ai)
    await kit.mute_output("r", "ai")
    await kit.process_inbound(say("while muted"))
    assert ai.seen == ["while muted"] and provider.calls == []
    assert [e.content.body for e in inbox] == ["while muted"]
    await kit.unmute_output("r", "ai")
    await kit.process_inbound(say("now"))
    assert [m.content for m in provider.calls[0].messages] == ["while muted", "now"]
    assert inbox[-1].content.body == "answer"


async def test_mute_calls_the_provider_but_drops_the_reply() -> None:
    provider = MockAIProvider(responses=["dropped"])
    kit, inbox = await setup(AIChannel("ai", provider=provider))
    await kit.mute("r", "ai")
    await kit.process_inbound(say("hi"))
    assert len(provider.calls) == 1
    assert [e.content.body for e in inbox] == ["hi"]
    assert await kit.store.get_event_count("r") == 1


async def test_vision_and_text_fallback() -> None:
    image = MediaContent(url="https://x/cat.png", mime_type="image/png", caption="my cat")
    seeing = MockAIProvider(responses=["a cat"])
    kit, _ = await setup(AIChannel("ai", provider=seeing))
    await kit.process_inbound(InboundMessage(channel_id="ws", sender_id="u", content=image))
    parts = seeing.calls[0].messages[-1].content
    assert any(isinstance(p, AIImagePart) and p.url == "https://x/cat.png" for p in parts)

    blind = MockAIProvider(responses=["?"])
    blind.supports_vision = False
    kit, _ = await setup(AIChannel("ai", provider=blind))
    await kit.process_inbound(InboundMessage(channel_id="ws", sender_id="u", content=image))
    assert blind.calls[0].messages[-1].content == "[Media: my cat]"


async def test_streaming_reaches_stream_connections_and_plain_ones_get_the_event() -> None:
    provider = MockAIProvider(responses=["streamed reply"], streaming=True, chunk_size=5)
    kit, inbox = await setup(AIChannel("ai", provider=provider))
    viewer = WebSocketChannel("viewer")
    stream: list[Any] = []
    plain: list[RoomEvent] = []

    async def on_stream(_conn: str, message: Any) -> None:
        stream.append(message)

    async def on_plain(_conn: str, event: RoomEvent) -> None:
        plain.append(event)

    viewer.register_connection("streaming", on_plain, stream_send_fn=on_stream)
    kit.register_channel(viewer)
    await kit.attach_channel("r", "viewer")
    await kit.process_inbound(say("go"))
    kinds = [m.type for m in stream]
    assert kinds[0] == "stream_start" and kinds[-1] == "stream_end"
    assert "".join(m.delta for m in stream if m.type == "stream_chunk") == "streamed reply"
    assert stream[-1].event.content.body == "streamed reply"
    assert [e.content.body for e in plain] == ["go"]  # the reply came as a stream, not twice
    assert [e.content.body for e in inbox] == ["go", "streamed reply"]


async def test_concurrent_rooms_share_one_ai_channel() -> None:
    provider = MockAIProvider(responses=["ok"])
    ai = AIChannel("ai", provider=provider)
    kit, _ = await setup(ai)
    for i in range(5):
        await kit.create_room(room_id=f"x{i}")
        await kit.attach_channel(f"x{i}", "ws")
        await kit.attach_channel(f"x{i}", "ai", category=ChannelCategory.INTELLIGENCE)
    await asyncio.gather(*(kit.process_inbound(say(f"m{i}"), room_id=f"x{i}") for i in range(5)))
    for i in range(5):
        assert [e.content.body for e in await kit.get_timeline(f"x{i}")] == [f"m{i}", "ok"]
