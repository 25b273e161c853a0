"""TelnyxSMSProvider and TelnyxRCSProvider over the Telnyx v2 messaging API (httpx).

SMS/MMS: ``POST /v2/messages`` with text and ``media_urls``; text longer than the limit goes as
several messages. RCS: ``POST /v2/messages/rcs`` with an ``agent_message``: rich cards (one card
or a carousel), suggested replies and actions from RichContent's cards, buttons and quick
replies, media as ``content_info``."""

from __future__ import annotations

import time
from typing import Any

import httpx

from roomkit.domain.content import CompositeContent, MediaContent, RichContent
from roomkit.domain.delivery import PROVIDER_MESSAGE_IDS, ProviderResult
from roomkit.domain.event import RoomEvent
from roomkit.domain.outbound import caption_text, media_urls, split_text
from roomkit.domain.webhook import WebhookBatch, WebhookRequest
from roomkit.ports.messaging import MessageProvider
from roomkit.ports.webhooks import WebhookParser
from roomkit_http import VendorHTTP, guarded, refusal
from roomkit_telnyx.config import DEFAULT_BASE_URL, TelnyxConfig, TelnyxRCSConfig
from roomkit_telnyx.webhooks import TelnyxWebhooks

MAX_MEDIA = 10


def telnyx_refusal(response: httpx.Response) -> ProviderResult:
    try:
        errors = response.json().get("errors") or []
        first = errors[0]
        detail = f"{first.get('code')}: {first.get('title')} - {first.get('detail', '')}".strip()
    except (ValueError, AttributeError, IndexError, TypeError):
        detail = None
    return refusal("telnyx", response, detail)


def message_id(response: httpx.Response) -> str | None:
    try:
        data = response.json().get("data") or {}
        return str(data["id"])
    except (ValueError, AttributeError, KeyError, TypeError):
        return None


class _TelnyxProvider(MessageProvider, WebhookParser):
    name = "telnyx"
    splits_long_text = True

    def __init__(self, config: TelnyxConfig | TelnyxRCSConfig) -> None:
        self.config = config
        self._http = VendorHTTP(
            (config.base_url or DEFAULT_BASE_URL).rstrip("/"),
            headers={"Authorization": f"Bearer {config.api_key.get_secret_value()}"},
            timeout=config.timeout,
            retry=config.retry,
        )
        self._webhooks = TelnyxWebhooks(
            config.public_key, config.webhook_tolerance_seconds, time.time
        )

    def _common(self) -> dict[str, Any]:
        common: dict[str, Any] = {}
        if self.config.messaging_profile_id:
            common["messaging_profile_id"] = self.config.messaging_profile_id
        if self.config.webhook_url:
            common["webhook_url"] = self.config.webhook_url
        return common

    async def _post_all(self, path: str, bodies: list[dict[str, Any]]) -> ProviderResult:
        ids: list[str] = []
        for body in bodies:
            response = await self._http.request("POST", path, json=body)
            if response.status_code >= 300:
                result = telnyx_refusal(response)
                return result.model_copy(update={"metadata": {**result.metadata, "sent": ids}})
            found = message_id(response)
            if found is None:
                return ProviderResult(success=False, error="telnyx answered without data.id")
            ids.append(found)
        metadata: dict[str, Any] = {PROVIDER_MESSAGE_IDS: ids} if len(ids) > 1 else {}
        return ProviderResult(success=True, provider_message_id=ids[0], metadata=metadata)

    def authenticate(self, request: WebhookRequest) -> None:
        self._webhooks.authenticate(request)

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        return self._webhooks.parse(request, channel_id)

    async def close(self) -> None:
        await self._http.close()


class TelnyxSMSProvider(_TelnyxProvider):
    def __init__(self, config: TelnyxConfig) -> None:
        super().__init__(config)
        self._config = config

    def bodies_for(self, event: RoomEvent, to: str) -> list[dict[str, Any]]:
        common = {"to": to, **self._common()}
        if self._config.from_number:
            common["from"] = self._config.from_number
        media = [url for url, _ in media_urls(event.content)][:MAX_MEDIA]
        text = caption_text(event.content)
        pieces = split_text(text, self._config.max_text_chars) if text else []
        bodies = [{**common, "text": piece} for piece in pieces] or (
            [dict(common)] if media else []
        )
        if media:
            bodies[0]["media_urls"] = media
            bodies[0]["type"] = "MMS"
        return bodies

    async def send(self, event: RoomEvent, to: str) -> ProviderResult:
        bodies = self.bodies_for(event, to)
        if not bodies:
            return ProviderResult(success=False, error="telnyx: the event has no text or media")
        return await guarded(self.name, self._post_all("/v2/messages", bodies))


