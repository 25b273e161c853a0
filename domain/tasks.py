"""Side effects an intelligence channel or a hook may produce."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from roomkit.domain.base import Model, new_id, utcnow


class Task(Model):
    id: str = Field(default_factory=new_id)
    room_id: str = ""
    title: str
    description: str | None = None
    status: str = "pending"
    assigned_to: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=utcnow)


class Observation(Model):
    id: str = Field(default_factory=new_id)
    room_id: str = ""
    channel_id: str | None = None
    category: str = "general"
    content: str
    confidence: float | None = Field(default=None, ge=0, le=1)
    metadata: dict[str, Any] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=utcnow)
