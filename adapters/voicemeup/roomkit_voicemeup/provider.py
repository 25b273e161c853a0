"""VoiceMeUpSMSProvider over the VoiceMeUp REST API (``queue_sms``, httpx): text split at 1000
characters, one media attachment per message, numbers without their ``+``."""

from __future__ import annotations

from typing import Any

import httpx

from roomkit.domain.delivery import PROVIDER_MESSAGE_IDS, ProviderResult
from roomkit.domain.event import RoomEvent
from roomkit.domain.inbound import InboundMessage
from roomkit.domain.outbound import caption_text, media_urls, split_text
from roomkit.domain.webhook import WebhookBatch, WebhookRequest
from roomkit.ports.messaging import MessageProvider
from roomkit.ports.webhooks import WebhookParser
from roomkit_http import VendorHTTP, guarded, refusal
from roomkit_voicemeup.config import VoiceMeUpConfig
from roomkit_voicemeup.webhooks import VoiceMeUpWebhooks

PATH = "/api/v1.1/json/queue_sms"


def _messages(data: Any) -> list[dict[str, Any]]:
    found = ((data.get("response_details") or {}).get("response_messages") or {}).get("message")
    if isinstance(found, dict):
        return [found]
    return [m for m in found or [] if isinstance(m, dict)]


def read_answer(response: httpx.Response) -> ProviderResult:
    try:
        data = response.json()
        details = data.get("response_details") or {}
        messages = _messages(data)
    except (ValueError, AttributeError):
        return refusal("voicemeup", response, "the answer is not VoiceMeUp JSON")
    if details.get("response_status") == "error":
        first = messages[0] if messages else {}
        code = first.get("code", "unknown_error")
        return refusal("voicemeup", response, f"{code}: {first.get('_content', code)}")
    for message in messages:
        if message.get("code") == "queued_sms_hash":
            return ProviderResult(success=True, provider_message_id=str(message["_content"]))
    return ProviderResult(success=False, error="voicemeup queued the message without an sms hash")


class VoiceMeUpSMSProvider(MessageProvider, WebhookParser):
    name = "voicemeup"
    splits_long_text = True

    def __init__(self, config: VoiceMeUpConfig) -> None:
        self.config = config
        self._http = VendorHTTP(config.endpoint, timeout=config.timeout, retry=config.retry)
        token = config.webhook_token
        self._webhooks = VoiceMeUpWebhooks(
            token.get_secret_value() if token is not None else None, config.mms_wait_seconds
        )

    def forms_for(self, event: RoomEvent, to: str) -> list[dict[str, str]]:
        common = {
            "username": self.config.username,
            "auth_token": self.config.auth_token.get_secret_value(),
            "source_number": self.config.from_number.lstrip("+"),
            "destination_number": to.lstrip("+"),
        }
        text = caption_text(event.content)
        media = [url for url, _ in media_urls(event.content)]
        forms = [{**common, "attachment": url} for url in media]
        pieces = split_text(text, self.config.max_text_chars) if text else []
        if forms and pieces:
            forms[0]["message"] = pieces.pop(0)
        forms.extend({**common, "message": piece} for piece in pieces)
        return forms

    async def send(self, event: RoomEvent, to: str) -> ProviderResult:
        forms = self.forms_for(event, to)
        if not forms:
            return ProviderResult(success=False, error="voicemeup: the event has no text or media")
        return await guarded(self.name, self._send(forms))

    async def _send(self, forms: list[dict[str, str]]) -> ProviderResult:
        ids: list[str] = []
        for form in forms:
            response = await self._http.request("POST", PATH, data=form)
            if response.status_code >= 300:
                return refusal(self.name, response)
            result = read_answer(response)
            if not result.success:
                return result
            ids.append(result.provider_message_id or "")
        metadata: dict[str, Any] = {PROVIDER_MESSAGE_IDS: ids} if len(ids) > 1 else {}
        return ProviderResult(success=True, provider_message_id=ids[0], metadata=metadata)

    def authenticate(self, request: WebhookRequest) -> None:
        self._webhooks.authenticate(request)

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        return self._webhooks.parse(request, channel_id)

    def flush_pending_mms(self, *, force: bool = False) -> list[InboundMessage]:
        """MMS text halves still waiting for their media past ``mms_wait_seconds`` (all of them
        with ``force``), to run through ``kit.process_inbound``."""
        return self._webhooks.flush_pending_mms(force=force)

    async def close(self) -> None:
        await self._http.close()
