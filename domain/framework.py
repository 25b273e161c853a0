"""Lightweight lifecycle notifications delivered through ``@kit.on(name)``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from roomkit.domain.base import Model, utcnow

FRAMEWORK_EVENT_TYPES: frozenset[str] = frozenset(
    {
        "room_created",
        "room_closed",
        "room_paused",
        "room_channel_attached",
        "room_channel_detached",
        "channel_connected",
        "channel_disconnected",
        "voice_session_started",
        "voice_session_ended",
        "realtime_session_resumed",
        "source_attached",
        "source_detached",
        "source_error",
        "source_exhausted",
        "delivery_fallback",
    }
)


class FrameworkEvent(Model):
    type: str
    data: dict[str, Any] = Field(default_factory=dict)
    room_id: str | None = None
    timestamp: datetime = Field(default_factory=utcnow)
