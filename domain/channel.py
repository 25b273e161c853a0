"""Channel bindings, capabilities and per-binding resilience settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, model_validator

from roomkit.domain.base import Model, utcnow
from roomkit.domain.enums import (
    Access,
    ChannelCategory,
    ChannelDirection,
    ChannelMediaType,
    ChannelType,
)
from roomkit.domain.fallback import FallbackPolicy


class ChannelCapabilities(Model):
    """What a channel can carry; the transcoder adapts content to it."""

    media_types: list[ChannelMediaType] = Field(default_factory=lambda: [ChannelMediaType.TEXT])
    max_length: int | None = Field(default=None, gt=0)
    supports_threading: bool = False
    supports_reactions: bool = False
    supports_read_receipts: bool = False
    supports_typing: bool = False
    supports_edit: bool = False
    supports_delete: bool = False
    supports_buttons: bool = False
    supports_streaming: bool = False
    metadata: dict[str, Any] = Field(default_factory=dict)


class RateLimit(Model):
    """Token-bucket limits; any combination of the three windows may be set."""

    max_per_second: float | None = Field(default=None, gt=0)
    max_per_minute: float | None = Field(default=None, gt=0)
    max_per_hour: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _at_least_one(self) -> RateLimit:
        if (
            self.max_per_second is None
            and self.max_per_minute is None
            and self.max_per_hour is None
        ):
            raise ValueError("RateLimit needs max_per_second, max_per_minute or max_per_hour")
        return self


class RetryPolicy(Model):
    """Exponential backoff: delay = min(base * exponential_base**attempt, max)."""

    max_retries: int = Field(default=3, ge=0)
    base_delay_seconds: float = Field(default=1.0, ge=0)
    max_delay_seconds: float = Field(default=60.0, ge=0)
    exponential_base: float = Field(default=2.0, ge=1)

    def delay_for(self, attempt: int) -> float:
        """Delay before retry number ``attempt`` (0-based)."""
        return float(
            min(self.base_delay_seconds * self.exponential_base**attempt, self.max_delay_seconds)
        )


class ChannelBinding(Model):
    """A channel attached to a room, with its per-room settings."""

    room_id: str
    channel_id: str
    channel_type: ChannelType
    category: ChannelCategory = ChannelCategory.TRANSPORT
    direction: ChannelDirection = ChannelDirection.BIDIRECTIONAL
    access: Access = Access.READ_WRITE
    muted: bool = False
    output_muted: bool = False
    capabilities: ChannelCapabilities = Field(default_factory=ChannelCapabilities)
    metadata: dict[str, Any] = Field(default_factory=dict)
    rate_limit: RateLimit | None = None
    retry_policy: RetryPolicy | None = None
    #: seconds one delivery attempt may take (None: the kit's ``delivery_timeout``)
    delivery_timeout: float | None = Field(default=None, gt=0)
    #: where events go when delivery here fails or is not confirmed in time
    fallback: FallbackPolicy | None = None
    attached_at: datetime = Field(default_factory=utcnow)

    @property
    def receives_broadcasts(self) -> bool:
        return self.access.can_read

    @property
    def can_send(self) -> bool:
        return self.access.can_write
