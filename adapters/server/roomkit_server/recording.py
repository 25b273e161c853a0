"""AI provider responses recorded in the room's store, so a room can be replayed later.

Each answer an AI channel's provider gives is kept as an Observation of category
``ai_response`` in the room it was given for (durable with a durable store). Replay hands the
same answers back, in the same order, per channel.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from roomkit import AIContext, AIResponse, RoomKit
from roomkit.domain.ai import AIStreamItem
from roomkit.domain.tasks import Observation
from roomkit.ports.ai import AIProvider
from roomkit.ports.store import ConversationStore

CATEGORY = "ai_response"


class RecordingProvider(AIProvider):
    """Delegates to ``inner`` and records every complete response."""

    def __init__(self, inner: AIProvider, store: ConversationStore) -> None:
        self.inner = inner
        self.store = store
        self.supports_streaming = inner.supports_streaming
        self.supports_vision = inner.supports_vision

    @property
    def model_name(self) -> str:
        return self.inner.model_name

    async def generate(self, context: AIContext) -> AIResponse:
        response = await self.inner.generate(context)
        await self._record(context, response)
        return response

    async def generate_stream(self, context: AIContext) -> AsyncIterator[AIStreamItem]:
        async for item in self.inner.generate_stream(context):
            if isinstance(item, AIResponse):
                await self._record(context, item)
            yield item

    async def _record(self, context: AIContext, response: AIResponse) -> None:
        if context.room_id is None:
            return
        await self.store.add_observation(
            Observation(
                room_id=context.room_id,
                channel_id=context.channel_id,
                category=CATEGORY,
                content=response.model_dump_json(),
                metadata={"model": self.inner.model_name},
            )
        )

    async def close(self) -> None:
        await self.inner.close()


class ReplayProvider(AIProvider):
    """Answers with recorded responses in order; running out is an error that names the channel."""

    def __init__(self, channel_id: str, responses: list[AIResponse], streaming: bool) -> None:
        self.channel_id = channel_id
        self.responses = list(responses)
        self.supports_streaming = streaming
        self.used = 0

    async def generate(self, context: AIContext) -> AIResponse:
        if self.used >= len(self.responses):
            raise RuntimeError(
                f"replay: channel {self.channel_id!r} asked for a response #{self.used + 1} but "
                f"only {len(self.responses)} were recorded"
            )
        response = self.responses[self.used]
        self.used += 1
        return response


def ai_channels(kit: RoomKit) -> list[object]:
    return [
        c for c in kit.channels.values() if isinstance(getattr(c, "provider", None), AIProvider)
    ]


def record_ai_responses(kit: RoomKit) -> None:
    """Wrap the provider of every AI channel of ``kit`` in a RecordingProvider (once)."""
    for channel in ai_channels(kit):
        provider = getattr(channel, "provider")  # noqa: B009
        if not isinstance(provider, RecordingProvider):
            channel.provider = RecordingProvider(provider, kit.store)  # type: ignore[attr-defined]
