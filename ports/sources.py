"""SourceProvider: a feed RoomKit reads inbound messages from, instead of being pushed to.

A bot's long poll, a WebSocket or Server-Sent Events feed, a personal messaging session: the
source connects out and hands each message to ``emit``; RoomKit supervises it (restarts with
backoff, health, framework events).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable

from roomkit.domain.inbound import InboundMessage, InboundResult

Emit = Callable[[InboundMessage], Awaitable[InboundResult]]


class SourceProvider(ABC):
    #: a short name for logs and health reports
    name: str = "source"

    @abstractmethod
    async def run(self, emit: Emit) -> None:
        """Receive until cancelled, awaiting ``emit(message)`` once per message, in order.

        Returning means the source has nothing more to give (exhausted); raising means it
        failed (the supervisor may restart it). Cancellation must stop it promptly.
        """

    async def close(self) -> None:
        """Release connections. Called after ``run`` ends or is cancelled; idempotent."""
