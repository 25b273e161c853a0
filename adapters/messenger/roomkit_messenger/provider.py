"""FacebookMessengerProvider over the Graph API Send API (``POST /{version}/me/messages``):
one call per message object, sender actions, webhooks signed with the app secret."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any, Literal

import httpx

from roomkit.domain.delivery import PROVIDER_MESSAGE_IDS, ProviderResult
from roomkit.domain.errors import WebhookSignatureError
from roomkit.domain.event import RoomEvent
from roomkit.domain.webhook import WebhookBatch, WebhookRequest
from roomkit.ports.messaging import MessageProvider
from roomkit.ports.webhooks import WebhookParser
from roomkit_http import VendorHTTP, guarded, refusal
from roomkit_messenger.config import MessengerConfig
from roomkit_messenger.content import MessengerContentError, messages_for
from roomkit_messenger.webhooks import MessengerWebhooks, SentLog, verify_messenger_subscription

SenderAction = Literal["typing_on", "typing_off", "mark_seen"]


def graph_refusal(response: httpx.Response) -> ProviderResult:
    """A refusal naming Graph's error code, subcode and message (``error`` object)."""
    try:
        error = response.json()["error"]
        code = error.get("code")
        sub = error.get("error_subcode")
        detail = f"(error {code}{f'/{sub}' if sub else ''}) {error.get('message')}"
    except (ValueError, KeyError, TypeError, AttributeError):
        detail = None
    return refusal("messenger", response, detail)


class FacebookMessengerProvider(MessageProvider, WebhookParser):
    name = "messenger"
    splits_long_text = True

    def __init__(self, config: MessengerConfig) -> None:
        self.config = config
        token = config.page_access_token.get_secret_value()
        params: dict[str, str] = {}
        if config.appsecret_proof:
            secret = config.app_secret.get_secret_value().encode()
            params["appsecret_proof"] = hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()
        self._params = params
        self._http = VendorHTTP(
            config.endpoint,
            headers={"Authorization": f"Bearer {token}"},
            timeout=config.timeout,
            retry=config.retry,
        )
        self.sent = SentLog(lambda: int(time.time() * 1000))
        self._webhooks = MessengerWebhooks(config.app_secret.get_secret_value(), self.sent)

    def requests_for(self, event: RoomEvent, to: str) -> list[dict[str, Any]]:
        """The Send API bodies for ``event`` to the PSID ``to`` (MessengerContentError when
        Messenger cannot carry the content)."""
        common: dict[str, Any] = {
            "recipient": {"id": to},
            "messaging_type": self.config.messaging_type,
        }
        if self.config.tag:
            common["tag"] = self.config.tag
        return [
            {**common, "message": message}
            for message in messages_for(event.content, self.config.max_text_chars)
        ]

    async def send(self, event: RoomEvent, to: str) -> ProviderResult:
        try:
            bodies = self.requests_for(event, to)
        except MessengerContentError as exc:
            return ProviderResult(success=False, error=f"messenger: {exc}")
        if not bodies:
            return ProviderResult(success=False, error="messenger: the event has nothing to send")
        return await guarded(self.name, self._send(bodies, to))

    async def _send(self, bodies: list[dict[str, Any]], to: str) -> ProviderResult:
        ids: list[str] = []
        for body in bodies:
            started = self.sent.now()
            response = await self._post(body)
            if response.status_code >= 300:
                return graph_refusal(response)
            try:
                mid = str(response.json()["message_id"])
            except (ValueError, KeyError, TypeError):
                return ProviderResult(success=False, error="messenger answered without message_id")
            ids.append(mid)
            self.sent.record(to, mid, started)
        metadata: dict[str, Any] = {PROVIDER_MESSAGE_IDS: ids} if len(ids) > 1 else {}
        return ProviderResult(success=True, provider_message_id=ids[0], metadata=metadata)

    async def _post(self, body: dict[str, Any]) -> httpx.Response:
        return await self._http.request("POST", "/me/messages", json=body, params=self._params)

    async def send_action(self, to: str, action: SenderAction) -> ProviderResult:
        """Show typing (``typing_on``/``typing_off``) or mark the conversation seen."""
        if action not in ("typing_on", "typing_off", "mark_seen"):
            raise ValueError(f"unknown sender action {action!r}")
        return await guarded(self.name, self._action(to, action))

    async def _action(self, to: str, action: str) -> ProviderResult:
        response = await self._post({"recipient": {"id": to}, "sender_action": action})
        if response.status_code >= 300:
            return graph_refusal(response)
        return ProviderResult(success=True)

    @property
    def verify_token(self) -> str | None:
        """The subscription check's token (``roomkit serve`` answers the GET with it)."""
        token = self.config.verify_token
        return token.get_secret_value() if token is not None else None

    def verify_subscription(self, request_data: Any) -> str:
        """The ``hub.challenge`` for Meta's subscription GET (see verify_messenger_subscription)."""
        if self.config.verify_token is None:
            raise WebhookSignatureError(self.name, "MessengerConfig.verify_token is not set")
        return verify_messenger_subscription(
            request_data, self.config.verify_token.get_secret_value()
        )

    def authenticate(self, request: WebhookRequest) -> None:
        self._webhooks.authenticate(request)

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        return self._webhooks.parse(request, channel_id)

    async def close(self) -> None:
        await self._http.close()
