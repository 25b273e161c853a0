"""Memory providers an AI channel can use instead of its plain recent history."""

from __future__ import annotations

from roomkit.application.ai.history import HistoryBuilder
from roomkit.domain.ai import AIMessage
from roomkit.domain.context import RoomContext
from roomkit.domain.conversation import get_conversation_state
from roomkit.domain.event import RoomEvent
from roomkit.ports.memory import MemoryProvider


class SlidingWindowMemory(MemoryProvider):
    """The last ``max_events`` conversation events before the current one."""

    def __init__(self, max_events: int = 50) -> None:
        if max_events < 1:
            raise ValueError("max_events must be at least 1")
        self.max_events = max_events
        self._builders: dict[str, HistoryBuilder] = {}

    async def retrieve(
        self,
        *,
        room_id: str,
        channel_id: str,
        current: RoomEvent,
        context: RoomContext,
        history: list[RoomEvent],
    ) -> list[AIMessage] | None:
        builder = self._builders.setdefault(channel_id, HistoryBuilder(channel_id))
        earlier = [e for e in history if e.id != current.id][-self.max_events :]
        return builder.messages(earlier, vision=False)


class HandoffMemoryProvider(MemoryProvider):
    """Wraps a memory provider and puts, first, what the previous agent handed over: the reason
    and summary of the latest handoff to this agent (from the room's ConversationState)."""

    def __init__(self, inner: MemoryProvider) -> None:
        self.inner = inner

    async def retrieve(
        self,
        *,
        room_id: str,
        channel_id: str,
        current: RoomEvent,
        context: RoomContext,
        history: list[RoomEvent],
    ) -> list[AIMessage] | None:
        remembered = await self.inner.retrieve(
            room_id=room_id,
            channel_id=channel_id,
            current=current,
            context=context,
            history=history,
        )
        state = get_conversation_state(context.room)
        handoffs = [t for t in state.phase_history if t.to_agent == channel_id and t.from_agent]
        if not handoffs:
            return remembered
        last = handoffs[-1]
        note = (
            f"You took over this conversation from {last.from_agent}. "
            f"Reason: {last.reason or 'not given'}. "
            f"Summary: {last.metadata.get('summary') or 'none'}."
        )
        return [AIMessage(role="system", content=note), *(remembered or [])]
