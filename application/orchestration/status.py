"""The status bus: agents' progress updates for UI display (not stored, not broadcast)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from roomkit.domain.base import Model, new_id, utcnow

log = logging.getLogger("roomkit.status")


class StatusUpdate(Model):
    agent_id: str
    message: str
    level: Literal["debug", "info", "warning", "error"] = "info"
    room_id: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    timestamp: datetime = Field(default_factory=utcnow)


StatusCallback = Callable[[StatusUpdate], Awaitable[None]]


class StatusBus:
    """In-process publish/subscribe; a subscriber that raises is logged and skipped."""

    def __init__(self) -> None:
        self._subscribers: dict[str, StatusCallback] = {}

    async def subscribe(self, callback: StatusCallback) -> str:
        sub_id = new_id()
        self._subscribers[sub_id] = callback
        return sub_id

    async def unsubscribe(self, subscription_id: str) -> bool:
        return self._subscribers.pop(subscription_id, None) is not None

    async def publish(self, update: StatusUpdate) -> None:
        for sub_id, callback in list(self._subscribers.items()):
            try:
                await callback(update)
            except Exception:
                log.exception("status subscriber %s failed", sub_id)
