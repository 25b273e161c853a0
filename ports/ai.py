"""AIProvider: one call to a language model, whole or streamed."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable

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
from roomkit.domain.channel import RetryPolicy
from roomkit.domain.errors import AIProviderError, AIProviderUnavailableError, AIRateLimitError

__all__ = [
    "AIContext",
    "AIImagePart",
    "AIMessage",
    "AIProvider",
    "AIResponse",
    "AIStreamItem",
    "AITextDelta",
    "AITextPart",
    "AITool",
    "AIToolCall",
    "AIToolResult",
    "call_with_retries",
]


class AIProvider(ABC):
    """A model behind one API. ``generate`` is required; streaming and vision are optional."""

    supports_streaming: bool = False
    supports_vision: bool = False

    @property
    def model_name(self) -> str:
        return type(self).__name__

    @abstractmethod
    async def generate(self, context: AIContext) -> AIResponse:
        """The model's complete answer to ``context``."""

    async def generate_stream(self, context: AIContext) -> AsyncIterator[AIStreamItem]:
        """Text deltas, then the complete AIResponse last. Non-streaming providers yield the
        whole answer as one delta."""
        response = await self.generate(context)
        if response.content:
            yield AITextDelta(text=response.content)
        yield response

    async def close(self) -> None:
        """Release HTTP clients, if any."""


RETRIED_ERRORS: tuple[type[AIProviderError], ...] = (AIRateLimitError, AIProviderUnavailableError)


async def call_with_retries[T](
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    map_error: Callable[[Exception], AIProviderError],
) -> T:
    """Run ``call``; an error that maps to a rate limit or an unavailable server is retried after
    ``policy.delay_for(n)`` seconds, up to ``policy.max_retries`` times; any other error, or the
    last one, is raised as the framework error ``map_error`` gives. For AI provider adapters."""
    attempt = 0
    while True:
        try:
            return await call()
        except Exception as exc:
            error = map_error(exc)
            if not isinstance(error, RETRIED_ERRORS) or attempt >= policy.max_retries:
                raise error from exc
            await asyncio.sleep(policy.delay_for(attempt))
            attempt += 1
