"""Sinch callbacks: HMAC-SHA256 over ``f"{body}.{nonce}.{timestamp}"`` (headers
``x-sinch-webhook-signature``, ``-nonce``, ``-timestamp``, ``-algorithm``), then ``mo_text`` /
``mo_media`` read as messages and delivery reports as statuses."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from typing import Any

from roomkit.domain.content import CompositeContent, EventContent, MediaContent, TextContent
from roomkit.domain.delivery import DeliveryStatus
from roomkit.domain.errors import WebhookPayloadError, WebhookSignatureError
from roomkit.domain.inbound import InboundMessage
from roomkit.domain.webhook import WebhookBatch, WebhookRequest, require_field

VENDOR = "sinch"
PREFIX = "x-sinch-webhook-signature"

STATUS_WORDS = {
    "queued": "queued",
    "dispatched": "sent",
    "delivered": "delivered",
    "failed": "failed",
    "aborted": "failed",
    "rejected": "failed",
    "expired": "failed",
    "cancelled": "failed",
    "deleted": "failed",
    "unknown": "sent",
}


def sinch_signature(secret: str, body: bytes, nonce: str, timestamp: str) -> str:
    message = body + f".{nonce}.{timestamp}".encode()
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


class SinchWebhooks:
    def __init__(self, secret: str | None, tolerance: float, now: Callable[[], float]) -> None:
        self._secret = secret
        self._tolerance = tolerance
        self._now = now

    def authenticate(self, request: WebhookRequest) -> None:
        if self._secret is None:
            raise WebhookSignatureError(VENDOR, "SinchConfig.webhook_secret is not set")
        signature = request.header(PREFIX)
        nonce = request.header(f"{PREFIX}-nonce")
        stamp = request.header(f"{PREFIX}-timestamp")
        algorithm = request.header(f"{PREFIX}-algorithm") or "HmacSHA256"
        if not signature or not nonce or not stamp:
            raise WebhookSignatureError(
                VENDOR, f"headers {PREFIX}, {PREFIX}-nonce and {PREFIX}-timestamp are required"
            )
        if algorithm.lower() != "hmacsha256":
            raise WebhookSignatureError(VENDOR, f"unsupported algorithm {algorithm!r}")
        try:
            ts = int(stamp)
        except ValueError:
            raise WebhookSignatureError(VENDOR, "the timestamp is not an integer") from None
        if abs(self._now() - ts) > self._tolerance:
            raise WebhookSignatureError(VENDOR, "the timestamp is outside the tolerance")
        expected = sinch_signature(self._secret, request.body, nonce, stamp)
        if not hmac.compare_digest(expected, signature):
            raise WebhookSignatureError(VENDOR, "the HMAC signature does not match")

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        try:
            data = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise WebhookPayloadError(VENDOR, f"body is not JSON ({exc})") from exc
        return parse_callback(data, channel_id)


def parse_callback(data: Any, channel_id: str) -> WebhookBatch:
    if not isinstance(data, dict):
        raise WebhookPayloadError(VENDOR, "body must be a JSON object")
    kind = require_field(VENDOR, data, "type")
    if kind in ("mo_text", "mo_media"):
        return WebhookBatch(messages=[_message(data, kind, channel_id)])
    if kind == "recipient_delivery_report_sms":
        return WebhookBatch(
            statuses=[_status(data, require_field(VENDOR, data, "recipient"), channel_id)]
        )
    if kind == "delivery_report_sms":
        statuses = []
        for entry in data.get("statuses") or []:
            if not isinstance(entry, dict):
                raise WebhookPayloadError(VENDOR, "statuses entries must be objects")
            for recipient in entry.get("recipients") or [None]:
                statuses.append(_status({**data, **entry}, recipient, channel_id))
        return WebhookBatch(statuses=statuses)
    if kind == "mo_binary":
        raise WebhookPayloadError(VENDOR, "binary SMS (mo_binary) are not supported")
    raise WebhookPayloadError(VENDOR, f"unknown callback type {kind!r}")


def _message(data: dict[str, Any], kind: str, channel_id: str) -> InboundMessage:
    message_id = require_field(VENDOR, data, "id")
    sender = require_field(VENDOR, data, "from")
    body = data.get("body")
    parts: list[EventContent] = []
    if kind == "mo_text":
        if not isinstance(body, str) or not body:
            raise WebhookPayloadError(VENDOR, "field 'body' must be a non-empty string")
        parts.append(TextContent(body=body))
    else:
        if not isinstance(body, dict) or not isinstance(body.get("url"), str):
            raise WebhookPayloadError(VENDOR, "mo_media needs body.url")
        if isinstance(body.get("message"), str) and body["message"]:
            parts.append(TextContent(body=body["message"]))
        mime = body.get("mime_type") or body.get("content_type") or "application/octet-stream"
        parts.append(MediaContent(url=body["url"], mime_type=str(mime)))
    return InboundMessage(
        channel_id=channel_id,
        sender_id=sender if sender.startswith("+") else f"+{sender}",
        content=parts[0] if len(parts) == 1 else CompositeContent(parts=parts),
        provider_message_id=message_id,
        metadata={"provider": VENDOR, "to": str(data.get("to", ""))},
    )


def _status(data: Mapping[str, Any], recipient: Any, channel_id: str) -> DeliveryStatus:
    word = require_field(VENDOR, data, "status")
    normalised = STATUS_WORDS.get(word.lower())
    if normalised is None:
        raise WebhookPayloadError(VENDOR, f"unknown status {word!r}")
    code = data.get("code")
    return DeliveryStatus(
        provider=VENDOR,
        message_id=require_field(VENDOR, data, "batch_id"),
        status=normalised,
        recipient=str(recipient) if recipient else None,
        error_code=str(code) if code is not None and normalised == "failed" else None,
        error_message=f"Sinch status {word} (code {code})" if normalised == "failed" else None,
        channel_id=channel_id,
        raw=dict(data),
    )


def parse_sinch_webhook(request_data: Any, channel_id: str = "sms-sinch") -> InboundMessage:
    """Read an inbound message from a Sinch callback's JSON (a dict) or the request meta. No
    signature check: use ``kit.process_webhook`` for requests from the network."""
    if isinstance(request_data, Mapping) and "body" in request_data and "url" in request_data:
        request = WebhookRequest.from_meta(request_data)
        try:
            request_data = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise WebhookPayloadError(VENDOR, f"body is not JSON ({exc})") from exc
    batch = parse_callback(request_data, channel_id)
    if not batch.messages:
        raise WebhookPayloadError(VENDOR, "this callback carries no inbound message")
    return batch.messages[0]
