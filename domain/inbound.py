"""What arrives from a provider, and what the pipeline made of it."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from roomkit.domain.base import Model
from roomkit.domain.content import EventContent
from roomkit.domain.event import RoomEvent


class InboundMessage(Model):
    channel_id: str
    sender_id: str
    content: EventContent
    provider_message_id: str | None = None
    thread_id: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class InboundResult(Model):
    """``event`` is the stored (or, if blocked, the rejected) event; ``duplicate`` marks a
    redelivery answered from the first result."""

    event: RoomEvent | None = None
    blocked: bool = False
    reason: str | None = None
    room_id: str | None = None
    duplicate: bool = False
