"""The RealtimeBackend port and ephemeral event types."""

from roomkit.domain.enums import EphemeralEventType
from roomkit.domain.realtime import EphemeralEvent
from roomkit.ports.realtime import EphemeralCallback, RealtimeBackend

__all__ = ["EphemeralCallback", "EphemeralEvent", "EphemeralEventType", "RealtimeBackend"]
