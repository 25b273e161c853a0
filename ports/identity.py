"""IdentityResolver: who is behind a sender id."""

from __future__ import annotations

from abc import ABC, abstractmethod

from roomkit.domain.context import RoomContext
from roomkit.domain.identity import IdentityResult
from roomkit.domain.inbound import InboundMessage


class IdentityResolver(ABC):
    @abstractmethod
    async def resolve(self, message: InboundMessage, context: RoomContext) -> IdentityResult:
        """Map ``message.sender_id`` to an identity, or say why it cannot."""
