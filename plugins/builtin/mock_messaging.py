"""MockMessageProvider: records what it was asked to send (SMS, email, ... in tests).

Given a ``webhook_secret`` it also receives webhooks in RoomKit's signed JSON format, so the whole
inbound path (authentication, parsing, the pipeline, delivery reports) runs without a vendor.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, SecretStr

from roomkit.domain.base import new_id
from roomkit.domain.delivery import ProviderResult
from roomkit.domain.errors import WebhookSignatureError
from roomkit.domain.event import RoomEvent
from roomkit.domain.webhook import WebhookBatch, WebhookRequest
from roomkit.plugins.builtin.signed_json_webhook import SignedJSONWebhookParser
from roomkit.plugins.hookspecs import Register
from roomkit.plugins.markers import hookimpl
from roomkit.ports.messaging import MessageProvider
from roomkit.ports.webhooks import WebhookParser


@dataclass(frozen=True)
class SentMessage:
    to: str
    event: RoomEvent
    provider_message_id: str


class MockMessageProvider(MessageProvider, WebhookParser):
    """Succeeds, or fails for addresses in ``fail_for`` (a refusal) / raises ``error``."""

    name = "mock"

    def __init__(
        self,
        *,
        fail_for: set[str] | None = None,
        error: Exception | None = None,
        webhook_secret: str | SecretStr | None = None,
    ) -> None:
        self.sent: list[SentMessage] = []
        self.fail_for = set(fail_for or ())
        self.error = error
        self._webhooks = (
            SignedJSONWebhookParser(webhook_secret, provider=self.name) if webhook_secret else None
        )

    async def send(self, event: RoomEvent, to: str) -> ProviderResult:
        if self.error is not None:
            raise self.error
        if to in self.fail_for:
            return ProviderResult(success=False, error=f"recipient {to} refused")
        message_id = new_id()
        self.sent.append(SentMessage(to=to, event=event, provider_message_id=message_id))
        return ProviderResult(success=True, provider_message_id=message_id)

    def authenticate(self, request: WebhookRequest) -> None:
        if self._webhooks is None:
            raise WebhookSignatureError(self.name, "no webhook_secret is configured")
        self._webhooks.authenticate(request)

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        if self._webhooks is None:
            raise WebhookSignatureError(self.name, "no webhook_secret is configured")
        return self._webhooks.parse(request, channel_id)


class MockMessageSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fail_for: list[str] = []
    webhook_secret: SecretStr | None = None


def _factory(settings: MockMessageSettings) -> MockMessageProvider:
    return MockMessageProvider(
        fail_for=set(settings.fail_for), webhook_secret=settings.webhook_secret
    )


@hookimpl
def roomkit_register_message_providers(register: Register) -> None:
    register(
        name="mock",
        factory=_factory,
        settings=MockMessageSettings,
        description="records sends; signed JSON webhooks when given a secret",
    )
