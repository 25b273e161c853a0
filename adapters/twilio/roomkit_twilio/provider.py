"""TwilioSMSProvider and TwilioRCSProvider: the twilio SDK's async client sends, the webhooks
module receives. Long text is sent as several messages of at most 1600 characters (Twilio's
Body limit); media goes as MMS (up to 10 MediaUrl); TemplateContent goes as a Content
Template (ContentSid and ContentVariables), which is how Twilio carries RCS rich cards."""

from __future__ import annotations

import json
from abc import abstractmethod
from typing import Any

import aiohttp
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from roomkit.domain.content import TemplateContent
from roomkit.domain.delivery import PROVIDER_MESSAGE_IDS, ProviderResult
from roomkit.domain.event import RoomEvent
from roomkit.domain.outbound import caption_text, media_urls, split_text
from roomkit.domain.webhook import WebhookBatch, WebhookRequest
from roomkit.ports.messaging import MessageProvider
from roomkit.ports.webhooks import WebhookParser
from roomkit_twilio.config import TwilioConfig, TwilioRCSConfig
from roomkit_twilio.http import RetryingTwilioHttpClient
from roomkit_twilio.webhooks import TwilioWebhooks

MAX_MEDIA = 10


class _TwilioProvider(MessageProvider, WebhookParser):
    name = "twilio"
    splits_long_text = True

    def __init__(self, config: TwilioConfig | TwilioRCSConfig) -> None:
        self.config = config
        self._client: Client | None = None
        self._http: RetryingTwilioHttpClient | None = None
        shared = config.webhook_shared_key
        self._webhooks = TwilioWebhooks(
            config.auth_token.get_secret_value(),
            shared.get_secret_value() if shared is not None else None,
        )

    # sending -----------------------------------------------------------------------------------
    @abstractmethod
    def _sender(self) -> dict[str, Any]:
        """Who sends: the From number or the messaging service."""

    def _twilio(self) -> Client:
        """The SDK client, made on first use (its aiohttp session needs a running loop)."""
        if self._client is None:
            self._http = RetryingTwilioHttpClient(self.config.retry, self.config.timeout)
            client = Client(
                self.config.account_sid,
                self.config.auth_token.get_secret_value(),
                http_client=self._http,
            )
            if self.config.base_url:
                client.api.base_url = self.config.base_url.rstrip("/")
            self._client = client
        return self._client

    def requests_for(self, event: RoomEvent) -> list[dict[str, Any]]:
        """The create() arguments of each message ``event`` becomes (several for long text)."""
        common = dict(self._sender())
        if self.config.status_callback:
            common["status_callback"] = self.config.status_callback
        content = event.content
        if isinstance(content, TemplateContent):
            return [
                {
                    **common,
                    "content_sid": content.template_id,
                    "content_variables": json.dumps(content.parameters),
                }
            ]
        media = [url for url, _ in media_urls(content)][:MAX_MEDIA]
        text = caption_text(content)
        pieces = split_text(text, self.config.max_body_chars) if text else []
        if not pieces and not media:
            return []
        requests = [{**common, "body": piece} for piece in pieces] or [dict(common)]
        if media:
            requests[0]["media_url"] = media
        return requests

    async def send(self, event: RoomEvent, to: str) -> ProviderResult:
        requests = self.requests_for(event)
        if not requests:
            return ProviderResult(success=False, error="twilio: the event has no text or media")
        messages = self._twilio().api.account.messages
        sids: list[str] = []
        statuses: list[str] = []
        for kwargs in requests:
            try:
                created = await messages.create_async(to=to, **kwargs)
            except TwilioRestException as exc:
                return ProviderResult(
                    success=False,
                    error=f"twilio answered HTTP {exc.status} (error {exc.code}): {exc.msg}",
                    metadata={"status": exc.status, "code": exc.code, "sent": sids},
                )
            except (aiohttp.ClientError, TimeoutError) as exc:
                return ProviderResult(
                    success=False,
                    error=f"twilio unreachable: {exc!r}",
                    metadata={"sent": sids},
                )
            sids.append(str(created.sid))
            statuses.append(str(created.status))
        metadata: dict[str, Any] = {"status": statuses[0]}
        if len(sids) > 1:
            metadata[PROVIDER_MESSAGE_IDS] = sids
        return ProviderResult(success=True, provider_message_id=sids[0], metadata=metadata)

    # receiving ---------------------------------------------------------------------------------
    def authenticate(self, request: WebhookRequest) -> None:
        self._webhooks.authenticate(request)

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        return self._webhooks.parse(request, channel_id)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()


class TwilioSMSProvider(_TwilioProvider):
    """SMS and MMS through Twilio's Messages API."""

    def __init__(self, config: TwilioConfig) -> None:
        super().__init__(config)
        self._config = config

    def _sender(self) -> dict[str, Any]:
        if self._config.messaging_service_sid:
            return {"messaging_service_sid": self._config.messaging_service_sid}
        return {"from_": self._config.from_number}


class TwilioRCSProvider(_TwilioProvider):
    """RCS through an RCS-enabled Messaging Service (Twilio falls back to SMS/MMS itself)."""

    name = "twilio-rcs"

    def __init__(self, config: TwilioRCSConfig) -> None:
        super().__init__(config)
        self._config = config

    def _sender(self) -> dict[str, Any]:
        return {"messaging_service_sid": self._config.messaging_service_sid}
