"""RoomKit's own webhook format: JSON signed with HMAC-SHA256 over ``f"{timestamp}.{body}"``.

The generic HTTP channel and the mock provider receive it. Headers: ``X-RoomKit-Timestamp``
(unix seconds) and ``X-RoomKit-Signature: sha256=<hex>``. Bodies::

    {"type": "message", "id": "m-1", "from": "+15550001111", "text": "hi",
     "media": [{"url": "https://...", "mime_type": "image/png"}]}
    {"type": "status", "message_id": "m-1", "status": "delivered", "error": null}

Pure functions: the parser classes that wrap them live with the adapters.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from roomkit.domain.content import CompositeContent, EventContent, MediaContent, TextContent
from roomkit.domain.delivery import DeliveryStatus
from roomkit.domain.errors import WebhookPayloadError, WebhookSignatureError
from roomkit.domain.inbound import InboundMessage
from roomkit.domain.webhook import WebhookBatch, WebhookRequest, require_field

SIGNATURE_HEADER = "x-roomkit-signature"
TIMESTAMP_HEADER = "x-roomkit-timestamp"
DEFAULT_TOLERANCE = 300.0
STATUS_WORDS = frozenset({"queued", "sent", "delivered", "read", "failed"})


def signature_headers(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Headers that authenticate ``body`` to a receiver holding ``secret``."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), ts.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-RoomKit-Timestamp": ts, "X-RoomKit-Signature": f"sha256={digest}"}


def verify_signature(
    request: WebhookRequest, secret: bytes, *, provider: str, tolerance: float, now: float
) -> None:
    """Raise WebhookSignatureError unless ``request`` is signed with ``secret`` and recent."""
    signature = request.header(SIGNATURE_HEADER)
    stamp = request.header(TIMESTAMP_HEADER)
    if not signature or not stamp:
        raise WebhookSignatureError(
            provider, f"headers {SIGNATURE_HEADER} and {TIMESTAMP_HEADER} are required"
        )
    try:
        ts = int(stamp)
    except ValueError:
        raise WebhookSignatureError(provider, "the timestamp is not an integer") from None
    if abs(now - ts) > tolerance:
        raise WebhookSignatureError(provider, "the timestamp is outside the tolerance")
    expected = hmac.new(secret, stamp.encode() + b"." + request.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.removeprefix("sha256=")):
        raise WebhookSignatureError(provider, "the signature does not match the body")


def json_object(request: WebhookRequest, provider: str) -> dict[str, Any]:
    """The body as a JSON object; WebhookPayloadError naming what it is otherwise."""
    try:
        data = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise WebhookPayloadError(provider, f"body is not JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise WebhookPayloadError(
            provider, f"body must be a JSON object, not {type(data).__name__}"
        )
    return data


def parse_signed_json(request: WebhookRequest, channel_id: str, provider: str) -> WebhookBatch:
    data = json_object(request, provider)
    kind = data.get("type", "message")
    if kind == "status":
        return WebhookBatch(statuses=[_status(data, channel_id, provider)])
    if kind != "message":
        raise WebhookPayloadError(provider, f"unknown type {kind!r}")
    thread = data.get("thread_id")
    return WebhookBatch(
        messages=[
            InboundMessage(
                channel_id=channel_id,
                sender_id=require_field(provider, data, "from"),
                content=_content(data, provider),
                provider_message_id=require_field(provider, data, "id"),
                thread_id=thread if isinstance(thread, str) else None,
                metadata={"provider": provider},
            )
        ]
    )


def _content(data: dict[str, Any], provider: str) -> EventContent:
    text = data.get("text") or ""
    if not isinstance(text, str):
        raise WebhookPayloadError(provider, "field 'text' must be a string")
    media = data.get("media") or []
    if not isinstance(media, list):
        raise WebhookPayloadError(provider, "field 'media' must be a list")
    parts: list[EventContent] = [TextContent(body=text)] if text else []
    for i, item in enumerate(media):
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise WebhookPayloadError(provider, f"media[{i}] needs a 'url' string")
        mime = item.get("mime_type") or "application/octet-stream"
        parts.append(MediaContent(url=item["url"], mime_type=str(mime)))
    if not parts:
        raise WebhookPayloadError(provider, "a message needs 'text' or 'media'")
    return parts[0] if len(parts) == 1 else CompositeContent(parts=parts)


def _status(data: dict[str, Any], channel_id: str, provider: str) -> DeliveryStatus:
    status = require_field(provider, data, "status")
    if status not in STATUS_WORDS:
        raise WebhookPayloadError(
            provider, f"status {status!r} is not one of {sorted(STATUS_WORDS)}"
        )
    error = data.get("error")
    recipient = data.get("to")
    return DeliveryStatus(
        provider=provider,
        message_id=require_field(provider, data, "message_id"),
        status=status,
        recipient=recipient if isinstance(recipient, str) else None,
        error_message=error if isinstance(error, str) else None,
        channel_id=channel_id,
        raw=data,
    )
