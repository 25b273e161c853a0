"""MessageProvider: sends one event to one address over an external service (SMS, email...)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

from roomkit.domain.delivery import ProviderResult
from roomkit.domain.event import RoomEvent


class MessageProvider(ABC):
    name: str = "provider"
    #: True when send() itself sends text over the vendor's limit as several messages: the
    #: channel then leaves text whole instead of truncating it to its ``max_length``.
    splits_long_text: bool = False

    @abstractmethod
    async def send(self, event: RoomEvent, to: str) -> ProviderResult:
        """Send ``event`` to ``to``; a ProviderResult with success=False reports a refusal."""

    async def send_to(
        self, event: RoomEvent, to: str, details: Mapping[str, Any]
    ) -> ProviderResult:
        """Send to ``to`` with the address details the room stored for it (see
        ``roomkit.domain.inbound.ADDRESS_DETAILS``); providers that need none just ``send``."""
        return await self.send(event, to)

    async def close(self) -> None:
        """Release HTTP clients, if any."""
