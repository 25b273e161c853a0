"""Telnyx webhooks: an Ed25519 signature over ``f"{timestamp}|{body}"`` (headers
``telnyx-signature-ed25519`` and ``telnyx-timestamp``) checked against the account's public key
and a timestamp tolerance, then ``message.received`` read as a message and ``message.sent`` /
``message.finalized`` as delivery reports."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from roomkit.domain.content import CompositeContent, EventContent, MediaContent, TextContent
from roomkit.domain.delivery import DeliveryStatus
from roomkit.domain.errors import WebhookPayloadError, WebhookSignatureError
from roomkit.domain.inbound import InboundMessage
from roomkit.domain.webhook import WebhookBatch, WebhookRequest, require_field

VENDOR = "telnyx"

STATUS_WORDS = {
    "queued": "queued",
    "sending": "sent",
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "sending_failed": "failed",
    "delivery_failed": "failed",
    "delivery_unconfirmed": "sent",
    "expired": "failed",
}
STATUS_EVENTS = {"message.sent", "message.finalized", "message.delivered", "message.read"}


def load_public_key(value: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(value, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"the Telnyx public key is not a base64 Ed25519 key: {exc}") from exc


class TelnyxWebhooks:
    def __init__(self, public_key: str | None, tolerance: float, now: Any) -> None:
        self._key = load_public_key(public_key) if public_key else None
        self._tolerance = tolerance
        self._now = now

    def authenticate(self, request: WebhookRequest) -> None:
        if self._key is None:
            raise WebhookSignatureError(VENDOR, "TelnyxConfig.public_key is not set")
        signature = request.header("telnyx-signature-ed25519")
        stamp = request.header("telnyx-timestamp")
        if not signature or not stamp:
            raise WebhookSignatureError(
                VENDOR, "headers telnyx-signature-ed25519 and telnyx-timestamp are required"
            )
        try:
            ts = int(stamp)
            raw_signature = base64.b64decode(signature, validate=True)
        except (ValueError, binascii.Error):
            raise WebhookSignatureError(VENDOR, "the signature headers are malformed") from None
        if abs(self._now() - ts) > self._tolerance:
            raise WebhookSignatureError(VENDOR, "the timestamp is outside the tolerance")
        try:
            self._key.verify(raw_signature, stamp.encode() + b"|" + request.body)
        except InvalidSignature:
            raise WebhookSignatureError(VENDOR, "the Ed25519 signature does not match") from None

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        try:
            data = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise WebhookPayloadError(VENDOR, f"body is not JSON ({exc})") from exc
        return parse_event(data, channel_id)


def parse_event(data: Any, channel_id: str) -> WebhookBatch:
    if not isinstance(data, dict) or not isinstance(data.get("data"), dict):
        raise WebhookPayloadError(VENDOR, "expected a JSON object with a 'data' object")
    event = data["data"]
    kind = require_field(VENDOR, event, "event_type")
    payload = event.get("payload")
    if not isinstance(payload, dict):
        raise WebhookPayloadError(VENDOR, "field 'data.payload' is missing")
    if kind == "message.received":
        return WebhookBatch(messages=[_message(payload, channel_id)])
    if kind in STATUS_EVENTS:
        return WebhookBatch(statuses=_statuses(payload, channel_id))
    return WebhookBatch()  # other events (number orders, ...) carry nothing for a room


def _phone(value: Any, where: str) -> str:
    if isinstance(value, Mapping):
        value = value.get("phone_number")
    if not isinstance(value, str) or not value:
        raise WebhookPayloadError(VENDOR, f"field {where!r} is missing")
    return value


def _message(payload: dict[str, Any], channel_id: str) -> InboundMessage:
    message_id = require_field(VENDOR, payload, "id")
    sender = _phone(payload.get("from"), "payload.from.phone_number")
    parts: list[EventContent] = []
    text = payload.get("text")
    reply = payload.get("suggestion_response")
    if isinstance(reply, dict) and not text:
        text = reply.get("text") or reply.get("postback_data")
    if text is not None and not isinstance(text, str):
        raise WebhookPayloadError(VENDOR, "field 'payload.text' must be a string")
    if text:
        parts.append(TextContent(body=text))
    media = payload.get("media") or []
    if not isinstance(media, list):
        raise WebhookPayloadError(VENDOR, "field 'payload.media' must be a list")
    for i, item in enumerate(media):
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise WebhookPayloadError(VENDOR, f"payload.media[{i}] needs a 'url'")
        mime = item.get("content_type") or "application/octet-stream"
        parts.append(MediaContent(url=item["url"], mime_type=str(mime)))
    if not parts:
        raise WebhookPayloadError(VENDOR, "the message has neither text nor media")
    to = payload.get("to")
    first_to = to[0] if isinstance(to, list) and to else to
    return InboundMessage(
        channel_id=channel_id,
        sender_id=sender,
        content=parts[0] if len(parts) == 1 else CompositeContent(parts=parts),
        provider_message_id=message_id,
        metadata={
            "provider": VENDOR,
            "to": first_to.get("phone_number", "") if isinstance(first_to, dict) else "",
            "type": str(payload.get("type", "")),
            **({"postback_data": reply.get("postback_data")} if isinstance(reply, dict) else {}),
        },
    )


def _statuses(payload: dict[str, Any], channel_id: str) -> list[DeliveryStatus]:
    message_id = require_field(VENDOR, payload, "id")
    recipients = payload.get("to")
    if not isinstance(recipients, list) or not recipients:
        raise WebhookPayloadError(VENDOR, "field 'payload.to' must list the recipients")
    errors = payload.get("errors") or []
    first_error = errors[0] if isinstance(errors, list) and errors else {}
    if not isinstance(first_error, dict):
        first_error = {}
    statuses = []
    for recipient in recipients:
        if not isinstance(recipient, dict):
            raise WebhookPayloadError(VENDOR, "payload.to entries must be objects")
        word = require_field(VENDOR, recipient, "status")
        normalised = STATUS_WORDS.get(word)
        if normalised is None:
            raise WebhookPayloadError(VENDOR, f"unknown status {word!r}")
        code = first_error.get("code")
        statuses.append(
            DeliveryStatus(
                provider=VENDOR,
                message_id=message_id,
                status=normalised,
                recipient=recipient.get("phone_number"),
                error_code=str(code) if code is not None else None,
                error_message=first_error.get("detail") or first_error.get("title"),
                channel_id=channel_id,
                raw=payload,
            )
        )
    return statuses


def parse_telnyx_webhook(request_data: Any, channel_id: str = "sms-telnyx") -> InboundMessage:
    """Read an inbound message from a Telnyx webhook's JSON (a dict) or the request meta
    ``{"method", "url", "headers", "body"}``. No signature check: use ``kit.process_webhook``
    for requests from the network."""
    if isinstance(request_data, Mapping) and "body" in request_data and "url" in request_data:
        request = WebhookRequest.from_meta(request_data)
        try:
            request_data = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise WebhookPayloadError(VENDOR, f"body is not JSON ({exc})") from exc
    batch = parse_event(request_data, channel_id)
    if not batch.messages:
        raise WebhookPayloadError(VENDOR, "this webhook carries no inbound message")
    return batch.messages[0]
