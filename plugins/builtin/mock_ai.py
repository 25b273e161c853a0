"""MockAIProvider: scripted answers (text, tool calls, streamed chunks) and a record of calls."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from pydantic import BaseModel, ConfigDict

from roomkit.domain.ai import AIContext, AIResponse, AIStreamItem, AITextDelta, AIToolCall
from roomkit.plugins.hookspecs import Register
from roomkit.plugins.markers import hookimpl
from roomkit.ports.ai import AIProvider

Scripted = str | AIResponse


class MockAIProvider(AIProvider):
    """Answers with ``responses`` in order, cycling when they run out.

    An entry may be a string or a full ``AIResponse`` (to script tool calls). With
    ``streaming=True`` answers are streamed in ``chunk_size``-character pieces. Every context the
    provider was called with is kept in ``calls``.
    """

    supports_vision = True

    def __init__(
        self,
        responses: Sequence[Scripted] | None = None,
        *,
        streaming: bool = False,
        chunk_size: int = 4,
        error: Exception | None = None,
    ) -> None:
        self.responses: list[Scripted] = list(responses or ["Mock response"])
        self.supports_streaming = streaming
        self.chunk_size = max(1, chunk_size)
        self.error = error
        self.calls: list[AIContext] = []
        self._next = 0

    @staticmethod
    def tool_call(
        name: str,
        arguments: dict[str, object] | None = None,
        call_id: str = "call-1",
        content: str = "",
    ) -> AIResponse:
        """A scripted response that asks for one tool call."""
        return AIResponse(
            content=content,
            tool_calls=[AIToolCall(id=call_id, name=name, arguments=dict(arguments or {}))],
            finish_reason="tool_use",
        )

    def _take(self) -> AIResponse:
        item = self.responses[self._next % len(self.responses)]
        self._next += 1
        if isinstance(item, AIResponse):
            return item
        return AIResponse(content=item, finish_reason="stop")

    async def generate(self, context: AIContext) -> AIResponse:
        self.calls.append(context)
        if self.error is not None:
            raise self.error
        return self._take()

    async def generate_stream(self, context: AIContext) -> AsyncIterator[AIStreamItem]:
        """Streaming mocks send ``chunk_size`` pieces; others the whole answer as one delta."""
        response = await self.generate(context)
        text = response.content
        size = self.chunk_size if self.supports_streaming else max(1, len(text))
        for start in range(0, len(text), size):
            yield AITextDelta(text=text[start : start + size])
        yield response


class MockAISettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    responses: list[str] = ["Mock response"]
    streaming: bool = False


def _factory(settings: MockAISettings) -> MockAIProvider:
    return MockAIProvider(settings.responses, streaming=settings.streaming)


@hookimpl
def roomkit_register_ai_providers(register: Register) -> None:
    register(
        name="mock",
        factory=_factory,
        settings=MockAISettings,
        capabilities={"streaming"},
        description="Scripted replies for tests and demos",
    )
