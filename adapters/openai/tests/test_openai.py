"""The OpenAI-family adapters on the real SDK, against the loopback chat completions fake."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from roomkit import (
    RoomKit,
)
from roomkit.domain.channel import RetryPolicy
from roomkit.domain.errors import (
    AIAuthenticationError,
    AIRateLimitError,
    AIStreamError,
    AITimeoutError,
)
from roomkit.providers.ai.base import (
    AIContext,
    AIImagePart,
    AIMessage,
    AITextPart,
    AIToolCall,
    AIToolResult,
)
from roomkit.providers.openai.ai import AzureAIProvider, OpenAIAIProvider, create_vllm_provider
from roomkit.providers.openai.config import AzureAIConfig, OpenAIConfig, VLLMConfig
from roomkit_contracts import AIProviderContract
from roomkit_fakes import OpenAIFake
from roomkit_fakes.rooms import WEATHER_TOOL, ai_room

NO_WAIT = RetryPolicy(max_retries=2, base_delay_seconds=0)


def provider_for(fake: OpenAIFake, **config: Any) -> OpenAIAIProvider:
    return OpenAIAIProvider(
        OpenAIConfig(api_key="sk-test", base_url=fake.base_url, retry=NO_WAIT, **config)
    )


class TestOpenAIContract(AIProviderContract):
    supports_streaming = True
    supports_vision = True

    @pytest.fixture
    def provider(self, openai_fake: OpenAIFake) -> OpenAIAIProvider:
        openai_fake.default.text = "Hello from GPT"
        return provider_for(openai_fake)

    @pytest.fixture
    def scripted_tool_call_provider(self, openai_fake: OpenAIFake) -> OpenAIAIProvider:
        openai_fake.reply_tool_call("get_weather", {"city": "Paris"}, "call_1")
        return provider_for(openai_fake)


async def test_request_body_follows_chat_completions(openai_fake: OpenAIFake) -> None:
    provider = provider_for(openai_fake, model="gpt-test", max_tokens=200)
    await provider.generate(
        AIContext(
            system_prompt="Be brief.",
            temperature=0.3,
            messages=[
                AIMessage(
                    role="user",
                    content=[AITextPart(text="look"), AIImagePart(url="https://x/i.png")],
                ),
                AIMessage(
                    role="assistant",
                    content="",
                    tool_calls=[AIToolCall(id="call_9", name="lookup", arguments={"q": 1})],
                ),
                AIMessage(
                    role="tool",
                    tool_results=[AIToolResult(tool_call_id="call_9", name="lookup", result="42")],
                ),
            ],
            tools=[{"name": "lookup", "description": "d", "parameters": {"type": "object"}}],  # type: ignore[list-item]
        )
    )
    sent = openai_fake.last
    assert sent.headers["authorization"] == "Bearer sk-test" and sent.path == "/v1/chat/completions"
    body = sent.body
    assert (body["model"], body["temperature"], body["max_completion_tokens"]) == (
        "gpt-test",
        0.3,
        200,
    )
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "look"},
                {"type": "image_url", "image_url": {"url": "https://x/i.png"}},
            ],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_9",
                    "type": "function",
                    "function": {"name": "lookup", "arguments": json.dumps({"q": 1})},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "call_9", "content": "42"},
    ]
    assert body["tools"] == [
        {
            "type": "function",
            "function": {"name": "lookup", "description": "d", "parameters": {"type": "object"}},
        }
    ]


async def test_parallel_tool_calls_streamed_in_fragments(openai_fake: OpenAIFake) -> None:
    openai_fake.reply_tool_calls(
        ("call_a", "weather", {"city": "Oslo"}), ("call_b", "time", {"zone": "Europe/Oslo"})
    )
    items = [
        i
        async for i in provider_for(openai_fake).generate_stream(
            AIContext(messages=[AIMessage(role="user", content="both?")])
        )
    ]
    final = items[-1]
    assert [(c.id, c.name, c.arguments) for c in final.tool_calls] == [  # type: ignore[union-attr]
        ("call_a", "weather", {"city": "Oslo"}),
        ("call_b", "time", {"zone": "Europe/Oslo"}),
    ]
    assert final.usage.input_tokens == 11  # type: ignore[union-attr]
    assert openai_fake.last.body["stream_options"] == {"include_usage": True}


async def test_errors(openai_fake: OpenAIFake) -> None:
    provider = provider_for(openai_fake)
    context = AIContext(messages=[AIMessage(role="user", content="hi")])
    openai_fake.reply_error(401, "invalid_api_key", "bad key")
    with pytest.raises(
        AIAuthenticationError, match=r"openai \(401\): the API key was refused: bad key"
    ):
        await provider.generate(context)
    for _ in range(3):
        openai_fake.reply_error(429)
    with pytest.raises(AIRateLimitError):
        await provider.generate(context)
    openai_fake.reply_truncated("cut sho")
    with pytest.raises(AIStreamError):
        async for _ in provider.generate_stream(context):
            pass


async def test_timeouts_are_bounded(openai_fake: OpenAIFake) -> None:
    openai_fake.reply_slowly(1.0)
    with pytest.raises(AITimeoutError, match="openai"):
        await provider_for(openai_fake, timeout=0.2).generate(
            AIContext(messages=[AIMessage(role="user", content="hi")])
        )


async def test_azure_uses_the_deployment_path(openai_fake: OpenAIFake) -> None:
    provider = AzureAIProvider(
        AzureAIConfig(
            api_key="az-key",
            azure_endpoint=openai_fake.azure_endpoint,
            deployment="gpt4o-prod",
            retry=NO_WAIT,
        )
    )
    openai_fake.reply_text("from azure")
    response = await provider.generate(AIContext(messages=[AIMessage(role="user", content="hi")]))
    sent = openai_fake.last
    assert response.content == "from azure"
    assert sent.path == "/openai/deployments/gpt4o-prod/chat/completions"
    assert sent.headers["api-key"] == "az-key" and sent.query["api-version"] == "2024-10-21"


async def test_vllm_is_any_openai_compatible_server(openai_fake: OpenAIFake) -> None:
    provider = create_vllm_provider(
        VLLMConfig(
            base_url=openai_fake.base_url, model="meta-llama/Llama-3-8B", retry=NO_WAIT
        )
    )
    openai_fake.reply_text("local answer")
    response = await provider.generate(AIContext(messages=[AIMessage(role="user", content="hi")]))
    assert response.content == "local answer" and provider.name == "vllm"
    assert openai_fake.last.body["model"] == "meta-llama/Llama-3-8B"


async def test_room_tool_call_end_to_end(openai_fake: OpenAIFake) -> None:
    openai_fake.reply_tool_call("get_weather", {"city": "Rome"}, "call_5")
    openai_fake.reply_text("Sunny in Rome.")

    async def handler(name: str, args: dict[str, Any]) -> str:
        return f'{{"city": "{args["city"]}", "sky": "clear"}}'

    room = await ai_room(
        provider_for(openai_fake), channel_id="gpt", tools=[WEATHER_TOOL], tool_handler=handler
    )
    await room.say("Weather in Rome?")
    inbox = room.inbox
    assert inbox == ["Weather in Rome?", "Sunny in Rome."]
    second = openai_fake.requests[1].body
    assert second["messages"][-1] == {
        "role": "tool",
        "tool_call_id": "call_5",
        "content": '{"city": "Rome", "sky": "clear"}',
    }


def test_registered_by_name() -> None:
    kit = RoomKit()
    provider = kit.registry.create("ai_provider", "vllm", {"model": "m"})
    assert isinstance(provider, OpenAIAIProvider) and provider.model_name == "m"


@pytest.mark.skipif(
    not os.environ.get("OPENAI_API_KEY"),
    reason="live test: set OPENAI_API_KEY to run it against the real API",
)
async def test_live_openai() -> None:
    provider = OpenAIAIProvider(
        OpenAIConfig(api_key=os.environ["OPENAI_API_KEY"], model="gpt-4o-mini")
    )
    response = await provider.generate(
        AIContext(messages=[AIMessage(role="user", content="Say OK.")])
    )
    assert response.content
