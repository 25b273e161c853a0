"""Messenger webhooks: X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the app secret)
checked first; then ``messaging`` entries read as messages (text, attachments, quick replies,
postbacks) and delivery/read receipts as statuses. Echoes of the Page's own sends are skipped.
"""

from __future__ import annotations

import json
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from typing import Any

from roomkit.domain.content import (
    AudioContent,
    CompositeContent,
    EventContent,
    LocationContent,
    MediaContent,
    TextContent,
    VideoContent,
)
from roomkit.domain.delivery import DeliveryStatus
from roomkit.domain.errors import WebhookPayloadError, WebhookSignatureError
from roomkit.domain.inbound import InboundMessage
from roomkit.domain.webhook import WebhookBatch, WebhookRequest, require_field
from roomkit_http.meta import (
    answer_hub_challenge,
    check_hub_signature,
    hub_signature,
)
from roomkit_messenger.content import guess_mime

VENDOR = "messenger"


messenger_signature = hub_signature


def verify_messenger_subscription(request_data: Any, verify_token: str) -> str:
    """The ``hub.challenge`` to answer Meta's subscription GET with (HTTP 200, the challenge as
    the body); WebhookSignatureError when the mode or the verify token is wrong.

    ``request_data`` is the request meta (its URL's query is read) or the query as a mapping.
    """
    if isinstance(request_data, Mapping) and "url" in request_data:
        return answer_hub_challenge(VENDOR, str(request_data["url"]), verify_token)
    if isinstance(request_data, Mapping):
        query = {str(k): str(v) for k, v in request_data.items()}
        return answer_hub_challenge(VENDOR, query, verify_token)
    raise WebhookSignatureError(VENDOR, "pass the request meta or its query parameters")


class SentLog:
    """Message ids sent to each recipient with when they were sent, so a read receipt (which
    carries only a watermark time) and a delivery receipt without ``mids`` can name the messages
    they cover. Bounded (recipients, sends per recipient); process-local."""

    KINDS = ("delivered", "read")

    def __init__(self, now_ms: Callable[[], int], recipients: int = 10_000, per: int = 200):
        self._now_ms = now_ms
        self._recipients = recipients
        self._per = per
        self._logs: dict[str, OrderedDict[str, deque[tuple[str, int]]]] = {
            kind: OrderedDict() for kind in self.KINDS
        }

    def now(self) -> int:
        return self._now_ms()

    def record(self, recipient: str, message_id: str, sent_at_ms: int) -> None:
        """``sent_at_ms``: taken before the send, so Meta's own timestamp is not earlier."""
        for sent in self._logs.values():
            log = sent.pop(recipient, None) or deque(maxlen=self._per)
            log.append((message_id, sent_at_ms))
            sent[recipient] = log
            while len(sent) > self._recipients:
                sent.popitem(last=False)

    def up_to(self, kind: str, recipient: str, watermark: int) -> list[str]:
        """The ids sent to ``recipient`` at or before ``watermark`` not reported ``kind`` yet."""
        log = self._logs[kind].get(recipient)
        found: list[str] = []
        while log and log[0][1] <= watermark:
            found.append(log.popleft()[0])
        return found

    def read_up_to(self, recipient: str, watermark: int) -> list[str]:
        return self.up_to("read", recipient, watermark)


class MessengerWebhooks:
    def __init__(self, app_secret: str, sent: SentLog | None = None) -> None:
        self._secret = app_secret
        self._sent = sent

    def authenticate(self, request: WebhookRequest) -> None:
        if request.method == "GET":
            raise WebhookSignatureError(
                VENDOR,
                "a GET is Meta's subscription check: answer it with "
                "provider.verify_subscription(meta), not process_webhook",
            )
        check_hub_signature(VENDOR, self._secret, request)

    def parse(self, request: WebhookRequest, channel_id: str) -> WebhookBatch:
        return parse_payload(load_json(request.body), channel_id, self._sent)


