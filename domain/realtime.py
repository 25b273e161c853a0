"""Ephemeral events: typing, presence, reactions, tool-call progress. Never stored."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from roomkit.domain.base import Model, new_id, utcnow
from roomkit.domain.enums import EphemeralEventType


class EphemeralEvent(Model):
    id: str = Field(default_factory=new_id)
    room_id: str
    type: EphemeralEventType
    user_id: str
    channel_id: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    timestamp: datetime = Field(default_factory=utcnow)
