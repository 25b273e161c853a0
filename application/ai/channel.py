"""AIChannel: an intelligence channel that answers room messages through an AIProvider.

One turn: history from the store (or a memory provider), settings merged with the binding's
per-room metadata, a bounded tool-call loop, optional streaming to WebSocket connections. The
reply is returned as a response event and re-enters the inbound pipeline.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import Any

from roomkit.application.ai.history import HistoryBuilder
from roomkit.application.ai.tools import (
    Toolbox,
    ToolContext,
    ToolHandler,
    ToolSpec,
    current_tool_context,
)
from roomkit.application.logging_rules import describe_error, log_failure
from roomkit.domain.ai import (
    AIContext,
    AIMessage,
    AIResponse,
    AITextDelta,
    ToolCallEvent,
)
from roomkit.domain.base import new_id
from roomkit.domain.channel import ChannelBinding, ChannelCapabilities
from roomkit.domain.content import EventContent, TextContent
from roomkit.domain.context import RoomContext
from roomkit.domain.delivery import ChannelOutput
from roomkit.domain.enums import (
    ChannelCategory,
    ChannelDirection,
    ChannelMediaType,
    ChannelType,
    EphemeralEventType,
    EventStatus,
    EventType,
    HookTrigger,
)
from roomkit.domain.event import EventSource, RoomEvent
from roomkit.domain.realtime import EphemeralEvent
from roomkit.domain.streaming import StreamChunk, StreamEnd, StreamError, StreamStart
from roomkit.ports.ai import AIProvider
from roomkit.ports.channel import Channel, StreamWriter
from roomkit.ports.memory import MemoryProvider

log = logging.getLogger("roomkit.ai")

STREAM_ID_KEY = "stream_id"
#: binding metadata key: when true, the channel does not answer other AI channels' messages
IGNORE_AI_KEY = "ignore_ai_messages"
RESPONDS_TO = frozenset({EventType.MESSAGE, EventType.EDIT, EventType.TRANSCRIPTION})


class AIChannel(Channel):
    channel_type = ChannelType.AI
    category = ChannelCategory.INTELLIGENCE

    def __init__(
        self,
        channel_id: str,
        provider: AIProvider,
        *,
        system_prompt: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        thinking_budget: int | None = None,
        tools: Sequence[ToolSpec] | None = None,
        tool_handler: ToolHandler | None = None,
        max_tool_rounds: int = 8,
        history_limit: int = 50,
        memory: MemoryProvider | None = None,
    ) -> None:
        super().__init__(channel_id)
        self.provider = provider
        self.system_prompt = system_prompt
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.thinking_budget = thinking_budget
        self.tools: list[ToolSpec] = list(tools or [])
        self.tool_handler = tool_handler
        self.max_tool_rounds = max_tool_rounds
        self.history_limit = history_limit
        self.memory = memory
        self._history_builder = HistoryBuilder(channel_id)

    def capabilities(self) -> ChannelCapabilities:
        types = [ChannelMediaType.TEXT, ChannelMediaType.RICH]
        if self.provider.supports_vision:
            types.append(ChannelMediaType.MEDIA)
        return ChannelCapabilities(media_types=types, supports_edit=True)

    # the turn ------------------------------------------------------------------------------
    async def on_event(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        if binding.output_muted or event.type not in RESPONDS_TO:
            return ChannelOutput.empty()
        if binding.metadata.get(IGNORE_AI_KEY) and event.source.channel_type is ChannelType.AI:
            return ChannelOutput.empty()  # orchestrated agents answer people, not each other
        toolbox = Toolbox([*self.tools, *binding.metadata.get("tools", ())], self.tool_handler)
        ai_context = await self.build_context(event, binding, context, toolbox)
        stream = await self._open_stream(context.room.id)
        stream_id = new_id() if stream is not None else None
        try:
            response = await self._turn(ai_context, toolbox, context, stream, stream_id)
        except BaseException as exc:  # a provider error or a timeout's cancellation
            if stream is not None and stream_id is not None:
                await _tell_stream_broke(stream, stream_id, exc)
            raise
        if stream is not None and stream_id is not None and not response.content:
            await stream.send(StreamEnd(stream_id=stream_id, text=""))
        output_events: list[RoomEvent] = []
        if response.content:
            output_events.append(
                self.reply(context.room.id, TextContent(body=response.content), response, stream_id)
            )
        return ChannelOutput(
            response_events=output_events,
            tasks=response.tasks,
            observations=response.observations,
        )

    async def build_context(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext, toolbox: Toolbox
    ) -> AIContext:
        meta = binding.metadata
        history = await self._history(event, context)
        vision = self.provider.supports_vision
        messages = self._history_builder.messages(history, vision)
        if self.memory is not None:
            remembered = await self.memory.retrieve(
                room_id=context.room.id,
                channel_id=self.channel_id,
                current=event,
                context=context,
                history=history,
            )
            if remembered is not None:
                messages = [*remembered, *self._history_builder.messages([event], vision)]
        return AIContext(
            messages=messages,
            system_prompt=meta.get("system_prompt", self.system_prompt),
            temperature=meta.get("temperature", self.temperature),
            max_tokens=meta.get("max_tokens", self.max_tokens),
            thinking_budget=meta.get("thinking_budget", self.thinking_budget),
            tools=toolbox.definitions,
            room_id=context.room.id,
            channel_id=self.channel_id,
        )

    async def _history(self, event: RoomEvent, context: RoomContext) -> list[RoomEvent]:
        runtime = self.runtime
        stored = (
            await runtime.history(context.room.id, self.history_limit)
            if runtime is not None
            else list(context.recent_events)
        )
        history = [e for e in stored if e.id != event.id]
        history.append(event)
        return history

    async def _turn(
        self,
        ai_context: AIContext,
        toolbox: Toolbox,
        context: RoomContext,
        stream: StreamWriter | None,
        stream_id: str | None,
    ) -> AIResponse:
        chunks = 0
        if stream is not None and stream_id is not None:
            await stream.send(
                StreamStart(
                    stream_id=stream_id, room_id=context.room.id, channel_id=self.channel_id
                )
            )
        for round_no in range(self.max_tool_rounds + 1):
            if stream is not None and stream_id is not None:
                response, chunks = await self._streamed(ai_context, stream, stream_id, chunks)
            else:
                response = await self.provider.generate(ai_context)
            if not response.tool_calls or not toolbox or round_no == self.max_tool_rounds:
                return response
            ai_context = await self._run_tools(ai_context, response, toolbox, context, round_no)
        return response  # pragma: no cover - the loop always returns

    async def _streamed(
        self, ai_context: AIContext, stream: StreamWriter, stream_id: str, index: int
    ) -> tuple[AIResponse, int]:
        final: AIResponse | None = None
        async for item in self.provider.generate_stream(ai_context):
            if isinstance(item, AITextDelta):
                await stream.send(StreamChunk(stream_id=stream_id, delta=item.text, index=index))
                index += 1
            else:
                final = item
        if final is None:
            raise RuntimeError(f"{self.provider.model_name} stream ended without a response")
        return final, index

    async def _run_tools(
        self,
        ai_context: AIContext,
        response: AIResponse,
        toolbox: Toolbox,
        context: RoomContext,
        round_no: int,
    ) -> AIContext:
        room_id = context.room.id
        calls = response.tool_calls
        await self._publish(
            room_id,
            EphemeralEventType.TOOL_CALL_START,
            {
                "tool_calls": [c.model_dump() for c in calls],
                "round": round_no,
                "channel_id": self.channel_id,
            },
        )
        started = time.perf_counter()
        token = current_tool_context.set(ToolContext(room_id, self.channel_id))
        try:
            results = [await toolbox.run(call) for call in calls]
        finally:
            current_tool_context.reset(token)
        duration_ms = (time.perf_counter() - started) * 1000
        await self._publish(
            room_id,
            EphemeralEventType.TOOL_CALL_END,
            {
                "tool_calls": [
                    {"id": r.tool_call_id, "name": r.name, "result": r.result} for r in results
                ],
                "round": round_no,
                "channel_id": self.channel_id,
                "duration_ms": duration_ms,
            },
        )
        if self.runtime is not None:
            await self.runtime.fire_hook(
                HookTrigger.ON_TOOL_CALL,
                ToolCallEvent(
                    room_id=room_id,
                    channel_id=self.channel_id,
                    round=round_no,
                    tool_calls=list(calls),
                    results=results,
                    duration_ms=duration_ms,
                ),
                context,
            )
        return ai_context.model_copy(
            update={
                "messages": [
                    *ai_context.messages,
                    AIMessage(role="assistant", content=response.content, tool_calls=list(calls)),
                    AIMessage(role="tool", tool_results=results),
                ]
            }
        )

    # helpers -------------------------------------------------------------------------------
    def reply(
        self,
        room_id: str,
        content: EventContent,
        response: AIResponse | None = None,
        stream_id: str | None = None,
    ) -> RoomEvent:
        metadata: dict[str, Any] = {}
        if response is not None:
            metadata["ai"] = {
                "model": self.provider.model_name,
                "usage": response.usage.model_dump(),
                "finish_reason": response.finish_reason,
            }
            if response.thinking:
                metadata["thinking"] = response.thinking
        if stream_id is not None:
            metadata[STREAM_ID_KEY] = stream_id
        return RoomEvent(
            room_id=room_id,
            status=EventStatus.PENDING,
            source=EventSource(
                channel_id=self.channel_id,
                channel_type=self.channel_type,
                direction=ChannelDirection.OUTBOUND,
            ),
            content=content,
            metadata=metadata,
        )

    async def _open_stream(self, room_id: str) -> StreamWriter | None:
        if not self.provider.supports_streaming or self.runtime is None:
            return None
        return await self.runtime.open_stream(room_id, self.channel_id)

    async def _publish(self, room_id: str, kind: EphemeralEventType, data: dict[str, Any]) -> None:
        if self.runtime is not None:
            await self.runtime.publish_ephemeral(
                EphemeralEvent(
                    room_id=room_id,
                    type=kind,
                    user_id=self.channel_id,
                    channel_id=self.channel_id,
                    data=data,
                )
            )


async def _tell_stream_broke(stream: StreamWriter, stream_id: str, exc: BaseException) -> None:
    """Streaming clients learn the reply broke off instead of waiting for an end forever."""
    error = "cancelled" if isinstance(exc, asyncio.CancelledError) else describe_error(exc)
    try:
        await stream.send(StreamError(stream_id=stream_id, error=error))
    except Exception as send_exc:
        log_failure(log, "could not tell streaming clients that a reply broke off", send_exc)
