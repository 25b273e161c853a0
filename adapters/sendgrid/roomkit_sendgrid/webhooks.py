"""SendGrid's two webhooks.

- Event Webhook (delivery events, JSON array): ECDSA P-256 / SHA-256 signature over
  ``timestamp + body`` in ``X-Twilio-Email-Event-Webhook-Signature``, timestamp in
  ``X-Twilio-Email-Event-Webhook-Timestamp``; checked with the account's verification key.
- Inbound Parse (mail, multipart/form-data): unsigned by SendGrid, so authenticated by a secret
  token in the URL or the Basic-auth password.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Callable
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import parseaddr
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key

from roomkit.domain.content import (
    CompositeContent,
    EventContent,
    MediaContent,
    RichContent,
    TextContent,
)
from roomkit.domain.delivery import DeliveryStatus
from roomkit.domain.email_content import MAX_INLINE_ATTACHMENT_BYTES, data_url
from roomkit.domain.errors import WebhookPayloadError, WebhookSignatureError
from roomkit.domain.inbound import InboundMessage
from roomkit.domain.webhook import WebhookBatch, WebhookRequest

VENDOR = "sendgrid"
SIGNATURE = "x-twilio-email-event-webhook-signature"
TIMESTAMP = "x-twilio-email-event-webhook-timestamp"

EVENT_WORDS = {
    "processed": "queued",
    "deferred": "queued",
    "delivered": "delivered",
    "open": "read",
    "click": "read",
    "bounce": "failed",
    "dropped": "failed",
    "blocked": "failed",
}


def load_verification_key(value: str) -> ec.EllipticCurvePublicKey:
    try:
        key = load_der_public_key(base64.b64decode(value, validate=True))
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"the SendGrid verification key is not a base64 DER key: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ValueError("the SendGrid verification key is not an ECDSA key")
    return key


def _token_of(request: WebhookRequest) -> str | None:
    query = parse_qs(urlsplit(request.url).query)
    if query.get("token"):
        return query["token"][0]
    auth = request.header("authorization") or ""
    if auth.startswith("Basic "):
        try:
            return base64.b64decode(auth[6:]).decode().partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            return None
    return None


class SendGridWebhooks:
    def __init__(
        self,
        public_key: str | None,
        inbound_token: str | None,
        tolerance: float,
        now: Callable[[], float],
    ) -> None:
        self._key = load_verification_key(public_key) if public_key else None
        self._token = inbound_token
        self._tolerance = tolerance
        self._now = now

    def authenticate(self, request: WebhookRequest) -> None:
        if request.content_type.startswith("multipart/"):
            self._authenticate_inbound(request)
        else:
            self._authenticate_events(request)

    def _authenticate_inbound(self, request: WebhookRequest) -> None:
        if self._token is None:
            raise WebhookSignatureError(VENDOR, "SendGridConfig.inbound_token is not set")
        given = _token_of(request)
        if given is None or not hmac.compare_digest(given.encode(), self._token.encode()):
            raise WebhookSignatureError(VENDOR, "the Inbound Parse token is missing or wrong")

    def _authenticate_events(self, request: WebhookRequest) -> None:
        if self._key is None:
            raise WebhookSignatureError(
                VENDOR, "SendGridConfig.event_webhook_public_key is not set"
            )
        signature = request.header(SIGNATURE)
        stamp = request.header(TIMESTAMP)
        if not signature or not stamp:
            raise WebhookSignatureError(VENDOR, f"headers {SIGNATURE} and {TIMESTAMP} are required")
        try:
            ts = int(stamp)
            raw = base64.b64decode(signature, validate=True)
        except (ValueError, binascii.Error):
            raise WebhookSignatureError(VENDOR, "the signature headers are malformed") from None
        if abs(self._now() - ts) > self._tolerance:
            raise WebhookSignatureError(VENDOR, "the timestamp is outside the tolerance")
        try:
            self._key.verify(raw, stamp.encode() + request.body, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise WebhookSignatureError(VENDOR, "the ECDSA signature does not match") from None

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        if request.content_type.startswith("multipart/"):
            return WebhookBatch(messages=[parse_inbound_email(request, channel_id)])
        return WebhookBatch(statuses=parse_events(request.body, channel_id))


# delivery events ----------------------------------------------------------------------------------
def parse_events(body: bytes, channel_id: str) -> list[DeliveryStatus]:
    try:
        events = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise WebhookPayloadError(VENDOR, f"body is not JSON ({exc})") from exc
    if not isinstance(events, list):
        raise WebhookPayloadError(VENDOR, "the Event Webhook body must be a JSON array")
    statuses: list[DeliveryStatus] = []
    for i, item in enumerate(events):
        if not isinstance(item, dict):
            raise WebhookPayloadError(VENDOR, f"event [{i}] is not an object")
        kind = item.get("event")
        if not isinstance(kind, str):
            raise WebhookPayloadError(VENDOR, f"event [{i}] has no 'event'")
        word = "blocked" if kind == "bounce" and item.get("type") == "blocked" else kind
        normalised = EVENT_WORDS.get(word)
        if normalised is None:
            continue  # unsubscribe, spamreport, group events: not delivery states
        sg_id = item.get("sg_message_id")
        if not isinstance(sg_id, str) or not sg_id:
            raise WebhookPayloadError(VENDOR, f"event [{i}] has no 'sg_message_id'")
        reason = item.get("reason") or item.get("response")
        statuses.append(
            DeliveryStatus(
                provider=VENDOR,
                message_id=sg_id.split(".", 1)[0],  # the X-Message-Id the send answered
                status=normalised,
                recipient=item.get("email") if isinstance(item.get("email"), str) else None,
                error_code=str(item["status"]) if item.get("status") else None,
                error_message=str(reason) if reason else None,
                channel_id=channel_id,
                raw=item,
            )
        )
    return statuses


# Inbound Parse ------------------------------------------------------------------------------------
def _form_parts(request: WebhookRequest) -> dict[str, Message]:
    header = request.header("content-type") or ""
    if "boundary=" not in header:
        raise WebhookPayloadError(VENDOR, "multipart body without a boundary")
    boundary = header.split("boundary=", 1)[1].split(";", 1)[0].strip().strip('"')
    if not request.body.lstrip(b"\r\n").startswith(f"--{boundary}".encode()):
        raise WebhookPayloadError(VENDOR, "the multipart body does not start with its boundary")
    if f"--{boundary}--".encode() not in request.body:
        raise WebhookPayloadError(VENDOR, "the multipart body is truncated (no closing boundary)")
    document = f"Content-Type: {header}\r\nMIME-Version: 1.0\r\n\r\n".encode() + request.body
    message = BytesParser(policy=policy.compat32).parsebytes(document)
    if not message.is_multipart():
        raise WebhookPayloadError(VENDOR, "the body is not multipart/form-data")
    fields: dict[str, Message] = {}
    for part in message.get_payload():
        if not isinstance(part, Message):
            continue
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            fields[name] = part
    if not fields:
        raise WebhookPayloadError(VENDOR, "the multipart body has no form fields")
    return fields


def _text(part: Message | None) -> str:
    if part is None:
        return ""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:
        return payload.decode("utf-8", "replace")


def _header(raw_headers: str, name: str) -> str | None:
    prefix = name.lower() + ":"
    for line in raw_headers.splitlines():
        if line.lower().startswith(prefix):
            return line.split(":", 1)[1].strip()
    return None


def parse_inbound_email(request: WebhookRequest, channel_id: str) -> InboundMessage:
    fields = _form_parts(request)
    sender_field = _text(fields.get("from"))
    _, address = parseaddr(sender_field)
    if "@" not in address:
        raise WebhookPayloadError(VENDOR, "field 'from' holds no email address")
    headers = _text(fields.get("headers"))
    text = _text(fields.get("text"))
    html_body = _text(fields.get("html"))
    subject = _text(fields.get("subject"))
    parts: list[EventContent] = []
    if html_body:
        parts.append(RichContent(body=html_body, format="html", plain_text=text or None))
    elif text:
        parts.append(TextContent(body=text))
    skipped: list[str] = []
    info: dict[str, Any] = {}
    if "attachment-info" in fields:
        try:
            loaded = json.loads(_text(fields["attachment-info"]))
            info = loaded if isinstance(loaded, dict) else {}
        except ValueError:
            info = {}
    for name, part in fields.items():
        if not name.startswith("attachment") or name == "attachment-info" or name == "attachments":
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        entry = info.get(name)
        described: dict[str, Any] = entry if isinstance(entry, dict) else {}
        filename = part.get_filename() or described.get("filename") or name
        mime = part.get_content_type() or described.get("type") or "application/octet-stream"
        if len(data) > MAX_INLINE_ATTACHMENT_BYTES:
            skipped.append(filename)
            continue
        parts.append(MediaContent(url=data_url(mime, data), mime_type=mime, filename=filename))
    if not parts:
        raise WebhookPayloadError(VENDOR, "the message has neither text nor media")
    message_id = _header(headers, "Message-ID") or (
        "sha256:" + hashlib.sha256(request.body).hexdigest()
    )
    in_reply_to = _header(headers, "In-Reply-To")
    return InboundMessage(
        channel_id=channel_id,
        sender_id=address.lower(),
        content=parts[0] if len(parts) == 1 else CompositeContent(parts=parts),
        provider_message_id=message_id,
        thread_id=in_reply_to,
        metadata={
            "provider": VENDOR,
            "subject": subject,
            "from": sender_field,
            "to": _text(fields.get("to")),
            **({"skipped_attachments": skipped} if skipped else {}),
        },
    )
