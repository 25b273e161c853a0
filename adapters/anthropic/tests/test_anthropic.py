"""The Anthropic adapter on the real SDK, against the loopback fake of the Messages API."""

from __future__ import annotations

import os
from typing import Any

import pytest

from roomkit import (
    ChannelCategory,
    InboundMessage,
    MediaContent,
    RoomEvent,
    RoomKit,
    TextContent,
    WebSocketChannel,
)
from roomkit.channels.ai import AIChannel
from roomkit.domain.channel import RetryPolicy
from roomkit.domain.errors import (
    AIAuthenticationError,
    AIProviderUnavailableError,
    AIRateLimitError,
    AIStreamError,
    AITimeoutError,
)
from roomkit.models.enums import DeliveryState
from roomkit.providers.ai.base import AIContext, AIMessage, AIToolCall, AIToolResult
from roomkit.providers.anthropic.ai import AnthropicAIProvider
from roomkit.providers.anthropic.config import AnthropicConfig
from roomkit_contracts import AIProviderContract
from roomkit_fakes import AnthropicFake

NO_WAIT = RetryPolicy(max_retries=2, base_delay_seconds=0)


def provider_for(fake: AnthropicFake, **config: Any) -> AnthropicAIProvider:
    return AnthropicAIProvider(
        AnthropicConfig(api_key="sk-test", base_url=fake.base_url, retry=NO_WAIT, **config)
    )


class TestAnthropicContract(AIProviderContract):
    supports_streaming = True
    supports_vision = True

    @pytest.fixture
    def provider(self, anthropic_fake: AnthropicFake) -> AnthropicAIProvider:
        anthropic_fake.default.text = "Hello from Claude"
        return provider_for(anthropic_fake)

    @pytest.fixture
    def tool_call_provider(self, anthropic_fake: AnthropicFake) -> AnthropicAIProvider:
        anthropic_fake.reply_tool_call("get_weather", {"city": "Paris"}, call_id="toolu_1")
        return provider_for(anthropic_fake)

    @pytest.fixture
    def scripted_tool_call_provider(self, anthropic_fake: AnthropicFake) -> AnthropicAIProvider:
        anthropic_fake.reply_tool_call("get_weather", {"city": "Paris"}, call_id="toolu_1")
        return provider_for(anthropic_fake)


async def test_request_body_follows_the_messages_api(anthropic_fake: AnthropicFake) -> None:
    provider = provider_for(anthropic_fake, model="claude-test", max_tokens=300)
    context = AIContext(
        system_prompt="Be brief.",
        temperature=0.2,
        messages=[
            AIMessage(role="assistant", content="Hi, I'm the bot."),
            AIMessage(role="user", content="one"),
            AIMessage(role="user", content="two"),
            AIMessage(
                role="assistant",
                content="",
                tool_calls=[AIToolCall(id="toolu_9", name="lookup", arguments={"q": "x"})],
            ),
            AIMessage(
                role="tool",
                tool_results=[AIToolResult(tool_call_id="toolu_9", name="lookup", result="42")],
            ),
        ],
        tools=[{"name": "lookup", "description": "Look up", "parameters": {"type": "object"}}],  # type: ignore[list-item]
    )
    await provider.generate(context)
    sent = anthropic_fake.last
    key = sent.headers.get("x-api-key") or sent.headers["authorization"].removeprefix("Bearer ")
    assert key == "sk-test" and "anthropic-version" in sent.headers
    body = sent.body
    assert body["model"] == "claude-test" and body["max_tokens"] == 300
    assert body["temperature"] == 0.2
    assert body["system"] == "Be brief.\n\nEarlier in this conversation you said: Hi, I'm the bot."
    assert body["messages"] == [
        {
            "role": "user",
            "content": [{"type": "text", "text": "one"}, {"type": "text", "text": "two"}],
        },
        {
            "role": "assistant",
            "content": [
                {"type": "tool_use", "id": "toolu_9", "name": "lookup", "input": {"q": "x"}}
            ],
        },
        {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": "toolu_9",
                    "content": "42",
                    "is_error": False,
                }
            ],
        },
    ]
    assert body["tools"] == [
        {"name": "lookup", "description": "Look up", "input_schema": {"type": "object"}}
    ]


