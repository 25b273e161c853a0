"""MemoryProvider: what an AI channel remembers of a room when it answers."""

from __future__ import annotations

from abc import ABC, abstractmethod

from roomkit.domain.ai import AIMessage
from roomkit.domain.context import RoomContext
from roomkit.domain.event import RoomEvent


class MemoryProvider(ABC):
    @abstractmethod
    async def retrieve(
        self,
        *,
        room_id: str,
        channel_id: str,
        current: RoomEvent,
        context: RoomContext,
        history: list[RoomEvent],
    ) -> list[AIMessage] | None:
        """The messages that precede ``current`` for the AI channel ``channel_id``; ``history``
        is the channel's recent stored history. None keeps that default."""
