"""SendGridEmailProvider: Mail Send v3 over httpx (text and HTML parts, attachments), delivery
events from the signed Event Webhook and inbound mail from Inbound Parse."""

from __future__ import annotations

import time
from typing import Any

import httpx

from roomkit.domain.delivery import ProviderResult
from roomkit.domain.email_content import email_body
from roomkit.domain.event import RoomEvent
from roomkit.domain.webhook import WebhookBatch, WebhookRequest
from roomkit.ports.messaging import MessageProvider
from roomkit.ports.webhooks import WebhookParser
from roomkit_http import VendorHTTP, guarded, refusal
from roomkit_sendgrid.config import DEFAULT_BASE_URL, SendGridConfig
from roomkit_sendgrid.webhooks import SendGridWebhooks


def sendgrid_refusal(response: httpx.Response) -> ProviderResult:
    try:
        errors = response.json().get("errors") or []
        detail = "; ".join(
            f"{e.get('field') or 'request'}: {e.get('message')}"
            for e in errors
            if isinstance(e, dict)
        )
    except (ValueError, AttributeError):
        detail = ""
    return refusal("sendgrid", response, detail or None)


class SendGridEmailProvider(MessageProvider, WebhookParser):
    name = "sendgrid"

    def __init__(self, config: SendGridConfig) -> None:
        self.config = config
        self._http = VendorHTTP(
            (config.base_url or DEFAULT_BASE_URL).rstrip("/"),
            headers={"Authorization": f"Bearer {config.api_key.get_secret_value()}"},
            timeout=config.timeout,
            retry=config.retry,
        )
        token = config.inbound_token
        self._webhooks = SendGridWebhooks(
            config.event_webhook_public_key,
            token.get_secret_value() if token is not None else None,
            config.webhook_tolerance_seconds,
            time.time,
        )

    def mail_for(self, event: RoomEvent, to: str) -> dict[str, Any] | None:
        body = email_body(event.content)
        if not body.text and not body.html and not body.attachments:
            return None
        sender: dict[str, str] = {"email": self.config.from_email}
        if self.config.from_name:
            sender["name"] = self.config.from_name
        subject = event.metadata.get("subject")
        content = [{"type": "text/plain", "value": body.text or " "}]
        if body.html:
            content.append({"type": "text/html", "value": body.html})
        mail: dict[str, Any] = {
            "personalizations": [{"to": [{"email": to}]}],
            "from": sender,
            "subject": subject if isinstance(subject, str) and subject else self.config.subject,
            "content": content,
            "custom_args": {"roomkit_event_id": event.id, "roomkit_room_id": event.room_id},
        }
        if body.attachments:
            mail["attachments"] = [
                {
                    "content": a.base64,
                    "filename": a.filename,
                    "type": a.mime_type,
                    "disposition": "attachment",
                }
                for a in body.attachments
            ]
        reply_to = event.metadata.get("in_reply_to")
        if isinstance(reply_to, str) and reply_to:
            mail["headers"] = {"In-Reply-To": reply_to, "References": reply_to}
        return mail

    async def send(self, event: RoomEvent, to: str) -> ProviderResult:
        mail = self.mail_for(event, to)
        if mail is None:
            return ProviderResult(success=False, error="sendgrid: the event has nothing to send")
        return await guarded(self.name, self._send(mail))

    async def _send(self, mail: dict[str, Any]) -> ProviderResult:
        response = await self._http.request("POST", "/v3/mail/send", json=mail)
        if response.status_code >= 300:
            return sendgrid_refusal(response)
        message_id = response.headers.get("x-message-id")
        if not message_id:
            return ProviderResult(success=False, error="sendgrid accepted without X-Message-Id")
        return ProviderResult(success=True, provider_message_id=message_id)

    def authenticate(self, request: WebhookRequest) -> None:
        self._webhooks.authenticate(request)

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        return self._webhooks.parse(request, channel_id)

    async def close(self) -> None:
        await self._http.close()
