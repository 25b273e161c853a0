"""AIProvider: one call to a language model, whole or streamed."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator

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
