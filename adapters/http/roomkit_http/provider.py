"""WebhookHTTPProvider: delivers each message as a JSON POST to your own endpoint, and receives
your endpoint's messages and delivery reports as RoomKit's signed JSON webhooks."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlsplit

from roomkit.domain.content import text_of
from roomkit.domain.delivery import ProviderResult
from roomkit.domain.errors import WebhookSignatureError
from roomkit.domain.event import RoomEvent
from roomkit.domain.signed_json import parse_signed_json, signature_headers, verify_signature
from roomkit.domain.webhook import WebhookBatch, WebhookRequest
from roomkit.ports.messaging import MessageProvider
from roomkit.ports.webhooks import WebhookParser
from roomkit_http.client import VendorHTTP, guarded, refusal
from roomkit_http.config import HTTPProviderConfig


def target_of(config: HTTPProviderConfig) -> tuple[str, str]:
    """(origin, path-and-query) of the POST target, with ``base_url`` replacing the origin."""
    parts = urlsplit(config.url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    origin = config.base_url.rstrip("/") if config.base_url else f"{parts.scheme}://{parts.netloc}"
    return origin, path


def message_body(event: RoomEvent, to: str) -> dict[str, Any]:
    return {
        "type": "message",
        "id": event.id,
        "room_id": event.room_id,
        "to": to,
        "text": text_of(event.content),
        "content": event.content.model_dump(mode="json"),
        "sender": {
            "channel_id": event.source.channel_id,
            "participant_id": event.source.participant_id,
        },
        "created_at": event.created_at.isoformat(),
    }


class WebhookHTTPProvider(MessageProvider, WebhookParser):
    name = "http"

    def __init__(self, config: HTTPProviderConfig) -> None:
        self.config = config
        origin, self._path = target_of(config)
        self._http = VendorHTTP(
            origin, headers=dict(config.headers), timeout=config.timeout, retry=config.retry
        )
        self._webhook_secret = (
            config.webhook_secret.get_secret_value().encode() if config.webhook_secret else None
        )

    async def send(self, event: RoomEvent, to: str) -> ProviderResult:
        return await guarded(self.name, self._send(event, to))

    async def _send(self, event: RoomEvent, to: str) -> ProviderResult:
        body = json.dumps(message_body(event, to)).encode()
        headers = {"Content-Type": "application/json"}
        if self.config.secret is not None:
            headers.update(signature_headers(self.config.secret.get_secret_value(), body))
        response = await self._http.request("POST", self._path, content=body, headers=headers)
        if response.status_code >= 300:
            return refusal(self.name, response)
        return ProviderResult(
            success=True, provider_message_id=_answered_id(response.content) or f"{event.id}:{to}"
        )

    def authenticate(self, request: WebhookRequest) -> None:
        if self._webhook_secret is None:
            raise WebhookSignatureError(self.name, "HTTPProviderConfig.webhook_secret is not set")
        verify_signature(
            request,
            self._webhook_secret,
            provider=self.name,
            tolerance=self.config.webhook_tolerance_seconds,
            now=time.time(),
        )

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        return parse_signed_json(request, channel_id, self.name)

    async def close(self) -> None:
        await self._http.close()


def _answered_id(content: bytes) -> str | None:
    """The id the endpoint gave the message, if it answered JSON with ``id`` or ``message_id``."""
    try:
        data = json.loads(content)
    except ValueError:
        return None
    if isinstance(data, dict):
        for key in ("message_id", "id"):
            if isinstance(data.get(key), str | int) and data[key] != "":
                return str(data[key])
    return None
