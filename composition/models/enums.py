"""Every enumeration."""

from roomkit.domain.enums import (
    Access,
    ChannelCategory,
    ChannelDirection,
    ChannelMediaType,
    ChannelType,
    CircuitState,
    DeliveryState,
    EphemeralEventType,
    EventStatus,
    EventType,
    HookExecution,
    HookTrigger,
    IdentificationStatus,
    ParticipantRole,
    ParticipantStatus,
    RoomStatus,
)

__all__ = [
    "Access",
    "ChannelCategory",
    "ChannelDirection",
    "ChannelMediaType",
    "ChannelType",
    "CircuitState",
    "DeliveryState",
    "EphemeralEventType",
    "EventStatus",
    "EventType",
    "HookExecution",
    "HookTrigger",
    "IdentificationStatus",
    "ParticipantRole",
    "ParticipantStatus",
    "RoomStatus",
]
