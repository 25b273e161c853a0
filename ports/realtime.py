"""RealtimeBackend: publish/subscribe for ephemeral events, per room."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable

from roomkit.domain.realtime import EphemeralEvent

EphemeralCallback = Callable[[EphemeralEvent], Awaitable[None]]


class RealtimeBackend(ABC):
    @abstractmethod
    async def publish(self, event: EphemeralEvent) -> None:
        """Deliver ``event`` to every current subscriber of ``event.room_id``."""

    @abstractmethod
    async def subscribe(self, room_id: str, callback: EphemeralCallback) -> str:
        """Register ``callback`` for the room; return a subscription id."""

    @abstractmethod
    async def unsubscribe(self, subscription_id: str) -> bool:
        """Stop a subscription; True if it existed."""

    async def close(self) -> None:
        """Drop every subscription."""