def load_json(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise WebhookPayloadError(VENDOR, f"body is not JSON ({exc})") from exc


def parse_payload(data: Any, channel_id: str, sent: SentLog | None = None) -> WebhookBatch:
    if not isinstance(data, dict):
        raise WebhookPayloadError(VENDOR, "body must be a JSON object")
    if data.get("object") != "page":
        raise WebhookPayloadError(
            VENDOR, f"field 'object' must be 'page', not {data.get('object')!r}"
        )
    entries = data.get("entry")
    if not isinstance(entries, list):
        raise WebhookPayloadError(VENDOR, "field 'entry' must be a list")
    batch = WebhookBatch()
    for entry in entries:
        if not isinstance(entry, dict):
            raise WebhookPayloadError(VENDOR, "entry items must be objects")
        events = entry.get("messaging") or []
        if not isinstance(events, list):
            raise WebhookPayloadError(VENDOR, "entry.messaging must be a list")
        for event in events:
            _read_event(event, channel_id, sent, batch)
    return batch


def _party(event: dict[str, Any], key: str) -> str:
    party = event.get(key)
    if not isinstance(party, dict):
        raise WebhookPayloadError(VENDOR, f"field {key!r} is missing")
    return require_field(VENDOR, party, "id")


def _read_event(event: Any, channel_id: str, sent: SentLog | None, batch: WebhookBatch) -> None:
    if not isinstance(event, dict):
        raise WebhookPayloadError(VENDOR, "messaging items must be objects")
    sender = _party(event, "sender")
    page = _party(event, "recipient")
    meta = {"provider": VENDOR, "page_id": page, "timestamp": event.get("timestamp")}
    message = event.get("message")
    if isinstance(message, dict):
        if message.get("is_echo"):
            return  # the Page's own send, already in the room
        batch.messages.append(_message(message, sender, channel_id, meta))
        return
    postback = event.get("postback")
    if isinstance(postback, dict):
        label = str(postback.get("title") or postback.get("payload") or "")
        if not label:
            raise WebhookPayloadError(VENDOR, "a postback needs a title or payload")
        mid = postback.get("mid") or f"postback:{sender}:{event.get('timestamp')}"
        batch.messages.append(
            InboundMessage(
                channel_id=channel_id,
                sender_id=sender,
                content=TextContent(body=label),
                provider_message_id=str(mid),
                metadata={**meta, "postback_payload": postback.get("payload")},
            )
        )
        return
    delivery = event.get("delivery")
    if isinstance(delivery, dict):
        mids = delivery.get("mids") or []
        if not isinstance(mids, list):
            raise WebhookPayloadError(VENDOR, "delivery.mids must be a list")
        watermark = delivery.get("watermark")
        if isinstance(watermark, int) and sent is not None:
            covered = sent.up_to("delivered", sender, watermark)
            mids = mids or covered  # older clients send only the watermark
        for mid in mids:
            batch.statuses.append(_status(str(mid), "delivered", sender, channel_id, event))
        return
    read = event.get("read")
    if isinstance(read, dict):
        watermark = read.get("watermark")
        if not isinstance(watermark, int):
            raise WebhookPayloadError(VENDOR, "read.watermark must be an integer")
        for mid in sent.read_up_to(sender, watermark) if sent is not None else []:
            batch.statuses.append(_status(mid, "read", sender, channel_id, event))
    # reactions, optins, referrals, handovers: nothing RoomKit stores


def _status(
    mid: str, status: str, recipient: str, channel_id: str, event: dict[str, Any]
) -> DeliveryStatus:
    return DeliveryStatus(
        provider=VENDOR,
        message_id=mid,
        status=status,
        recipient=recipient,
        channel_id=channel_id,
        raw=event,
    )


def _message(
    message: dict[str, Any], sender: str, channel_id: str, meta: dict[str, Any]
) -> InboundMessage:
    mid = require_field(VENDOR, message, "mid")
    parts: list[EventContent] = []
    text = message.get("text")
    if isinstance(text, str) and text:
        parts.append(TextContent(body=text))
    attachments = message.get("attachments") or []
    if not isinstance(attachments, list):
        raise WebhookPayloadError(VENDOR, "message.attachments must be a list")
    for item in attachments:
        part = _attachment(item)
        if part is not None:
            parts.append(part)
    if not parts:
        raise WebhookPayloadError(VENDOR, f"message {mid} has neither text nor media")
    extra = dict(meta)
    quick = message.get("quick_reply")
    if isinstance(quick, dict) and quick.get("payload") is not None:
        extra["quick_reply_payload"] = quick["payload"]
    reply_to = message.get("reply_to")
    if isinstance(reply_to, dict) and reply_to.get("mid"):
        extra["reply_to"] = str(reply_to["mid"])
    return InboundMessage(
        channel_id=channel_id,
        sender_id=sender,
        content=parts[0] if len(parts) == 1 else CompositeContent(parts=parts),
        provider_message_id=mid,
        metadata=extra,
    )


def _attachment(item: Any) -> EventContent | None:
    if not isinstance(item, dict):
        raise WebhookPayloadError(VENDOR, "attachments must be objects")
    kind = item.get("type")
    given = item.get("payload")
    payload: dict[str, Any] = given if isinstance(given, dict) else {}
    if kind == "location":
        coords = payload.get("coordinates") or {}
        try:
            return LocationContent(latitude=coords["lat"], longitude=coords["long"])
        except (KeyError, TypeError, ValueError) as exc:
            raise WebhookPayloadError(VENDOR, "location attachment without coordinates") from exc
    url = payload.get("url")
    if kind == "fallback" and isinstance(url, str) and url:
        label = payload.get("title")
        return TextContent(body=f"{label} {url}" if label else url)  # a shared link
    if kind not in ("image", "audio", "video", "file") or not isinstance(url, str) or not url:
        return None  # templates and other attachments without a URL
    mime = guess_mime(url, str(kind))
    if kind == "audio":
        return AudioContent(url=url, mime_type=mime)
    if kind == "video":
        return VideoContent(url=url, mime_type=mime)
    return MediaContent(url=url, mime_type=mime)


def parse_messenger_webhook(
    request_data: Any, channel_id: str = "messenger"
) -> list[InboundMessage]:
    """The messages in a Messenger webhook: its JSON (a dict) or the request meta. No signature
    check: requests from the network go through ``kit.process_webhook``."""
    if isinstance(request_data, Mapping) and "body" in request_data and "url" in request_data:
        request_data = load_json(WebhookRequest.from_meta(request_data).body)
    return parse_payload(request_data, channel_id).messages
