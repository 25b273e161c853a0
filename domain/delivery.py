"""Delivery outcomes: what RoomKit did per binding, and what providers report later."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from roomkit.domain.base import Model, OpenModel, utcnow
from roomkit.domain.enums import DeliveryState
from roomkit.domain.event import RoomEvent
from roomkit.domain.tasks import Observation, Task

#: ``ProviderResult.metadata`` key: every provider id of a send to several recipients (or of a
#: long text sent as several messages).
PROVIDER_MESSAGE_IDS = "provider_message_ids"


class ProviderResult(Model):
    success: bool = True
    provider_message_id: str | None = None
    error: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class ChannelOutput(Model):
    """What a channel returns from a delivery: intelligence channels add response events."""

    response_events: list[RoomEvent] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    observations: list[Observation] = Field(default_factory=list)
    provider_result: ProviderResult | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def empty(cls) -> ChannelOutput:
        return _EMPTY


_EMPTY = ChannelOutput()


class DeliveryResult(Model):
    room_id: str
    event_id: str
    channel_id: str
    state: DeliveryState
    attempts: int = 0
    error: str | None = None
    provider_message_id: str | None = None
    duration_ms: float = 0.0
    at: datetime = Field(default_factory=utcnow)
    #: e.g. ``fallback_from`` and ``fallback_reason`` on a delivery made as a fallback
    metadata: dict[str, Any] = Field(default_factory=dict)

    @property
    def success(self) -> bool:
        return self.state is DeliveryState.DELIVERED


class DeliveryStatus(OpenModel):
    """A provider's report about a message it was given.

    ``status`` is one of queued, sent, delivered, read, failed (the vendor's own word is kept
    in ``raw``); ``room_id``, ``channel_id`` and ``event_id`` come from the send it reports on.
    """

    provider: str = "unknown"
    message_id: str
    status: str
    recipient: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    room_id: str | None = None
    channel_id: str | None = None
    event_id: str | None = None
    timestamp: datetime = Field(default_factory=utcnow)
    raw: dict[str, Any] = Field(default_factory=dict)
