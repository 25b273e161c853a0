"""Each fake's base_url goes into its SDK as is, and every scripted fault has an effect in
streaming and non-streaming calls alike (a fault that does nothing would let a test pass
without testing anything)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from roomkit.domain.channel import RetryPolicy
from roomkit.domain.errors import AIProviderError
from roomkit.providers.ai.base import AIContext, AIMessage
from roomkit_fakes import AnthropicFake, FakeServer, GeminiFake, MistralFake, OpenAIFake

NO_WAIT = RetryPolicy(max_retries=1, base_delay_seconds=0)


def anthropic(fake: FakeServer) -> Any:
    from roomkit_anthropic import AnthropicAIProvider, AnthropicConfig

    return AnthropicAIProvider(
        AnthropicConfig(api_key="k", base_url=fake.base_url, retry=NO_WAIT, timeout=5)
    )


def openai(fake: FakeServer) -> Any:
    from roomkit_openai import OpenAIAIProvider, OpenAIConfig

    return OpenAIAIProvider(
        OpenAIConfig(api_key="k", base_url=fake.base_url, retry=NO_WAIT, timeout=5)
    )


def mistral(fake: FakeServer) -> Any:
    from roomkit_mistral import MistralAIProvider, MistralConfig

    return MistralAIProvider(
        MistralConfig(api_key="k", base_url=fake.base_url, retry=NO_WAIT, timeout=5)
    )


def gemini(fake: FakeServer) -> Any:
    from roomkit_gemini import GeminiAIProvider, GeminiConfig

    return GeminiAIProvider(
        GeminiConfig(api_key="k", base_url=fake.base_url, retry=NO_WAIT, timeout=5)
    )


PROVIDERS: list[tuple[type[FakeServer], Callable[[FakeServer], Any]]] = [
    (AnthropicFake, anthropic),
    (OpenAIFake, openai),
    (MistralFake, mistral),
    (GeminiFake, gemini),
]
IDS = [fake.__name__ for fake, _ in PROVIDERS]
CONTEXT = AIContext(messages=[AIMessage(role="user", content="hi")])


@pytest.mark.parametrize(("fake_class", "make"), PROVIDERS, ids=IDS)
async def test_base_url_is_what_the_sdk_takes(fake_class: type[FakeServer], make: Any) -> None:
    async with fake_class() as fake:
        fake.reply_text("hello there")
        response = await make(fake).generate(CONTEXT)
        assert response.content == "hello there"


@pytest.mark.parametrize(("fake_class", "make"), PROVIDERS, ids=IDS)
async def test_a_truncated_reply_fails_a_plain_call(
    fake_class: type[FakeServer], make: Any
) -> None:
    async with fake_class() as fake:
        fake.reply_truncated("cut in the middle").reply_truncated("cut again")
        with pytest.raises(AIProviderError):
            await make(fake).generate(CONTEXT)


@pytest.mark.parametrize(("fake_class", "make"), PROVIDERS, ids=IDS)
async def test_a_truncated_reply_fails_a_stream(fake_class: type[FakeServer], make: Any) -> None:
    async with fake_class() as fake:
        fake.reply_truncated("cut in the middle").reply_truncated("cut again")
        with pytest.raises(AIProviderError):
            async for _ in make(fake).generate_stream(CONTEXT):
                pass


@pytest.mark.parametrize(("fake_class", "make"), PROVIDERS, ids=IDS)
@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
async def test_a_scripted_error_fails_both_kinds_of_call(
    fake_class: type[FakeServer], make: Any, stream: bool
) -> None:
    async with fake_class() as fake:
        fake.reply_error(400, "invalid_request_error", "scripted")
        with pytest.raises(AIProviderError):
            if stream:
                async for _ in make(fake).generate_stream(CONTEXT):
                    pass
            else:
                await make(fake).generate(CONTEXT)
