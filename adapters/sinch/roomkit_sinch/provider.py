"""SinchSMSProvider over the Sinch REST batches API (httpx): text as ``mt_text`` (split beyond
2000 characters), media as ``mt_media``."""

from __future__ import annotations

import time
from typing import Any

import httpx

from roomkit.domain.delivery import PROVIDER_MESSAGE_IDS, ProviderResult
from roomkit.domain.event import RoomEvent
from roomkit.domain.outbound import caption_text, media_urls, split_text
from roomkit.domain.webhook import WebhookBatch, WebhookRequest
from roomkit.ports.messaging import MessageProvider
from roomkit.ports.webhooks import WebhookParser
from roomkit_http import VendorHTTP, guarded, refusal
from roomkit_sinch.config import SinchConfig
from roomkit_sinch.webhooks import SinchWebhooks


def sinch_refusal(response: httpx.Response) -> ProviderResult:
    try:
        data = response.json()
        detail = f"{data.get('code')}: {data.get('text')}"
    except (ValueError, AttributeError):
        detail = None
    return refusal("sinch", response, detail)


class SinchSMSProvider(MessageProvider, WebhookParser):
    name = "sinch"
    splits_long_text = True

    def __init__(self, config: SinchConfig) -> None:
        self.config = config
        self._http = VendorHTTP(
            config.endpoint,
            headers={"Authorization": f"Bearer {config.api_token.get_secret_value()}"},
            timeout=config.timeout,
            retry=config.retry,
        )
        secret = config.webhook_secret
        self._webhooks = SinchWebhooks(
            secret.get_secret_value() if secret is not None else None,
            config.webhook_tolerance_seconds,
            time.time,
        )

    def batches_for(self, event: RoomEvent, to: str) -> list[dict[str, Any]]:
        common: dict[str, Any] = {"from": self.config.from_number, "to": [to]}
        if self.config.callback_url:
            common["callback_url"] = self.config.callback_url
            common["delivery_report"] = "per_recipient"
        text = caption_text(event.content)
        media = [url for url, _ in media_urls(event.content)]
        batches: list[dict[str, Any]] = []
        for i, url in enumerate(media):
            body: dict[str, Any] = {"url": url}
            if i == 0 and text and len(text) <= self.config.max_text_chars:
                body["message"] = text
                text = ""
            batches.append({**common, "type": "mt_media", "body": body})
        for piece in split_text(text, self.config.max_text_chars) if text else []:
            batches.append({**common, "body": piece})
        return batches

    async def send(self, event: RoomEvent, to: str) -> ProviderResult:
        batches = self.batches_for(event, to)
        if not batches:
            return ProviderResult(success=False, error="sinch: the event has no text or media")
        return await guarded(self.name, self._send(batches))

    async def _send(self, batches: list[dict[str, Any]]) -> ProviderResult:
        path = f"/xms/v1/{self.config.service_plan_id}/batches"
        ids: list[str] = []
        for batch in batches:
            response = await self._http.request("POST", path, json=batch)
            if response.status_code >= 300:
                return sinch_refusal(response)
            try:
                ids.append(str(response.json()["id"]))
            except (ValueError, KeyError, TypeError):
                return ProviderResult(success=False, error="sinch answered without a batch id")
        metadata: dict[str, Any] = {PROVIDER_MESSAGE_IDS: ids} if len(ids) > 1 else {}
        return ProviderResult(success=True, provider_message_id=ids[0], metadata=metadata)

    def authenticate(self, request: WebhookRequest) -> None:
        self._webhooks.authenticate(request)

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        return self._webhooks.parse(request, channel_id)

    async def close(self) -> None:
        await self._http.close()
