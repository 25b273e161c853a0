"""MockRealtimeProvider passes the RealtimeVoiceProvider contract suite."""

from __future__ import annotations

from typing import Any

import pytest

from roomkit.plugins.builtin.mock_realtime import MockRealtimeProvider, MockToolCall
from roomkit_contracts import RealtimeScenario, RealtimeVoiceProviderContract


def mock_scenario(provider: MockRealtimeProvider) -> RealtimeScenario:
    def expect_tool_call(name: str, arguments: dict[str, Any], then: str) -> None:
        provider.responses += [MockToolCall(name, arguments), then]

    async def drop() -> None:
        provider.drop_connections()

    return RealtimeScenario(
        provider=provider,
        expect_reply=provider.responses.append,
        expect_tool_call=expect_tool_call,
        drop=drop,
        received_audio=provider.received_audio,
        tool_results=provider.tool_results,
    )


class TestMockRealtimeProvider(RealtimeVoiceProviderContract):
    @pytest.fixture
    def realtime_scenario(self) -> RealtimeScenario:
        return mock_scenario(MockRealtimeProvider())
