"""ElasticEmailProvider: transactional email over the Elastic Email v4 API (httpx), with text
and HTML bodies and attachments."""

from __future__ import annotations

from typing import Any

import httpx

from roomkit.domain.delivery import ProviderResult
from roomkit.domain.email_content import email_body
from roomkit.domain.event import RoomEvent
from roomkit.domain.webhook import WebhookBatch, WebhookRequest
from roomkit.ports.messaging import MessageProvider
from roomkit.ports.webhooks import WebhookParser
from roomkit_elasticemail.config import DEFAULT_BASE_URL, ElasticEmailConfig
from roomkit_elasticemail.webhooks import ElasticEmailWebhooks
from roomkit_http import VendorHTTP, guarded, refusal


def elastic_refusal(response: httpx.Response) -> ProviderResult:
    try:
        detail = str(response.json().get("Error") or "") or None
    except (ValueError, AttributeError):
        detail = None
    return refusal("elasticemail", response, detail)


class ElasticEmailProvider(MessageProvider, WebhookParser):
    name = "elasticemail"

    def __init__(self, config: ElasticEmailConfig) -> None:
        self.config = config
        self._http = VendorHTTP(
            (config.base_url or DEFAULT_BASE_URL).rstrip("/"),
            headers={"X-ElasticEmail-ApiKey": config.api_key.get_secret_value()},
            timeout=config.timeout,
            retry=config.retry,
        )
        token = config.webhook_token
        self._webhooks = ElasticEmailWebhooks(
            token.get_secret_value() if token is not None else None
        )

    def email_for(self, event: RoomEvent, to: str) -> dict[str, Any] | None:
        body = email_body(event.content)
        if not body.text and not body.html and not body.attachments:
            return None
        sender = self.config.from_email
        if self.config.from_name:
            sender = f"{self.config.from_name} <{self.config.from_email}>"
        parts = []
        if body.html:
            parts.append({"ContentType": "HTML", "Content": body.html, "Charset": "utf-8"})
        parts.append({"ContentType": "PlainText", "Content": body.text or " ", "Charset": "utf-8"})
        subject = event.metadata.get("subject")
        content: dict[str, Any] = {
            "From": sender,
            "Subject": subject if isinstance(subject, str) and subject else self.config.subject,
            "Body": parts,
        }
        if body.attachments:
            content["Attachments"] = [
                {"BinaryContent": a.base64, "Name": a.filename, "ContentType": a.mime_type}
                for a in body.attachments
            ]
        return {"Recipients": {"To": [to]}, "Content": content}

    async def send(self, event: RoomEvent, to: str) -> ProviderResult:
        email = self.email_for(event, to)
        if email is None:
            return ProviderResult(
                success=False, error="elasticemail: the event has nothing to send"
            )
        return await guarded(self.name, self._send(email))

    async def _send(self, email: dict[str, Any]) -> ProviderResult:
        response = await self._http.request("POST", "/v4/emails/transactional", json=email)
        if response.status_code >= 300:
            return elastic_refusal(response)
        try:
            data = response.json()
            message_id = data.get("MessageID") or data.get("TransactionID")
        except (ValueError, AttributeError):
            message_id = None
        if not message_id:
            return ProviderResult(success=False, error="elasticemail answered without a MessageID")
        return ProviderResult(
            success=True,
            provider_message_id=str(message_id),
            metadata={"transaction_id": data.get("TransactionID")},
        )

    def authenticate(self, request: WebhookRequest) -> None:
        self._webhooks.authenticate(request)

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        return self._webhooks.parse(request, channel_id)

    async def close(self) -> None:
        await self._http.close()
