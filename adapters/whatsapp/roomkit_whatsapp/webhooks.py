"""Cloud API webhooks: ``X-Hub-Signature-256`` (``sha256=`` + HMAC-SHA256 of the raw body with
the app secret) is checked first; then ``entry[].changes[].value`` is read: ``messages`` become
InboundMessages, ``statuses`` DeliveryStatuses. The GET verification handshake is answered by
``verify_subscription``."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from roomkit.domain.content import (
    AudioContent,
    EventContent,
    LocationContent,
    MediaContent,
    SystemContent,
    TextContent,
    VideoContent,
)
from roomkit.domain.delivery import DeliveryStatus
from roomkit.domain.errors import WebhookPayloadError
from roomkit.domain.inbound import InboundMessage
from roomkit.domain.webhook import WebhookBatch, WebhookRequest, require_field
from roomkit_http.meta import (
    answer_hub_challenge,
    check_hub_signature,
)
from roomkit_whatsapp.config import DEFAULT_API_VERSION, DEFAULT_BASE_URL

VENDOR = "whatsapp"
STATUS_WORDS = {"sent": "sent", "delivered": "delivered", "read": "read", "failed": "failed"}

#: Called for each customer message: (wa_id, when the customer sent it).
OnInbound = Callable[[str, datetime | None], None]


def check_signature(app_secret: str | None, request: WebhookRequest) -> None:
    check_hub_signature(VENDOR, app_secret, request)


def verify_subscription(query: Mapping[str, str] | str, verify_token: str | None) -> str:
    """Meta's GET handshake: ``hub.challenge`` when ``hub.mode`` is ``subscribe`` and
    ``hub.verify_token`` is yours; WebhookSignatureError (answer 403) otherwise. ``query`` is
    the query parameters, the query string, or the full URL Meta called."""
    return answer_hub_challenge(VENDOR, query, verify_token)


class WebhookReader:
    """Reads an authenticated body; media links point at ``{base_url}/{api_version}/{id}``."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        api_version: str = DEFAULT_API_VERSION,
        on_inbound: OnInbound | None = None,
    ) -> None:
        self._media_root = f"{base_url.rstrip('/')}/{api_version}"
        self._on_inbound = on_inbound

    def read_body(self, body: bytes, channel_id: str) -> WebhookBatch:
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise WebhookPayloadError(VENDOR, f"body is not JSON ({exc})") from exc
        return self.read(data, channel_id)

    def read(self, data: Any, channel_id: str) -> WebhookBatch:
        if not isinstance(data, dict):
            raise WebhookPayloadError(VENDOR, "body must be a JSON object")
        kind = data.get("object")
        if kind != "whatsapp_business_account":
            raise WebhookPayloadError(
                VENDOR, f"field 'object' must be 'whatsapp_business_account', got {kind!r}"
            )
        entries = data.get("entry")
        if not isinstance(entries, list):
            raise WebhookPayloadError(VENDOR, "field 'entry' must be a list")
        batch = WebhookBatch()
        for entry in entries:
            changes = entry.get("changes") if isinstance(entry, dict) else None
            if not isinstance(changes, list):
                raise WebhookPayloadError(VENDOR, "field 'entry[].changes' must be a list")
            for change in changes:
                if not isinstance(change, dict) or not isinstance(change.get("value"), dict):
                    raise WebhookPayloadError(VENDOR, "field 'changes[].value' must be an object")
                if change.get("field", "messages") != "messages":
                    continue  # template, quality and account updates carry no message
                self._read_value(change["value"], channel_id, batch)
        return batch

    def _read_value(self, value: dict[str, Any], channel_id: str, batch: WebhookBatch) -> None:
        found = value.get("metadata")
        metadata: dict[str, Any] = found if isinstance(found, dict) else {}
        names = {
            str(c.get("wa_id")): str((c.get("profile") or {}).get("name") or "")
            for c in _objects(value, "contacts")
        }
        for message in _objects(value, "messages"):
            read = self._message(message, metadata, names, channel_id)
            if read is not None:
                batch.messages.append(read)
        for status in _objects(value, "statuses"):
            batch.statuses.append(_status(status, metadata, channel_id))

    def _message(
        self,
        message: dict[str, Any],
        metadata: dict[str, Any],
        names: dict[str, str],
        channel_id: str,
    ) -> InboundMessage | None:
        sender = require_field(VENDOR, message, "from")
        message_id = require_field(VENDOR, message, "id")
        kind = require_field(VENDOR, message, "type")
        sent_at = _when(message.get("timestamp"))
        extra: dict[str, Any] = {}
        content = self._content(kind, message, extra)
        if self._on_inbound is not None:
            self._on_inbound(sender, sent_at)  # any message opens the window, even unsupported
        if content is None:
            return None
        info: dict[str, Any] = {
            "provider": VENDOR,
            "wa_id": sender,
            "type": kind,
            "phone_number_id": str(metadata.get("phone_number_id", "")),
            "display_phone_number": str(metadata.get("display_phone_number", "")),
            **extra,
        }
        if names.get(sender):
            info["profile_name"] = names[sender]
        if sent_at is not None:
            info["sent_at"] = sent_at.isoformat()
        context = message.get("context")
        if isinstance(context, dict) and context.get("id"):
            info["reply_to"] = str(context["id"])
        return InboundMessage(
            channel_id=channel_id,
            sender_id=sender if sender.startswith("+") else f"+{sender}",
            content=content,
            provider_message_id=message_id,
            metadata=info,
        )

    def _content(
        self, kind: str, message: dict[str, Any], extra: dict[str, Any]
    ) -> EventContent | None:
        body: Any = message.get(kind)
        if kind == "text":
            text = _field(body, "body", kind)
            return TextContent(body=text)
        if kind in ("image", "video", "audio", "document", "sticker"):
            return self._media(kind, body, extra)
        if kind == "location":
            if not isinstance(body, dict):
                raise WebhookPayloadError(VENDOR, "field 'location' must be an object")
            try:
                return LocationContent(
                    latitude=float(body["latitude"]),
                    longitude=float(body["longitude"]),
                    label=body.get("name") or None,
                    address=body.get("address") or None,
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise WebhookPayloadError(
                    VENDOR, f"location needs numeric latitude and longitude ({exc})"
                ) from exc
        if kind == "interactive":
            return _interactive(body, extra)
        if kind == "button":  # a template's quick-reply button
            text = _field(body, "text", kind)
            extra["reply_id"] = str(body.get("payload") or text)
            return TextContent(body=text)
        if kind == "reaction":
            target = _field(body, "message_id", kind)
            emoji = str(body.get("emoji") or "")
            extra["reaction"] = {"message_id": target, "emoji": emoji}
            return SystemContent(
                body=f"reacted {emoji}" if emoji else "removed a reaction",
                code="reaction" if emoji else "reaction_removed",
                data={"message_id": target, "emoji": emoji},
            )
        return None  # contacts, orders, system notices, unsupported: nothing to store

    def _media(self, kind: str, found: Any, extra: dict[str, Any]) -> EventContent:
        media_id = _field(found, "id", kind)
        body: dict[str, Any] = found
        url = f"{self._media_root}/{media_id}"
        mime = str(body.get("mime_type") or "application/octet-stream").split(";")[0].strip()
        extra["media_id"] = media_id
        if kind == "audio":
            extra["voice"] = bool(body.get("voice"))
            return AudioContent(url=url, mime_type=mime)
        if kind == "video" and not body.get("caption"):
            return VideoContent(url=url, mime_type=mime)
        return MediaContent(
            url=url,
            mime_type=mime,
            caption=body.get("caption") or None,
            filename=body.get("filename") or None,
        )


def _objects(value: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = value.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise WebhookPayloadError(VENDOR, f"field {key!r} must be a list of objects")
    return items


def _field(body: Any, key: str, kind: str) -> str:
    if not isinstance(body, dict):
        raise WebhookPayloadError(VENDOR, f"field {kind!r} must be an object")
    return require_field(VENDOR, body, key).strip() or _missing(kind, key)


def _missing(kind: str, key: str) -> str:
    raise WebhookPayloadError(VENDOR, f"field '{kind}.{key}' is empty")


def _interactive(body: Any, extra: dict[str, Any]) -> EventContent:
    if not isinstance(body, dict):
        raise WebhookPayloadError(VENDOR, "field 'interactive' must be an object")
    kind = require_field(VENDOR, body, "type")
    reply = body.get(kind)
    if kind in ("button_reply", "list_reply"):
        title = _field(reply, "title", kind)
        assert isinstance(reply, dict)
        extra["reply_id"] = require_field(VENDOR, reply, "id")
        extra["interactive"] = kind
        return TextContent(body=title)
    if kind == "nfm_reply":  # a Flow's answer
        extra["interactive"] = kind
        return SystemContent(
            body=str(reply.get("body") or "Flow answer") if isinstance(reply, dict) else "",
            code="flow_reply",
            data=reply if isinstance(reply, dict) else {},
        )
    raise WebhookPayloadError(VENDOR, f"unknown interactive reply type {kind!r}")


def _when(stamp: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(stamp), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _status(status: dict[str, Any], metadata: dict[str, Any], channel_id: str) -> DeliveryStatus:
    word = require_field(VENDOR, status, "status")
    normalised = STATUS_WORDS.get(word.lower())
    if normalised is None:
        raise WebhookPayloadError(VENDOR, f"unknown status {word!r}")
    code = message = None
    if normalised == "failed":
        errors = status.get("errors") or []
        first = errors[0] if isinstance(errors, list) and errors else {}
        first = first if isinstance(first, dict) else {}
        code = str(first["code"]) if first.get("code") is not None else None
        title = first.get("title") or first.get("message") or "failed"
        data = first.get("error_data")
        details = data.get("details") if isinstance(data, dict) else None
        message = f"WhatsApp error {code}: {title}" + (f" - {details}" if details else "")
    when = _when(status.get("timestamp"))
    recipient = status.get("recipient_id")
    return DeliveryStatus(
        provider=VENDOR,
        message_id=require_field(VENDOR, status, "id"),
        status=normalised,
        recipient=f"+{recipient}" if recipient and not str(recipient).startswith("+") else None,
        error_code=code,
        error_message=message,
        channel_id=channel_id,
        raw={**status, "phone_number_id": metadata.get("phone_number_id")},
        **({"timestamp": when} if when is not None else {}),
    )


def parse_whatsapp_webhook(request_data: Any, channel_id: str = "whatsapp") -> list[InboundMessage]:
    """The messages in a Cloud API webhook: its JSON (a dict or bytes) or the request meta
    ``{"method", "url", "headers", "body"}``. No signature check: use ``kit.process_webhook``
    (or the channel's provider) for requests from the network."""
    reader = WebhookReader()
    if isinstance(request_data, bytes | str):
        raw = request_data.encode() if isinstance(request_data, str) else request_data
        return reader.read_body(raw, channel_id).messages
    if isinstance(request_data, Mapping) and "body" in request_data and "url" in request_data:
        return reader.read_body(WebhookRequest.from_meta(request_data).body, channel_id).messages
    return reader.read(request_data, channel_id).messages
