"""VoiceMeUp webhooks: authenticated by a secret token in the URL (VoiceMeUp signs nothing),
read from a form or JSON post. An MMS arrives as two webhooks (the text with a ``.mms.html``
wrapper, then the media); the first is held until the second comes and both become one message.
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

from roomkit.domain.content import CompositeContent, EventContent, MediaContent, TextContent
from roomkit.domain.errors import WebhookPayloadError, WebhookSignatureError
from roomkit.domain.inbound import InboundMessage
from roomkit.domain.webhook import WebhookBatch, WebhookRequest, require_field

VENDOR = "voicemeup"
_MERGED_MEMORY = 1000


def _e164(number: str) -> str:
    digits = number.strip()
    return digits if digits.startswith("+") else f"+{digits}"


def is_mms_wrapper(fields: Mapping[str, str]) -> bool:
    url = fields.get("attachment") or fields.get("attachment_url") or ""
    mime = fields.get("attachment_mime_type") or fields.get("attachment_type") or ""
    return url.endswith(".mms.html") or (mime == "text/html" and ".mms." in url)


def _key(fields: Mapping[str, str]) -> str:
    return "|".join(
        fields.get(k, "") for k in ("source_number", "destination_number", "datetime_transmission")
    )


def read_fields(request: WebhookRequest) -> dict[str, str]:
    try:
        if request.content_type == "application/json":
            data = json.loads(request.body.decode("utf-8"))
            if not isinstance(data, dict):
                raise WebhookPayloadError(VENDOR, "body must be a JSON object")
            return {str(k): "" if v is None else str(v) for k, v in data.items()}
        text = request.body.decode("utf-8")
        return dict(parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text)))
    except (UnicodeDecodeError, ValueError) as exc:
        raise WebhookPayloadError(VENDOR, f"body is neither a form nor JSON ({exc})") from exc


def message_of(
    fields: Mapping[str, str], channel_id: str, text: str | None = None
) -> InboundMessage:
    sms_hash = require_field(VENDOR, fields, "sms_hash")
    sender = require_field(VENDOR, fields, "source_number")
    parts: list[EventContent] = []
    body = fields.get("message", "") if text is None else text
    if body:
        parts.append(TextContent(body=body))
    url = fields.get("attachment") or fields.get("attachment_url")
    if url and not is_mms_wrapper(fields):
        mime = fields.get("attachment_mime_type") or fields.get("attachment_type")
        parts.append(MediaContent(url=url, mime_type=mime or "application/octet-stream"))
    if not parts:
        raise WebhookPayloadError(VENDOR, "the message has neither text nor media")
    return InboundMessage(
        channel_id=channel_id,
        sender_id=_e164(sender),
        content=parts[0] if len(parts) == 1 else CompositeContent(parts=parts),
        provider_message_id=sms_hash,
        metadata={
            "provider": VENDOR,
            "to": _e164(fields.get("destination_number", "")),
            "datetime_transmission": fields.get("datetime_transmission", ""),
        },
    )


@dataclass
class _Held:
    fields: dict[str, str]
    channel_id: str
    at: float


class VoiceMeUpWebhooks:
    def __init__(self, token: str | None, wait: float, now: Callable[[], float] = time.monotonic):
        self._token = token
        self._wait = wait
        self._now = now
        self._held: dict[str, _Held] = {}
        self._merged: dict[str, None] = {}  # media halves already merged (redeliveries dropped)

    def authenticate(self, request: WebhookRequest) -> None:
        if self._token is None:
            raise WebhookSignatureError(VENDOR, "VoiceMeUpConfig.webhook_token is not set")
        given = parse_qs(urlsplit(request.url).query).get("token", [""])[0]
        if not given or not hmac.compare_digest(given.encode(), self._token.encode()):
            raise WebhookSignatureError(VENDOR, "the webhook URL token is missing or wrong")

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        fields = read_fields(request)
        require_field(VENDOR, fields, "sms_hash")
        require_field(VENDOR, fields, "source_number")
        messages = self.flush_pending_mms()
        if is_mms_wrapper(fields):
            self._held[_key(fields)] = _Held(fields, channel_id, self._now())
            return WebhookBatch(messages=messages)
        if fields["sms_hash"] in self._merged:
            return WebhookBatch(messages=messages)
        held = self._held.pop(_key(fields), None)
        if held is None:
            messages.append(message_of(fields, channel_id))
            return WebhookBatch(messages=messages)
        merged = {**fields, "sms_hash": held.fields["sms_hash"]}
        self._merged[fields["sms_hash"]] = None
        if len(self._merged) > _MERGED_MEMORY:
            self._merged.pop(next(iter(self._merged)))
        messages.append(message_of(merged, channel_id, text=held.fields.get("message", "")))
        return WebhookBatch(messages=messages)

    def flush_pending_mms(self, *, force: bool = False) -> list[InboundMessage]:
        """Text halves of MMS whose media never came (after ``mms_wait_seconds``), as messages."""
        now = self._now()
        due = [k for k, h in self._held.items() if force or now - h.at >= self._wait]
        return [
            message_of(held.fields, held.channel_id) for held in (self._held.pop(k) for k in due)
        ]


def parse_voicemeup_webhook(request_data: Any, channel_id: str = "sms-vmu") -> InboundMessage:
    """Read one VoiceMeUp webhook (its fields as a mapping, or the request meta) as a message,
    without MMS aggregation or authentication: ``kit.process_webhook`` does both."""
    if isinstance(request_data, Mapping) and "body" in request_data and "url" in request_data:
        fields = read_fields(WebhookRequest.from_meta(request_data))
    elif isinstance(request_data, Mapping):
        fields = {str(k): str(v) for k, v in request_data.items()}
    else:
        raise WebhookPayloadError(VENDOR, "give the webhook fields or the request meta")
    return message_of(fields, channel_id)
