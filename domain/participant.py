"""Participants of a room."""

from __future__ import annotations

import hashlib
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


def address_participant_id(channel_id: str, external_id: str) -> str:
    """The id of the participant a room makes on its own for a sender at a channel address.

    The same address gives the same id, so two messages from a new sender handled at once (by
    two tasks or two processes, both before the room's lock) make one participant, not two."""
    digest = hashlib.blake2b(f"{channel_id}\x00{external_id}".encode(), digest_size=16)
    return digest.hexdigest()
