"""GeminiLiveProvider passes the RealtimeVoiceProvider contract suite against the Gemini Live
fake (over TLS)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from roomkit_gemini import GeminiLiveProvider

from roomkit_contracts import RealtimeScenario, RealtimeVoiceProviderContract
from roomkit_fakes.gemini_live import GeminiLiveFake


class TestGeminiLiveContract(RealtimeVoiceProviderContract):
    @pytest_asyncio.fixture
    async def realtime_scenario(self) -> AsyncIterator[RealtimeScenario]:
        async with GeminiLiveFake() as fake:
            provider = GeminiLiveProvider(  # type: ignore[attr-defined]
                api_key="g", base_url=fake.ws_url, ssl_context=fake.client_ssl_context()
            )

            def expect_reply(text: str) -> None:
                fake.on_text(reply=text)

            def expect_tool_call(name: str, arguments: dict[str, Any], then: str) -> None:
                fake.on_text(tool_call=(name, arguments, "fc-contract"))
                fake.on_tool_response(reply=then)

            def received_audio() -> bytes:
                return b"".join(bytes(c.audio) for c in fake.connections)

            def tool_results() -> list[str]:
                return [
                    json.dumps(r["response"])
                    for c in fake.connections
                    for m in c.of_kind("toolResponse")
                    for r in m["functionResponses"]
                ]

            yield RealtimeScenario(  # type: ignore[misc]
                provider,
                expect_reply,
                expect_tool_call,
                fake.drop_connections,
                received_audio,
                tool_results,
            )
            await provider.close()
