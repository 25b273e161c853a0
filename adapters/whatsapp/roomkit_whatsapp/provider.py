"""WhatsAppProvider: the WhatsApp Business Cloud API (Meta Graph API) over httpx.

Sends ``POST /{api_version}/{phone_number_id}/messages`` with a Bearer token; receives the
app's webhooks (``X-Hub-Signature-256``); keeps each customer's 24-hour window from those
webhooks and refuses free-form messages outside it before any HTTP call.
"""

from __future__ import annotations

from typing import Any

import httpx

from roomkit.domain.channel import RetryPolicy
from roomkit.domain.delivery import PROVIDER_MESSAGE_IDS, ProviderResult
from roomkit.domain.event import RoomEvent
from roomkit.domain.webhook import WebhookBatch, WebhookRequest
from roomkit.ports.clock import Clock, SystemClock
from roomkit.ports.messaging import MessageProvider
from roomkit.ports.webhooks import WebhookParser
from roomkit_http import VendorHTTP, guarded
from roomkit_whatsapp.config import WhatsAppConfig
from roomkit_whatsapp.errors import REENGAGEMENT, VENDOR, api_error, graph_refusal
from roomkit_whatsapp.messages import UnsendableContent, is_template, messages_for
from roomkit_whatsapp.webhooks import WebhookReader, check_signature, verify_subscription
from roomkit_whatsapp.window import CustomerWindow, wa_key


class WhatsAppProvider(MessageProvider, WebhookParser):
    """``WhatsAppProvider(access_token, phone_number_id, app_secret=..., verify_token=...)``;
    pass ``clock=`` (a RoomKit Clock) to drive the 24-hour window in tests."""

    name = VENDOR
    splits_long_text = True

    def __init__(
        self,
        access_token: str | None = None,
        phone_number_id: str | None = None,
        *,
        app_secret: str | None = None,
        verify_token: str | None = None,
        base_url: str | None = None,
        api_version: str | None = None,
        enforce_window: bool = True,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        clock: Clock | None = None,
        config: WhatsAppConfig | None = None,
    ) -> None:
        if config is None:
            if not access_token or not phone_number_id:
                raise ValueError("WhatsAppProvider needs access_token and phone_number_id")
            settings: dict[str, Any] = {
                "access_token": access_token,
                "phone_number_id": phone_number_id,
                "app_secret": app_secret,
                "verify_token": verify_token,
                "base_url": base_url,
                "enforce_window": enforce_window,
                "timeout": timeout,
            }
            if api_version is not None:
                settings["api_version"] = api_version
            if retry is not None:
                settings["retry"] = retry
            config = WhatsAppConfig(**settings)
        self.config = config
        self.clock: Clock = clock or SystemClock()
        self.window = CustomerWindow(self.clock)
        self._http = VendorHTTP(
            config.endpoint,
            headers={"Authorization": f"Bearer {config.access_token.get_secret_value()}"},
            timeout=config.timeout,
            retry=config.retry,
        )
        self._secret = config.app_secret.get_secret_value() if config.app_secret else None
        self._reader = WebhookReader(config.endpoint, config.api_version, self.window.note_inbound)
        self._messages_path = f"/{config.api_version}/{config.phone_number_id}/messages"

    @property
    def verify_token(self) -> str | None:
        """The handshake token (roomkit-server's GET /webhooks/{channel} reads it)."""
        return self.config.verify_token

    # sending -----------------------------------------------------------------------------------
    def messages_for(self, event: RoomEvent) -> list[dict[str, Any]]:
        """The Cloud API message objects ``event`` becomes (raises UnsendableContent)."""
        return messages_for(event.content, self.config.max_text_chars)

    async def send(self, event: RoomEvent, to: str) -> ProviderResult:
        try:
            messages = self.messages_for(event)
        except UnsendableContent as exc:
            return ProviderResult(success=False, error=f"{VENDOR}: {exc}")
        if not messages:
            return ProviderResult(success=False, error=f"{VENDOR}: the event has nothing to send")
        if self.config.enforce_window and not all(is_template(m) for m in messages):
            if not self.window.is_open(to):
                return ProviderResult(
                    success=False,
                    error=f"{VENDOR}: {self.window.closed_reason(to)}",
                    metadata={"window": "closed"},
                )
        return await guarded(self.name, self._send_all(messages, to))

    async def _send_all(self, messages: list[dict[str, Any]], to: str) -> ProviderResult:
        ids: list[str] = []
        recipient = wa_key(to)
        for message in messages:
            body = {
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": recipient,
                **message,
            }
            response = await self._http.request("POST", self._messages_path, json=body)
            if response.status_code >= 300:
                refused = graph_refusal(response)
                if refused.metadata.get("code") == REENGAGEMENT:
                    self.window.close(to)  # Meta says the window is closed: believe it
                return refused.model_copy(
                    update={"metadata": {**refused.metadata, "sent": list(ids)}}
                )
            message_id = _message_id(response)
            if message_id is None:
                return ProviderResult(
                    success=False, error=f"{VENDOR} answered without messages[0].id"
                )
            ids.append(message_id)
        metadata: dict[str, Any] = {PROVIDER_MESSAGE_IDS: ids} if len(ids) > 1 else {}
        return ProviderResult(success=True, provider_message_id=ids[0], metadata=metadata)

    async def mark_read(self, message_id: str, *, typing: bool = False) -> None:
        """Mark a customer's message (its ``provider_message_id``) as read: blue ticks on their
        phone. ``typing=True`` also shows a typing indicator until you answer (or 25 s)."""
        body: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": message_id,
        }
        if typing:
            body["typing_indicator"] = {"type": "text"}
        response = await self._http.request("POST", self._messages_path, json=body)
        if response.status_code >= 300:
            raise api_error(f"mark_read({message_id!r})", response)

    async def media_info(self, media_id: str) -> dict[str, Any]:
        """``GET /{media_id}``: the short-lived download ``url``, ``mime_type``, ``sha256``."""
        response = await self._http.request("GET", f"/{self.config.api_version}/{media_id}")
        if response.status_code >= 300:
            raise api_error(f"media lookup of {media_id!r}", response)
        info = response.json()
        if not isinstance(info, dict) or not isinstance(info.get("url"), str):
            raise api_error(f"media lookup of {media_id!r} (no url)", response)
        return info

    async def download_media(self, media_id: str) -> bytes:
        """The bytes of an inbound image, audio, video or document (``metadata["media_id"]``,
        or the last part of its content URL)."""
        media_id = media_id.rstrip("/").rsplit("/", 1)[-1]
        info = await self.media_info(media_id)
        response = await self._http.request("GET", info["url"])
        if response.status_code >= 300:
            raise api_error(f"media download of {media_id!r}", response)
        return response.content

    # receiving ---------------------------------------------------------------------------------
    def authenticate(self, request: WebhookRequest) -> None:
        check_signature(self._secret, request)

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        return self._reader.read_body(request.body, channel_id)

    def verify_subscription(self, query: Any) -> str:
        """Answer Meta's GET handshake: the ``hub.challenge`` to echo, or WebhookSignatureError."""
        return verify_subscription(query, self.config.verify_token)

    async def close(self) -> None:
        await self._http.close()


def _message_id(response: httpx.Response) -> str | None:
    try:
        return str(response.json()["messages"][0]["id"])
    except (ValueError, KeyError, IndexError, TypeError):
        return None
