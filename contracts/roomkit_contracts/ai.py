"""AIProviderContract: whole and streamed answers, and (when scripted) tool calls."""

from __future__ import annotations

import pytest

from roomkit.domain.ai import AIContext, AIMessage, AIResponse, AITextDelta, AITool
from roomkit.ports.ai import AIProvider
from roomkit_contracts.base import ContractSuite

pytestmark = [pytest.mark.contract]


class AIProviderContract(ContractSuite):
    """Override ``provider``; optionally ``tool_call_provider`` (one that will ask for the tool
    ``get_weather``) to run the tool-call test."""

    @pytest.fixture
    def provider(self) -> AIProvider:
        pytest.fail("override the `provider` fixture to return an AIProvider that answers text")

    @pytest.fixture
    def tool_call_provider(self) -> AIProvider | None:
        return None

    @staticmethod
    def context(text: str = "Hello") -> AIContext:
        return AIContext(
            messages=[AIMessage(role="user", content=text)],
            system_prompt="Be brief.",
            temperature=0.0,
        )

    @pytest.mark.asyncio
    async def test_generate_returns_text(self, provider: AIProvider) -> None:
        """If this fails, generate() did not return an AIResponse with content."""
        response = await provider.generate(self.context())
        assert isinstance(response, AIResponse)
        assert response.content

    @pytest.mark.asyncio
    async def test_stream_is_deltas_then_one_response(self, provider: AIProvider) -> None:
        """If this fails, generate_stream must yield AITextDelta items, then exactly one
        AIResponse whose content is the deltas joined."""
        items = [item async for item in provider.generate_stream(self.context())]
        assert items and isinstance(items[-1], AIResponse)
        deltas = items[:-1]
        assert all(isinstance(d, AITextDelta) for d in deltas)
        assert "".join(d.text for d in deltas if isinstance(d, AITextDelta)) == items[-1].content

    @pytest.mark.asyncio
    async def test_tool_call_round_trip(self, tool_call_provider: AIProvider | None) -> None:
        """If this fails, a tool call did not come back as AIToolCall with parsed arguments."""
        if tool_call_provider is None:
            pytest.skip("no tool_call_provider fixture given for this adapter")
        context = self.context("What's the weather in Paris?").model_copy(
            update={
                "tools": [
                    AITool(
                        name="get_weather",
                        description="Weather for a city",
                        parameters={
                            "type": "object",
                            "properties": {"city": {"type": "string"}},
                            "required": ["city"],
                        },
                    )
                ]
            }
        )
        response = await tool_call_provider.generate(context)
        assert response.tool_calls, "expected a tool call"
        call = response.tool_calls[0]
        assert call.name == "get_weather" and call.id
        assert isinstance(call.arguments, dict)
