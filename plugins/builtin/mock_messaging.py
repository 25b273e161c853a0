"""MockMessageProvider: records what it was asked to send (SMS, email, ... in tests)."""

from __future__ import annotations

from dataclasses import dataclass

from roomkit.domain.base import new_id
from roomkit.domain.delivery import ProviderResult
from roomkit.domain.event import RoomEvent
from roomkit.ports.messaging import MessageProvider


@dataclass(frozen=True)
class SentMessage:
    to: str
    event: RoomEvent
    provider_message_id: str


class MockMessageProvider(MessageProvider):
    """Succeeds, or fails for addresses in ``fail_for`` (a refusal) / raises ``error``."""

    name = "mock"

    def __init__(self, *, fail_for: set[str] | None = None, error: Exception | None = None) -> None:
        self.sent: list[SentMessage] = []
        self.fail_for = set(fail_for or ())
        self.error = error

    async def send(self, event: RoomEvent, to: str) -> ProviderResult:
        if self.error is not None:
            raise self.error
        if to in self.fail_for:
            return ProviderResult(success=False, error=f"recipient {to} refused")
        message_id = new_id()
        self.sent.append(SentMessage(to=to, event=event, provider_message_id=message_id))
        return ProviderResult(success=True, provider_message_id=message_id)