async def test_thinking_and_images(anthropic_fake: AnthropicFake) -> None:
    anthropic_fake.reply_text("A chart.", thinking="It rises.")
    provider = provider_for(anthropic_fake)
    from roomkit.providers.ai.base import AIImagePart, AITextPart

    response = await provider.generate(
        AIContext(
            thinking_budget=2048,
            temperature=0.5,
            messages=[
                AIMessage(
                    role="user",
                    content=[AITextPart(text="What is this?"), AIImagePart(url="https://x/c.png")],
                )
            ],
        )
    )
    body = anthropic_fake.last.body
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assert body["max_tokens"] > 2048 and "temperature" not in body
    assert body["messages"][0]["content"][1] == {
        "type": "image",
        "source": {"type": "url", "url": "https://x/c.png"},
    }
    assert (response.content, response.thinking) == ("A chart.", "It rises.")
    assert (response.usage.input_tokens, response.usage.output_tokens) == (11, 7)


async def test_streamed_tool_call_is_assembled(anthropic_fake: AnthropicFake) -> None:
    anthropic_fake.reply_tool_call(
        "get_weather", {"city": "São Paulo", "units": "c"}, "toolu_2", text="Checking."
    )
    items = [
        i
        async for i in provider_for(anthropic_fake).generate_stream(
            AIContext(messages=[AIMessage(role="user", content="weather?")])
        )
    ]
    final = items[-1]
    assert "".join(i.text for i in items[:-1]) == "Checking." == final.content  # type: ignore[union-attr]
    assert final.tool_calls[0].arguments == {"city": "São Paulo", "units": "c"}  # type: ignore[union-attr]
    assert anthropic_fake.last.body["stream"] is True


async def test_errors_map_to_framework_errors(anthropic_fake: AnthropicFake) -> None:
    provider = provider_for(anthropic_fake)
    context = AIContext(messages=[AIMessage(role="user", content="hi")])
    anthropic_fake.reply_error(401)
    with pytest.raises(AIAuthenticationError, match=r"anthropic \(401\): the API key was refused"):
        await provider.generate(context)
    anthropic_fake.reply_error(429).reply_error(429).reply_error(429)
    with pytest.raises(AIRateLimitError, match="429"):
        await provider.generate(context)
    assert len(anthropic_fake.requests) == 4  # 1 + 3 attempts (2 retries)
    anthropic_fake.reply_error(500).reply_text("recovered")
    assert (await provider.generate(context)).content == "recovered"
    anthropic_fake.reply_error(529).reply_error(529).reply_error(529)
    with pytest.raises(AIProviderUnavailableError, match="529"):
        await provider.generate(context)


async def test_timeouts_are_bounded(anthropic_fake: AnthropicFake) -> None:
    anthropic_fake.reply_slowly(1.0)
    provider = provider_for(anthropic_fake, timeout=0.2)
    with pytest.raises(AITimeoutError, match="anthropic"):
        await provider.generate(AIContext(messages=[AIMessage(role="user", content="hi")]))


async def test_truncated_stream_is_an_error(anthropic_fake: AnthropicFake) -> None:
    anthropic_fake.reply_truncated("This answer never fin")
    with pytest.raises(AIStreamError, match="anthropic"):
        async for _ in provider_for(anthropic_fake).generate_stream(
            AIContext(messages=[AIMessage(role="user", content="hi")])
        ):
            pass


