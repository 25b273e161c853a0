"""The Gemini adapter on the real google-genai SDK, against the loopback Gemini fake."""

from __future__ import annotations

import os
from typing import Any

import pytest

from roomkit.domain.channel import RetryPolicy
from roomkit.domain.errors import AIAuthenticationError, AIRateLimitError, AIStreamError
from roomkit.providers.ai.base import AIContext, AIImagePart, AIMessage, AITextPart
from roomkit.providers.gemini.ai import GeminiAIProvider
from roomkit.providers.gemini.config import GeminiConfig
from roomkit_contracts import AIProviderContract
from roomkit_fakes import GeminiFake
from roomkit_fakes.rooms import WEATHER_TOOL, ai_room

NO_WAIT = RetryPolicy(max_retries=1, base_delay_seconds=0)


def camel(value: Any) -> Any:
    """Field names in lowerCamelCase: the API's JSON accepts both spellings, and the SDK sends
    some nested fields in snake_case."""
    if isinstance(value, dict):
        return {
            "".join(w if i == 0 else w.capitalize() for i, w in enumerate(k.split("_"))): camel(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [camel(v) for v in value]
    return value


def provider_for(fake: GeminiFake, **config: Any) -> GeminiAIProvider:
    return GeminiAIProvider(
        GeminiConfig(api_key="g-test", base_url=fake.base_url, retry=NO_WAIT, **config)
    )


class TestGeminiContract(AIProviderContract):
    supports_streaming = True
    supports_vision = True

    @pytest.fixture
    def provider(self, gemini_fake: GeminiFake) -> GeminiAIProvider:
        gemini_fake.default.text = "Hello from Gemini"
        return provider_for(gemini_fake)

    @pytest.fixture
    def scripted_tool_call_provider(self, gemini_fake: GeminiFake) -> GeminiAIProvider:
        gemini_fake.reply_tool_call("get_weather", {"city": "Paris"})
        return provider_for(gemini_fake)


async def test_request_follows_generate_content(gemini_fake: GeminiFake) -> None:
    gemini_fake.reply_text("A cat.", thinking="Whiskers.")
    provider = provider_for(gemini_fake, model="gemini-test")
    response = await provider.generate(
        AIContext(
            system_prompt="Be brief.",
            temperature=0.4,
            thinking_budget=512,
            messages=[
                AIMessage(
                    role="user",
                    content=[AITextPart(text="what?"), AIImagePart(url="https://x/cat.png")],
                )
            ],
            tools=[{"name": "lookup", "description": "d", "parameters": {"type": "object"}}],  # type: ignore[list-item]
        )
    )
    sent = gemini_fake.last
    assert sent.path == "/v1beta/models/gemini-test:generateContent"
    assert sent.headers["x-goog-api-key"] == "g-test"
    body = camel(sent.body)
    assert body["contents"] == [
        {
            "role": "user",
            "parts": [
                {"text": "what?"},
                {"fileData": {"mimeType": "image/png", "fileUri": "https://x/cat.png"}},
            ],
        }
    ]
    assert body["systemInstruction"]["parts"][0]["text"] == "Be brief."
    assert body["generationConfig"]["temperature"] == 0.4
    assert body["generationConfig"]["thinkingConfig"]["thinkingBudget"] == 512
    assert body["tools"][0]["functionDeclarations"][0]["name"] == "lookup"
    assert (response.content, response.thinking) == ("A cat.", "Whiskers.")
    assert response.usage.input_tokens == 11


async def test_errors(gemini_fake: GeminiFake) -> None:
    provider = provider_for(gemini_fake)
    context = AIContext(messages=[AIMessage(role="user", content="hi")])
    gemini_fake.reply_error(403)
    with pytest.raises(AIAuthenticationError, match=r"gemini \(403\)"):
        await provider.generate(context)
    gemini_fake.reply_error(429).reply_error(429)
    with pytest.raises(AIRateLimitError):
        await provider.generate(context)
    gemini_fake.reply_truncated("never ends")
    with pytest.raises(AIStreamError):
        async for _ in provider.generate_stream(context):
            pass


async def test_room_tool_call_end_to_end(gemini_fake: GeminiFake) -> None:
    gemini_fake.reply_tool_call("get_weather", {"city": "Berlin"})
    gemini_fake.reply_text("Cloudy in Berlin.")

    async def handler(name: str, args: dict[str, Any]) -> str:
        return '{"sky": "cloudy"}'

    room = await ai_room(
        provider_for(gemini_fake), channel_id="gemini", tools=[WEATHER_TOOL], tool_handler=handler
    )
    await room.say("Weather in Berlin?")
    inbox = room.inbox
    assert inbox == ["Weather in Berlin?", "Cloudy in Berlin."]
    contents = camel(gemini_fake.requests[1].body["contents"])
    assert contents[-2] == {
        "role": "model",
        "parts": [{"functionCall": {"name": "get_weather", "args": {"city": "Berlin"}}}],
    }
    assert contents[-1] == {
        "role": "user",
        "parts": [
            {
                "functionResponse": {
                    "name": "get_weather",
                    "response": {"result": '{"sky": "cloudy"}'},
                }
            }
        ],
    }


@pytest.mark.skipif(
    not os.environ.get("GEMINI_API_KEY"),
    reason="live test: set GEMINI_API_KEY to run it against the real API",
)
async def test_live_gemini() -> None:
    provider = GeminiAIProvider(GeminiConfig(api_key=os.environ["GEMINI_API_KEY"]))
    context = AIContext(messages=[AIMessage(role="user", content="Say OK.")])
    assert (await provider.generate(context)).content
