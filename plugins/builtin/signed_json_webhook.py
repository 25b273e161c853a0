"""SignedJSONWebhookParser: receives RoomKit's signed JSON webhooks (see domain/signed_json.py)."""

from __future__ import annotations

import time
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, SecretStr

from roomkit.domain.signed_json import (
    DEFAULT_TOLERANCE,
    parse_signed_json,
    signature_headers,
    verify_signature,
)
from roomkit.domain.webhook import WebhookBatch, WebhookRequest
from roomkit.plugins.hookspecs import Register
from roomkit.plugins.markers import hookimpl
from roomkit.ports.webhooks import WebhookParser

sign_json_webhook = signature_headers


class SignedJSONWebhookParser(WebhookParser):
    def __init__(
        self,
        secret: str | SecretStr,
        *,
        provider: str = "http",
        tolerance: float = DEFAULT_TOLERANCE,
        now: Callable[[], float] = time.time,
    ) -> None:
        raw = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
        if not raw:
            raise ValueError("a webhook secret must not be empty")
        self._secret = raw.encode()
        self.name = provider
        self._tolerance = tolerance
        self._now = now

    def authenticate(self, request: WebhookRequest) -> None:
        verify_signature(
            request, self._secret, provider=self.name, tolerance=self._tolerance, now=self._now()
        )

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        return parse_signed_json(request, channel_id, self.name)


class SignedJSONWebhookSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    secret: SecretStr
    provider: str = "http"
    tolerance: float = DEFAULT_TOLERANCE


def _factory(settings: SignedJSONWebhookSettings) -> SignedJSONWebhookParser:
    return SignedJSONWebhookParser(
        settings.secret, provider=settings.provider, tolerance=settings.tolerance
    )


@hookimpl
def roomkit_register_webhook_parsers(register: Register) -> None:
    register(
        name="signed-json",
        factory=_factory,
        settings=SignedJSONWebhookSettings,
        description="RoomKit's JSON webhook format signed with HMAC-SHA256",
    )