class TelnyxRCSProvider(_TelnyxProvider):
    name = "telnyx-rcs"

    def __init__(self, config: TelnyxRCSConfig) -> None:
        super().__init__(config)
        self._config = config

    def bodies_for(self, event: RoomEvent, to: str) -> list[dict[str, Any]]:
        common = {"agent_id": self._config.agent_id, "to": to, **self._common()}
        return [{**common, "agent_message": m} for m in agent_messages(event, self._config)]

    async def send(self, event: RoomEvent, to: str) -> ProviderResult:
        bodies = self.bodies_for(event, to)
        if not bodies:
            return ProviderResult(success=False, error="telnyx: the event has nothing to send")
        return await guarded(self.name, self._post_all("/v2/messages/rcs", bodies))


# RCS content --------------------------------------------------------------------------------------
def suggestions(rich: RichContent) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for reply in rich.quick_replies:
        found.append({"reply": {"text": reply, "postback_data": reply}})
    for button in rich.buttons:
        text = str(button.get("text") or button.get("title") or button.get("label") or "")
        if not text:
            continue
        postback = str(button.get("postback_data") or button.get("payload") or text)
        if button.get("url"):
            found.append(
                {
                    "action": {
                        "text": text,
                        "postback_data": postback,
                        "open_url_action": {"url": str(button["url"])},
                    }
                }
            )
        else:
            found.append({"reply": {"text": text, "postback_data": postback}})
    return found[:11]  # RCS shows at most 11 suggestions


def card_content(card: dict[str, Any]) -> dict[str, Any]:
    content: dict[str, Any] = {}
    if card.get("title"):
        content["title"] = str(card["title"])
    description = card.get("description") or card.get("subtitle") or card.get("text")
    if description:
        content["description"] = str(description)
    image = card.get("image_url") or card.get("media_url") or card.get("image")
    if image:
        content["media"] = {"height": "MEDIUM", "content_info": {"file_url": str(image)}}
    buttons = card.get("buttons")
    if isinstance(buttons, list) and buttons:
        content["suggestions"] = suggestions(RichContent(body="", buttons=buttons))
    return content


def rich_message(rich: RichContent) -> dict[str, Any]:
    message: dict[str, Any]
    if len(rich.cards) == 1:
        message = {
            "rich_card": {
                "standalone_card": {
                    "card_orientation": "VERTICAL",
                    "card_content": card_content(rich.cards[0]),
                }
            }
        }
    elif rich.cards:
        message = {
            "rich_card": {
                "carousel_card": {
                    "card_width": "MEDIUM",
                    "card_contents": [card_content(c) for c in rich.cards[:10]],
                }
            }
        }
    else:
        message = {"text": rich.plain_text or rich.body}
    found = suggestions(rich)
    if found:
        message["suggestions"] = found
    return message


def agent_messages(event: RoomEvent, config: TelnyxRCSConfig) -> list[dict[str, Any]]:
    """Each content_message ``event`` becomes: rich parts as cards, media as files, text."""
    content = event.content
    parts = content.parts if isinstance(content, CompositeContent) else [content]
    messages: list[dict[str, Any]] = []
    for part in parts:
        if isinstance(part, RichContent):
            messages.append({"content_message": rich_message(part)})
        elif isinstance(part, MediaContent):
            messages.append({"content_message": {"content_info": {"file_url": part.url}}})
            if part.caption:
                messages.append({"content_message": {"text": part.caption}})
        else:
            text = caption_text(part)
            for url, _ in media_urls(part):
                messages.append({"content_message": {"content_info": {"file_url": url}}})
            for piece in split_text(text, config.max_text_chars) if text else []:
                messages.append({"content_message": {"text": piece}})
    return messages
