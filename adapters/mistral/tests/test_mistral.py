"""The Mistral adapter (httpx) against the loopback fake of the Mistral chat completions API."""

from __future__ import annotations

import os
from typing import Any

import pytest

from roomkit.domain.channel import RetryPolicy
from roomkit.domain.errors import AIAuthenticationError, AIProviderUnavailableError, AIStreamError
from roomkit.providers.ai.base import AIContext, AIMessage
from roomkit.providers.mistral.ai import MistralAIProvider
from roomkit.providers.mistral.config import MistralConfig
from roomkit_contracts import AIProviderContract
from roomkit_fakes import MistralFake
from roomkit_fakes.rooms import WEATHER_TOOL, ai_room

NO_WAIT = RetryPolicy(max_retries=1, base_delay_seconds=0)


def provider_for(fake: MistralFake, **config: Any) -> MistralAIProvider:
    return MistralAIProvider(
        MistralConfig(api_key="mk-test", base_url=fake.base_url, retry=NO_WAIT, **config)
    )


class TestMistralContract(AIProviderContract):
    supports_streaming = True
    supports_vision = True

    @pytest.fixture
    def provider(self, mistral_fake: MistralFake) -> MistralAIProvider:
        mistral_fake.default.text = "Bonjour from Mistral"
        return provider_for(mistral_fake)

    @pytest.fixture
    def scripted_tool_call_provider(self, mistral_fake: MistralFake) -> MistralAIProvider:
        mistral_fake.reply_tool_call("get_weather", {"city": "Paris"}, "abc123xyz")
        return provider_for(mistral_fake)


async def test_request_uses_mistral_fields_only(mistral_fake: MistralFake) -> None:
    provider = provider_for(mistral_fake, model="mistral-small", max_tokens=64)
    await provider.generate(
        AIContext(
            system_prompt="Sois bref.",
            temperature=0.1,
            messages=[AIMessage(role="user", content="Salut")],
        )
    )
    sent = mistral_fake.last
    assert sent.headers["authorization"] == "Bearer mk-test"
    assert sent.body == {
        "model": "mistral-small",
        "messages": [
            {"role": "system", "content": "Sois bref."},
            {"role": "user", "content": "Salut"},
        ],
        "temperature": 0.1,
        "max_tokens": 64,
    }
    items = [
        i
        async for i in provider.generate_stream(
            AIContext(messages=[AIMessage(role="user", content="Salut")])
        )
    ]
    assert mistral_fake.last.body["stream"] is True and items[-1].content  # type: ignore[union-attr]


async def test_errors_and_truncation(mistral_fake: MistralFake) -> None:
    provider = provider_for(mistral_fake)
    context = AIContext(messages=[AIMessage(role="user", content="hi")])
    mistral_fake.reply_error(401)
    with pytest.raises(AIAuthenticationError, match=r"mistral \(401\)"):
        await provider.generate(context)
    mistral_fake.reply_error(503).reply_error(503)
    with pytest.raises(AIProviderUnavailableError, match="503"):
        await provider.generate(context)
    mistral_fake.reply_error(502).reply_text("second try")
    assert (await provider.generate(context)).content == "second try"
    mistral_fake.reply_truncated("partial ans")
    with pytest.raises(AIStreamError):
        async for _ in provider.generate_stream(context):
            pass


async def test_room_tool_call_end_to_end(mistral_fake: MistralFake) -> None:
    mistral_fake.reply_tool_call("get_weather", {"city": "Lyon"}, "abc123xyz")
    mistral_fake.reply_text("Il fait beau à Lyon.")

    async def handler(name: str, args: dict[str, Any]) -> str:
        return '{"sky": "clear"}'

    room = await ai_room(
        provider_for(mistral_fake), channel_id="mistral", tools=[WEATHER_TOOL], tool_handler=handler
    )
    await room.say("Météo à Lyon ?")
    inbox = room.inbox
    assert inbox == ["Météo à Lyon ?", "Il fait beau à Lyon."]
    tool_message = mistral_fake.requests[1].body["messages"][-1]
    assert tool_message == {
        "role": "tool",
        "tool_call_id": "abc123xyz",
        "name": "get_weather",
        "content": '{"sky": "clear"}',
    }


@pytest.mark.skipif(
    not os.environ.get("MISTRAL_API_KEY"),
    reason="live test: set MISTRAL_API_KEY to run it against the real API",
)
async def test_live_mistral() -> None:
    provider = MistralAIProvider(MistralConfig(api_key=os.environ["MISTRAL_API_KEY"]))
    context = AIContext(messages=[AIMessage(role="user", content="Say OK.")])
    assert (await provider.generate(context)).content
