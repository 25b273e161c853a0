"""Participants of a room."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from roomkit.domain.base import Model, new_id, utcnow
from roomkit.domain.enums import IdentificationStatus, ParticipantRole, ParticipantStatus


class Participant(Model):
    id: str = Field(default_factory=new_id)
    room_id: str
    channel_id: str | None = None
    external_id: str | None = None
    display_name: str | None = None
    role: ParticipantRole = ParticipantRole.MEMBER
    status: ParticipantStatus = ParticipantStatus.ACTIVE
    identification: IdentificationStatus = IdentificationStatus.UNKNOWN
    identity_id: str | None = None
    candidates: list[str] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)
    joined_at: datetime = Field(default_factory=utcnow)
