"""RoomEvent: one entry of a room's timeline, and who it came from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from roomkit.domain.base import Model, new_id, utcnow
from roomkit.domain.content import EventContent
from roomkit.domain.enums import ChannelDirection, ChannelType, EventStatus, EventType


class EventSource(Model):
    channel_id: str
    channel_type: ChannelType = ChannelType.SYSTEM
    direction: ChannelDirection = ChannelDirection.INBOUND
    participant_id: str | None = None
    external_id: str | None = None
    provider: str | None = None


class RoomEvent(Model):
    id: str = Field(default_factory=new_id)
    room_id: str
    index: int = 0
    type: EventType = EventType.MESSAGE
    status: EventStatus = EventStatus.PENDING
    source: EventSource
    content: EventContent
    metadata: dict[str, Any] = Field(default_factory=dict)
    chain_depth: int = Field(default=0, ge=0)
    parent_event_id: str | None = None
    correlation_id: str | None = None
    provider_message_id: str | None = None
    blocked_by: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    stored_at: datetime | None = None
