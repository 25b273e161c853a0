"""Elastic Email webhooks, authenticated by a secret token in the URL (Elastic Email signs
nothing): notifications (``status`` with ``messageid``, form or query string) become delivery
reports; inbound mail posts (JSON or form with ``from``, ``subject``, ``text``/``html``) become
messages."""

from __future__ import annotations

import hashlib
import hmac
import json
from email.utils import parseaddr
from urllib.parse import parse_qs, parse_qsl, urlsplit

from roomkit.domain.content import EventContent, RichContent, TextContent
from roomkit.domain.delivery import DeliveryStatus
from roomkit.domain.errors import WebhookPayloadError, WebhookSignatureError
from roomkit.domain.inbound import InboundMessage
from roomkit.domain.webhook import WebhookBatch, WebhookRequest, require_field

VENDOR = "elasticemail"

STATUS_WORDS = {
    "ready": "queued",
    "waitingtoretry": "queued",
    "inprogress": "queued",
    "sent": "delivered",
    "opened": "read",
    "clicked": "read",
    "bounced": "failed",
    "error": "failed",
    "abusereport": "failed",
}


def _fields(request: WebhookRequest) -> dict[str, str]:
    query = {k: v[-1] for k, v in parse_qs(urlsplit(request.url).query).items() if k != "token"}
    if not request.body:
        return query
    try:
        if request.content_type == "application/json":
            data = json.loads(request.body.decode("utf-8"))
            if not isinstance(data, dict):
                raise WebhookPayloadError(VENDOR, "body must be a JSON object")
            return {
                **query,
                **{str(k).lower(): "" if v is None else str(v) for k, v in data.items()},
            }
        text = request.body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True)
    except (UnicodeDecodeError, ValueError) as exc:
        raise WebhookPayloadError(VENDOR, f"body is neither a form nor JSON ({exc})") from exc
    return {**query, **{k.lower(): v for k, v in pairs}}


class ElasticEmailWebhooks:
    def __init__(self, token: str | None) -> None:
        self._token = token

    def authenticate(self, request: WebhookRequest) -> None:
        if self._token is None:
            raise WebhookSignatureError(VENDOR, "ElasticEmailConfig.webhook_token is not set")
        given = parse_qs(urlsplit(request.url).query).get("token", [""])[0]
        if not given or not hmac.compare_digest(given.encode(), self._token.encode()):
            raise WebhookSignatureError(VENDOR, "the webhook URL token is missing or wrong")

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        fields = _fields(request)
        if "status" in fields:
            return WebhookBatch(statuses=[_status(fields, channel_id)])
        return WebhookBatch(messages=[_message(fields, request.body, channel_id)])


def _status(fields: dict[str, str], channel_id: str) -> DeliveryStatus:
    word = fields["status"]
    normalised = STATUS_WORDS.get(word.replace(" ", "").lower())
    if normalised is None:
        raise WebhookPayloadError(VENDOR, f"unknown status {word!r}")
    message_id = fields.get("messageid") or fields.get("transaction")
    if not message_id:
        raise WebhookPayloadError(VENDOR, "field 'messageid' is missing")
    category = fields.get("category") or None
    return DeliveryStatus(
        provider=VENDOR,
        message_id=message_id,
        status=normalised,
        recipient=fields.get("to") or None,
        error_code=category if normalised == "failed" else None,
        error_message=(f"Elastic Email {word}: {category or 'no category'}")
        if normalised == "failed"
        else None,
        channel_id=channel_id,
        raw=dict(fields),
    )


def _message(fields: dict[str, str], body: bytes, channel_id: str) -> InboundMessage:
    _, address = parseaddr(require_field(VENDOR, fields, "from"))
    if "@" not in address:
        raise WebhookPayloadError(VENDOR, "field 'from' holds no email address")
    text = fields.get("text") or fields.get("body") or ""
    html = fields.get("html") or ""
    if not text and not html:
        raise WebhookPayloadError(VENDOR, "the message has neither text nor html")
    content: EventContent = (
        RichContent(body=html, format="html", plain_text=text or None)
        if html
        else TextContent(body=text)
    )
    message_id = fields.get("messageid") or "sha256:" + hashlib.sha256(body).hexdigest()
    return InboundMessage(
        channel_id=channel_id,
        sender_id=address.lower(),
        content=content,
        provider_message_id=message_id,
        thread_id=fields.get("inreplyto") or None,
        metadata={
            "provider": VENDOR,
            "subject": fields.get("subject", ""),
            "to": fields.get("to", ""),
        },
    )
