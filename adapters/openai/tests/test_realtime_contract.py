"""OpenAIRealtimeProvider and XAIRealtimeProvider pass the RealtimeVoiceProvider contract suite
against the OpenAI Realtime fake."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from roomkit_openai import OpenAIRealtimeProvider, XAIConfig, XAIRealtimeProvider

from roomkit_contracts import RealtimeScenario, RealtimeVoiceProviderContract
from roomkit_fakes.openai_realtime import OpenAIRealtimeFake


def fake_scenario(fake: OpenAIRealtimeFake, provider: Any) -> RealtimeScenario:
    def expect_reply(text: str) -> None:
        fake.on_response(reply=text)

    def expect_tool_call(name: str, arguments: dict[str, Any], then: str) -> None:
        fake.on_response(tool_call=(name, arguments))
        fake.on_response(reply=then)

    def received_audio() -> bytes:
        return b"".join(bytes(c.audio) for c in fake.connections)

    def tool_results() -> list[str]:
        return [
            e["item"]["output"]
            for c in fake.connections
            for e in c.of_type("conversation.item.create")
            if e["item"]["type"] == "function_call_output"
        ]

    return RealtimeScenario(
        provider,
        expect_reply,
        expect_tool_call,
        fake.drop_connections,
        received_audio,
        tool_results,
    )


class TestOpenAIRealtimeContract(RealtimeVoiceProviderContract):
    @pytest_asyncio.fixture
    async def realtime_scenario(self) -> AsyncIterator[RealtimeScenario]:
        async with OpenAIRealtimeFake() as fake:
            provider = OpenAIRealtimeProvider(api_key="sk-test", base_url=fake.ws_url)  # type: ignore[attr-defined]
            yield fake_scenario(fake, provider)  # type: ignore[arg-type]
            await provider.close()


class TestXAIRealtimeContract(RealtimeVoiceProviderContract):
    @pytest_asyncio.fixture
    async def realtime_scenario(self) -> AsyncIterator[RealtimeScenario]:
        async with OpenAIRealtimeFake() as fake:
            provider = XAIRealtimeProvider(XAIConfig(api_key="xai", base_url=fake.ws_url))  # type: ignore[attr-defined]
            yield fake_scenario(fake, provider)  # type: ignore[arg-type]
            await provider.close()


def test_the_fake_recorded_json_it_can_parse() -> None:
    assert json.loads('{"temperature": 22}') == {"temperature": 22}
