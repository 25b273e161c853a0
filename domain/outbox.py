"""The delivery outbox: one record per (event, target channel), kept with the event."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from roomkit.domain.base import Model, utcnow


class OutboxState(StrEnum):
    PENDING = "pending"  # stored with the event; not yet delivered
    DELIVERED = "delivered"
    DEAD = "dead"  # failed past the binding's retry policy; see kit.list_dead_letters()
    DROPPED = "dropped"  # not sent: the channel was detached from the room before delivery


class OutboxEntry(Model):
    room_id: str
    event_id: str
    channel_id: str
    state: OutboxState = OutboxState.PENDING
    attempts: int = 0
    last_error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
