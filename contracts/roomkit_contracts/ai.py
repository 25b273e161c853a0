"""AIProviderContract: whole and streamed answers, and (when scripted) tool calls."""

from __future__ import annotations

import asyncio

import pytest

from roomkit.domain.ai import (
    AIContext,
    AIImagePart,
    AIMessage,
    AIResponse,
    AIStreamItem,
    AITextDelta,
    AITextPart,
    AITool,
    AIToolCall,
    AIToolResult,
)
from roomkit.ports.ai import AIProvider
from roomkit_contracts.base import ContractSuite, missing_adapter, scenario_helper

WEATHER_TOOL = AITool(
    name="get_weather",
    description="Current weather for a city",
    parameters={
        "type": "object",
        "properties": {"city": {"type": "string", "description": "City name"}},
        "required": ["city"],
    },
)
"""The tool of the tool-call scenario: a scripted provider answers with a call to it."""

TINY_PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8"
    "z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


class AIProviderContract(ContractSuite, port=AIProvider, adapter_fixture="provider"):
    """Subclass it and override ``provider`` to return a provider that answers with text.

    Say what the provider does with the ``supports_streaming``/``supports_vision`` properties;
    override ``scripted_tool_call_provider`` with a provider that will answer with a call to
    ``get_weather`` (arguments ``{"city": ...}``) to run the tool-call tests.
    """

    @pytest.fixture
    def provider(self) -> AIProvider:
        """A fresh AIProvider that answers text (must be overridden)."""
        missing_adapter("provider", "AIProvider")

    @pytest.fixture
    def scripted_tool_call_provider(self) -> AIProvider | None:
        """A provider whose next answers call the tool ``get_weather`` (None: tests skipped)."""
        return None

    # capabilities (may be overridden) --------------------------------------------------------
    @property
    def supports_streaming(self) -> bool:
        """True if the provider streams real deltas (its ``supports_streaming`` must agree)."""
        return False

    @property
    def supports_vision(self) -> bool:
        """True if the provider accepts image parts (its ``supports_vision`` must agree)."""
        return False

    @property
    def timeout(self) -> float:
        """Seconds one generate() or a whole stream may take."""
        return 60.0

    # scenario helpers (never overridden) -----------------------------------------------------
    @staticmethod
    @scenario_helper
    def context(text: str = "Say hello in one short sentence.") -> AIContext:
        """A one-message conversation with a system prompt."""
        return AIContext(
            messages=[AIMessage(role="user", content=text)],
            system_prompt="You are a terse assistant.",
            temperature=0.0,
            max_tokens=64,
        )

    @staticmethod
    @scenario_helper
    def tool_context() -> AIContext:
        """A conversation offering :data:`WEATHER_TOOL` and asking for the weather."""
        return AIContext(
            messages=[AIMessage(role="user", content="What is the weather in Paris right now?")],
            system_prompt="Use the get_weather tool to answer weather questions.",
            temperature=0.0,
            max_tokens=128,
            tools=[WEATHER_TOOL],
        )

    @scenario_helper
    async def generate(self, provider: AIProvider, context: AIContext) -> AIResponse:
        """``provider.generate(context)`` within :attr:`timeout`, checked to be an AIResponse."""
        async with asyncio.timeout(self.timeout):
            response = await provider.generate(context)
        assert isinstance(response, AIResponse), f"generate() returned {response!r}"
        return response

    @scenario_helper
    async def stream(self, provider: AIProvider, context: AIContext) -> list[AIStreamItem]:
        """Every item ``provider.generate_stream(context)`` yields, within :attr:`timeout`."""
        items: list[AIStreamItem] = []
        async with asyncio.timeout(self.timeout):
            async for item in provider.generate_stream(context):
                items.append(item)
        return items

    @staticmethod
    @scenario_helper
    def check_stream_shape(items: list[AIStreamItem]) -> AIResponse:
        """Assert ``items`` is AITextDelta* then one AIResponse; return that response."""
        assert items, "generate_stream() yielded nothing"
        *deltas, last = items
        assert isinstance(last, AIResponse), f"the stream must end with an AIResponse: {last!r}"
        stray = [i for i, item in enumerate(deltas) if not isinstance(item, AITextDelta)]
        assert not stray, f"items {stray} before the end are not AITextDelta: {deltas!r}"
        text = "".join(d.text for d in deltas if isinstance(d, AITextDelta))
        assert last.content == text, f"final content {last.content!r} != joined deltas {text!r}"
        return last

    @staticmethod
    @scenario_helper
    def check_weather_call(response: AIResponse) -> AIToolCall:
        """Assert ``response`` asks for ``get_weather`` with a city; return the call."""
        assert response.tool_calls, f"expected a call to get_weather, got {response!r}"
        call = response.tool_calls[0]
        assert call.name == "get_weather", f"called {call.name!r}"
        assert call.id, "a tool call needs an id to match its result"
        assert isinstance(call.arguments, dict), "arguments must be parsed into a dict"
        assert isinstance(call.arguments.get("city"), str), f"no city in {call.arguments!r}"
        return call

    # the adapter -----------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_adapter_implements_the_port(self, provider: AIProvider) -> None:
        """The fixture returns an AIProvider with a model name.

        If this fails, subclass roomkit.ports.ai.AIProvider (RoomKit checks it).
        """
        assert isinstance(provider, AIProvider), f"{type(provider)!r} is no AIProvider"
        assert isinstance(provider.model_name, str) and provider.model_name

    # whole answers ---------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_generate_returns_a_response(self, provider: AIProvider) -> None:
        """generate() answers a simple conversation with an AIResponse that has text.

        If this fails, map the provider's answer into AIResponse(content=...).
        """
        response = await self.generate(provider, self.context())
        assert isinstance(response.content, str) and response.content.strip(), "empty answer"
        assert not response.tool_calls, "no tools were offered, yet the answer calls one"

    @pytest.mark.asyncio
    async def test_generate_accepts_a_conversation(self, provider: AIProvider) -> None:
        """generate() takes a multi-turn history with system prompt and structured parts.

        If this fails, translate every AIMessage role and AITextPart into the provider's format.
        """
        context = AIContext(
            system_prompt="You are a terse assistant.",
            messages=[
                AIMessage(role="user", content="My name is Ann."),
                AIMessage(role="assistant", content="Hello Ann."),
                AIMessage(role="user", content=[AITextPart(text="What is my name?")]),
            ],
            temperature=0.0,
            max_tokens=64,
        )
        response = await self.generate(provider, context)
        assert isinstance(response.content, str)

    @pytest.mark.asyncio
    async def test_generate_accepts_tool_results(self, provider: AIProvider) -> None:
        """generate() takes a history holding a tool call and its result.

        If this fails, translate assistant tool_calls and tool-role tool_results messages.
        """
        call = AIToolCall(id="call-1", name="get_weather", arguments={"city": "Paris"})
        context = AIContext(
            system_prompt="Use the get_weather tool to answer weather questions.",
            messages=[
                AIMessage(role="user", content="What is the weather in Paris?"),
                AIMessage(role="assistant", content="", tool_calls=[call]),
                AIMessage(
                    role="tool",
                    tool_results=[
                        AIToolResult(tool_call_id="call-1", name="get_weather", result="Sunny")
                    ],
                ),
            ],
            tools=[WEATHER_TOOL],
            temperature=0.0,
            max_tokens=64,
        )
        await self.generate(provider, context)

    # streams ---------------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_stream_is_deltas_then_one_response(self, provider: AIProvider) -> None:
        """generate_stream() yields AITextDelta items, then exactly one AIResponse, last.

        If this fails, yield only AITextDelta while streaming and the full AIResponse once, last,
        with content equal to the deltas joined.
        """
        response = self.check_stream_shape(await self.stream(provider, self.context()))
        assert response.content.strip(), "the streamed answer is empty"

    @pytest.mark.asyncio
    async def test_streaming_flag_matches_the_provider(self, provider: AIProvider) -> None:
        """provider.supports_streaming says what this suite's supports_streaming declares.

        If this fails, set supports_streaming on the provider (and the property in the test
        class) to whether generate_stream really streams.
        """
        advertised = provider.supports_streaming
        assert isinstance(advertised, bool)
        assert advertised == self.supports_streaming, (
            f"provider says supports_streaming={advertised}, "
            f"the test class declares {self.supports_streaming}"
        )
        if advertised:
            overridden = type(provider).generate_stream is not AIProvider.generate_stream
            assert overridden, "supports_streaming is True but generate_stream is not implemented"

    @pytest.mark.asyncio
    async def test_vision_flag_matches_the_provider(self, provider: AIProvider) -> None:
        """provider.supports_vision agrees with the suite; if True, an image part is accepted.

        If this fails, set supports_vision to whether the provider takes AIImagePart content.
        """
        assert provider.supports_vision == self.supports_vision, (
            f"provider says supports_vision={provider.supports_vision}, "
            f"the test class declares {self.supports_vision}"
        )
        if not self.supports_vision:
            return
        context = AIContext(
            messages=[
                AIMessage(
                    role="user",
                    content=[
                        AITextPart(text="What colour is this image?"),
                        AIImagePart(url=TINY_PNG, mime_type="image/png"),
                    ],
                )
            ],
            temperature=0.0,
            max_tokens=64,
        )
        await self.generate(provider, context)

    # tool calls ------------------------------------------------------------------------------
    @pytest.mark.asyncio
    async def test_tool_call_is_parsed(
        self, scripted_tool_call_provider: AIProvider | None
    ) -> None:
        """A tool call comes back as AIToolCall with id, name and parsed dict arguments.

        If this fails, map the provider's tool-use block into AIResponse.tool_calls.
        """
        if scripted_tool_call_provider is None:
            pytest.skip("no scripted_tool_call_provider fixture: override it to run tool calls")
        response = await self.generate(scripted_tool_call_provider, self.tool_context())
        self.check_weather_call(response)

    @pytest.mark.asyncio
    async def test_streamed_tool_call_ends_the_stream(
        self, scripted_tool_call_provider: AIProvider | None
    ) -> None:
        """A streamed answer that calls a tool ends with an AIResponse holding the call.

        If this fails, collect tool-use chunks while streaming and put them in the final response.
        """
        if scripted_tool_call_provider is None:
            pytest.skip("no scripted_tool_call_provider fixture: override it to run tool calls")
        if not self.supports_streaming:
            pytest.skip("supports_streaming = False for this provider")
        items = await self.stream(scripted_tool_call_provider, self.tool_context())
        self.check_weather_call(self.check_stream_shape(items))
