"""Telegram Updates as RoomKit messages, for webhooks and getUpdates alike: ``message`` and
``channel_post`` (text, captions, photos, documents, audio, voice, video, stickers, places),
``edited_message`` as an EditContent, ``callback_query`` (an inline button pressed) as the
button's payload. Media arrive as Telegram file ids (``telegram-file:<file_id>`` URLs).

Message ids are only unique within a chat, so a provider message id is ``"<chat>:<message>"``.
Updates RoomKit does not store (member changes, polls, service messages) read as nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from roomkit.domain.content import (
    AudioContent,
    CompositeContent,
    EditContent,
    EventContent,
    LocationContent,
    MediaContent,
    TextContent,
    VideoContent,
)
from roomkit.domain.errors import WebhookPayloadError
from roomkit.domain.inbound import InboundMessage
from roomkit.domain.webhook import WebhookBatch, WebhookRequest, require_field
from roomkit_telegram.content import FILE_SCHEME

VENDOR = "telegram"


def load_update(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise WebhookPayloadError(VENDOR, f"body is not JSON ({exc})") from exc


def update_id(update: Any) -> int:
    if not isinstance(update, dict):
        raise WebhookPayloadError(VENDOR, "an Update must be a JSON object")
    value = update.get("update_id")
    if not isinstance(value, int) or isinstance(value, bool):
        raise WebhookPayloadError(VENDOR, "field 'update_id' must be an integer")
    return value


def parse_update(update: Any, channel_id: str) -> WebhookBatch:
    """The messages of one Update (at most one)."""
    uid = update_id(update)
    for kind in ("message", "channel_post"):
        if kind in update:
            message = _message(_object(update, kind), channel_id, uid, edited=False)
            return WebhookBatch(messages=[message] if message else [])
    for kind in ("edited_message", "edited_channel_post"):
        if kind in update:
            message = _message(_object(update, kind), channel_id, uid, edited=True)
            return WebhookBatch(messages=[message] if message else [])
    if "callback_query" in update:
        message = _callback(_object(update, "callback_query"), channel_id, uid)
        return WebhookBatch(messages=[message] if message else [])
    return WebhookBatch()


def _object(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise WebhookPayloadError(VENDOR, f"field {key!r} must be an object")
    return value


def _id_of(data: dict[str, Any], key: str) -> str:
    return require_field(VENDOR, _object(data, key), "id")


def _sender(message: dict[str, Any], chat: dict[str, Any]) -> str:
    if isinstance(message.get("from"), dict):
        return _id_of(message, "from")
    if isinstance(message.get("sender_chat"), dict):
        return _id_of(message, "sender_chat")
    if chat.get("type") == "channel":
        return require_field(VENDOR, chat, "id")
    raise WebhookPayloadError(VENDOR, "field 'from' is missing")


def _message(
    message: dict[str, Any], channel_id: str, uid: int, *, edited: bool
) -> InboundMessage | None:
    chat = _object(message, "chat")
    chat_id = require_field(VENDOR, chat, "id")
    sender = _sender(message, chat)
    message_id = require_field(VENDOR, message, "message_id")
    content = message_content(message)
    if content is None:
        return None  # a service message (members joined, pinned...) or a kind not stored
    own_id = f"{chat_id}:{message_id}"
    metadata: dict[str, Any] = {
        "provider": VENDOR,
        "update_id": uid,
        "chat_id": chat_id,
        "chat_type": chat.get("type"),
        "message_id": message_id,
    }
    who = message.get("from")
    if isinstance(who, dict) and who.get("username"):
        metadata["username"] = str(who["username"])
    reply = message.get("reply_to_message")
    if isinstance(reply, dict) and reply.get("message_id") is not None:
        metadata["reply_to"] = f"{chat_id}:{reply['message_id']}"
    provider_id = own_id
    if edited:
        stamp = message.get("edit_date", uid)
        provider_id = f"{own_id}:edit:{stamp}"
        metadata["edited_provider_message_id"] = own_id
        content = EditContent(target_event_id=own_id, new_content=content, edit_source=VENDOR)
    thread = message.get("message_thread_id")
    return InboundMessage(
        channel_id=channel_id,
        sender_id=sender,
        content=content,
        provider_message_id=provider_id,
        thread_id=str(thread) if thread is not None else None,
        metadata=metadata,
    )


def _file_url(item: dict[str, Any]) -> str:
    return FILE_SCHEME + require_field(VENDOR, item, "file_id")


def message_content(message: dict[str, Any]) -> EventContent | None:
    text = message.get("text")
    caption = message.get("caption") if isinstance(message.get("caption"), str) else None
    media = _media(message, caption)
    if isinstance(text, str) and text:
        return TextContent(body=text)
    if media is None:
        return TextContent(body=caption) if caption else None
    if caption and isinstance(media, AudioContent | VideoContent):
        return CompositeContent(parts=[TextContent(body=caption), media])
    return media


def _media(message: dict[str, Any], caption: str | None) -> EventContent | None:
    photo = message.get("photo")
    if isinstance(photo, list) and photo:
        largest = photo[-1] if isinstance(photo[-1], dict) else {}
        return MediaContent(
            url=_file_url(largest),
            mime_type="image/jpeg",
            size_bytes=largest.get("file_size"),
            caption=caption,
        )
    for key, fallback in (
        ("animation", "video/mp4"),
        ("video", "video/mp4"),
        ("video_note", "video/mp4"),
    ):
        item = message.get(key)
        if isinstance(item, dict):
            return VideoContent(
                url=_file_url(item),
                mime_type=str(item.get("mime_type") or fallback),
                duration_seconds=item.get("duration"),
            )
    for key, fallback in (("voice", "audio/ogg"), ("audio", "audio/mpeg")):
        item = message.get(key)
        if isinstance(item, dict):
            return AudioContent(
                url=_file_url(item),
                mime_type=str(item.get("mime_type") or fallback),
                duration_seconds=item.get("duration"),
            )
    document = message.get("document")
    if isinstance(document, dict):
        return MediaContent(
            url=_file_url(document),
            mime_type=str(document.get("mime_type") or "application/octet-stream"),
            filename=document.get("file_name"),
            size_bytes=document.get("file_size"),
            caption=caption,
        )
    sticker = message.get("sticker")
    if isinstance(sticker, dict):
        mime = "video/webm" if sticker.get("is_video") else "image/webp"
        if sticker.get("is_animated"):
            mime = "application/x-tgsticker"
        return MediaContent(url=_file_url(sticker), mime_type=mime, caption=sticker.get("emoji"))
    venue = message.get("venue")
    if isinstance(venue, dict):
        place = _object(venue, "location")
        return _location(place, venue.get("title"), venue.get("address"))
    location = message.get("location")
    if isinstance(location, dict):
        return _location(location, None, None)
    contact = message.get("contact")
    if isinstance(contact, dict) and contact.get("phone_number"):
        name = " ".join(str(contact[k]) for k in ("first_name", "last_name") if contact.get(k))
        return TextContent(body=f"[Contact: {name} {contact['phone_number']}]".replace("  ", " "))
    return None


def _location(place: dict[str, Any], label: Any, address: Any) -> LocationContent:
    try:
        return LocationContent(
            latitude=place["latitude"],
            longitude=place["longitude"],
            label=str(label) if label else None,
            address=str(address) if address else None,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise WebhookPayloadError(VENDOR, "a location needs latitude and longitude") from exc


def _callback(query: dict[str, Any], channel_id: str, uid: int) -> InboundMessage | None:
    query_id = require_field(VENDOR, query, "id")
    sender = _id_of(query, "from")
    data = query.get("data")
    if not isinstance(data, str) or not data:
        return None  # a game button: no payload to store
    metadata: dict[str, Any] = {
        "provider": VENDOR,
        "update_id": uid,
        "callback_query_id": query_id,
        "callback_data": data,
    }
    message = query.get("message")
    if isinstance(message, dict) and isinstance(message.get("chat"), dict):
        chat_id = str(message["chat"].get("id"))
        metadata["chat_id"] = chat_id
        metadata["reply_to"] = f"{chat_id}:{message.get('message_id')}"
    return InboundMessage(
        channel_id=channel_id,
        sender_id=sender,
        content=TextContent(body=data),
        provider_message_id=f"callback:{query_id}",
        metadata=metadata,
    )


def parse_telegram_webhook(request_data: Any, channel_id: str = "telegram") -> list[InboundMessage]:
    """The messages in a Telegram Update: its JSON (a dict) or the request meta. No secret
    check: requests from the network go through ``kit.process_webhook``."""
    if isinstance(request_data, Mapping) and "body" in request_data and "url" in request_data:
        request_data = load_update(WebhookRequest.from_meta(request_data).body)
    return parse_update(request_data, channel_id).messages