async def room(fake: AnthropicFake, **ai: Any) -> tuple[RoomKit, list[RoomEvent]]:
    kit = RoomKit()
    ws = WebSocketChannel("ws")
    inbox: list[RoomEvent] = []

    async def receive(_conn: str, event: RoomEvent) -> None:
        inbox.append(event)

    ws.register_connection("c", receive)
    kit.register_channel(ws)
    kit.register_channel(AIChannel("claude", provider=provider_for(fake), **ai))
    await kit.create_room(room_id="r")
    await kit.attach_channel("r", "ws")
    await kit.attach_channel("r", "claude", category=ChannelCategory.INTELLIGENCE)
    return kit, inbox


async def test_room_tool_call_end_to_end(anthropic_fake: AnthropicFake) -> None:
    anthropic_fake.reply_tool_call("get_weather", {"city": "Paris"}, "toolu_7")
    anthropic_fake.reply_text("It is 22 degrees in Paris.")
    handled: list[dict[str, Any]] = []

    async def handler(name: str, arguments: dict[str, Any]) -> str:
        handled.append(arguments)
        return '{"temperature": 22}'

    tools = [
        {
            "name": "get_weather",
            "description": "Weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        }
    ]
    kit, inbox = await room(
        anthropic_fake, tools=tools, tool_handler=handler, system_prompt="You report the weather."
    )
    await kit.process_inbound(
        InboundMessage(
            channel_id="ws", sender_id="u", content=TextContent(body="Weather in Paris?")
        )
    )
    assert handled == [{"city": "Paris"}]
    assert [e.content.body for e in inbox] == ["Weather in Paris?", "It is 22 degrees in Paris."]
    first, second = (r.body for r in anthropic_fake.requests)
    assert first["system"] == "You report the weather."
    assert first["tools"][0]["input_schema"]["properties"] == {"city": {"type": "string"}}
    assert second["messages"][-1] == {
        "role": "user",
        "content": [
            {
                "type": "tool_result",
                "tool_use_id": "toolu_7",
                "content": '{"temperature": 22}',
                "is_error": False,
            }
        ],
    }


async def test_vision_through_a_room(anthropic_fake: AnthropicFake) -> None:
    kit, _ = await room(anthropic_fake)
    await kit.process_inbound(
        InboundMessage(
            channel_id="ws",
            sender_id="u",
            content=MediaContent(
                url="https://example.com/chart.png", mime_type="image/png", caption="my chart"
            ),
        )
    )
    blocks = anthropic_fake.last.body["messages"][-1]["content"]
    assert {
        "type": "image",
        "source": {"type": "url", "url": "https://example.com/chart.png"},
    } in blocks


async def test_provider_outage_is_a_failed_delivery_not_a_stored_reply(
    anthropic_fake: AnthropicFake,
) -> None:
    for _ in range(3):
        anthropic_fake.reply_error(503)
    kit, inbox = await room(anthropic_fake)
    result = await kit.process_inbound(
        InboundMessage(channel_id="ws", sender_id="u", content=TextContent(body="hello"))
    )
    assert not result.blocked and [e.content.body for e in inbox] == ["hello"]
    [failure] = await kit.store.list_delivery_results("r")
    assert failure.state is DeliveryState.FAILED and "503" in (failure.error or "")
    assert await kit.store.get_event_count("r") == 1


def test_registered_by_name() -> None:
    kit = RoomKit()
    provider = kit.registry.create("ai_provider", "anthropic", {"api_key": "k", "model": "m"})
    assert isinstance(provider, AnthropicAIProvider) and provider.model_name == "m"


@pytest.mark.skipif(
    not os.environ.get("ANTHROPIC_API_KEY"),
    reason="live test: set ANTHROPIC_API_KEY to run it against the real API",
)
async def test_live_anthropic() -> None:
    provider = AnthropicAIProvider(AnthropicConfig(api_key=os.environ["ANTHROPIC_API_KEY"]))
    response = await provider.generate(
        AIContext(messages=[AIMessage(role="user", content="Say OK.")], max_tokens=20)
    )
    assert response.content
