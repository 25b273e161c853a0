"""InboundRoomRouter: which room an inbound message belongs to."""

from __future__ import annotations

from abc import ABC, abstractmethod

from roomkit.domain.enums import ChannelType
from roomkit.domain.inbound import InboundMessage


class InboundRoomRouter(ABC):
    @abstractmethod
    async def route(self, message: InboundMessage, channel_type: ChannelType) -> str | None:
        """The target room id, or None when no room takes the message."""
