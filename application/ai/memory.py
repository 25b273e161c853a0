"""Memory providers an AI channel can use instead of its plain recent history."""

from __future__ import annotations

from roomkit.application.ai.history import HistoryBuilder
from roomkit.domain.ai import AIMessage
from roomkit.domain.context import RoomContext
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
