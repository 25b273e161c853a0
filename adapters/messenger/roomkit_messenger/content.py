"""RoomKit content as Send API messages: text (split at 2000 characters), attachments by URL,
button and generic templates from RichContent's buttons and cards, quick replies.

Limits are Messenger's: 3 buttons per template, 10 cards, 13 quick replies, 640 characters of
template text, 20-character button and quick-reply titles. Content over a count limit is
refused with a MessengerContentError naming it rather than cut silently.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from roomkit.domain.content import (
    AudioContent,
    CompositeContent,
    MediaContent,
    RichContent,
    TextContent,
    VideoContent,
    text_of,
)
from roomkit.domain.outbound import split_text

MAX_BUTTONS = 3
MAX_CARDS = 10
MAX_QUICK_REPLIES = 13
MAX_TEMPLATE_TEXT = 640
MAX_TITLE = 20
MAX_CARD_TITLE = 80
MAX_PAYLOAD = 1000


class MessengerContentError(ValueError):
    """Content Messenger cannot carry as given (too many buttons, media not at a URL...)."""


def messages_for(content: object, max_text: int) -> list[dict[str, Any]]:
    """The ``message`` objects of the Send API calls for ``content``, in order."""
    if isinstance(content, TextContent):
        return _texts(content.body, max_text)
    if isinstance(content, RichContent):
        return _rich(content, max_text)
    if isinstance(content, MediaContent):
        caption = _texts(content.caption, max_text) if content.caption else []
        return [*caption, attachment(content.url, content.mime_type)]
    if isinstance(content, AudioContent | VideoContent):
        return [attachment(content.url, content.mime_type)]
    if isinstance(content, CompositeContent):
        return [m for part in content.parts for m in messages_for(part, max_text)]
    return _texts(text_of(content), max_text)


def _texts(text: str, max_text: int) -> list[dict[str, Any]]:
    return [{"text": piece} for piece in split_text(text, max_text)] if text else []


def attachment_type(mime_type: str) -> str:
    kind = mime_type.split("/", 1)[0].lower()
    return kind if kind in ("image", "audio", "video") else "file"


def attachment(url: str, mime_type: str) -> dict[str, Any]:
    if not url.startswith(("https://", "http://")):
        raise MessengerContentError(
            f"Messenger sends media by http(s) URL; {url[:40]!r} is not one (host the file first)"
        )
    return {
        "attachment": {
            "type": attachment_type(mime_type),
            "payload": {"url": url, "is_reusable": True},
        }
    }


def guess_mime(url: str, kind: str) -> str:
    guessed, _ = mimetypes.guess_type(url.split("?", 1)[0])
    if guessed:
        return guessed
    return {"image": "image/jpeg", "audio": "audio/mpeg", "video": "video/mp4"}.get(
        kind, "application/octet-stream"
    )


def title(value: str, limit: int = MAX_TITLE) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def button(spec: dict[str, Any]) -> dict[str, Any]:
    label = str(spec.get("title") or spec.get("text") or spec.get("label") or "")
    if not label:
        raise MessengerContentError(f"a button needs a title (text or label): {spec!r}")
    if spec.get("url"):
        return {"type": "web_url", "url": str(spec["url"]), "title": title(label)}
    phone = spec.get("phone_number") or spec.get("phone")
    if phone:
        return {"type": "phone_number", "title": title(label), "payload": str(phone)}
    payload = str(spec.get("payload") or spec.get("postback_data") or label)
    if len(payload) > MAX_PAYLOAD:
        raise MessengerContentError(f"button payload over {MAX_PAYLOAD} characters: {label!r}")
    return {"type": "postback", "title": title(label), "payload": payload}


def buttons(specs: list[dict[str, Any]], where: str) -> list[dict[str, Any]]:
    if len(specs) > MAX_BUTTONS:
        raise MessengerContentError(
            f"{where} holds at most {MAX_BUTTONS} buttons on Messenger, not {len(specs)} "
            "(use quick_replies for more choices)"
        )
    return [button(spec) for spec in specs]


def card(spec: dict[str, Any]) -> dict[str, Any]:
    heading = str(spec.get("title") or "")
    if not heading:
        raise MessengerContentError(f"a card needs a title: {spec!r}")
    element: dict[str, Any] = {"title": title(heading, MAX_CARD_TITLE)}
    subtitle = spec.get("subtitle") or spec.get("description") or spec.get("text")
    if subtitle:
        element["subtitle"] = title(str(subtitle), MAX_CARD_TITLE)
    image = spec.get("image_url") or spec.get("media_url") or spec.get("image")
    if image:
        element["image_url"] = str(image)
    specs = spec.get("buttons")
    if isinstance(specs, list) and specs:
        element["buttons"] = buttons(specs, "a card")
    return element


def quick_replies(replies: list[str]) -> list[dict[str, Any]]:
    if len(replies) > MAX_QUICK_REPLIES:
        raise MessengerContentError(
            f"Messenger shows at most {MAX_QUICK_REPLIES} quick replies, not {len(replies)}"
        )
    found = []
    for reply in replies:
        if len(reply) > MAX_PAYLOAD:
            raise MessengerContentError(f"quick reply over {MAX_PAYLOAD} characters: {reply!r}")
        found.append({"content_type": "text", "title": title(reply), "payload": reply})
    return found


def _rich(rich: RichContent, max_text: int) -> list[dict[str, Any]]:
    text = rich.plain_text or rich.body
    messages: list[dict[str, Any]] = []
    if rich.cards:
        if len(rich.cards) > MAX_CARDS:
            raise MessengerContentError(
                f"a generic template holds at most {MAX_CARDS} cards, not {len(rich.cards)}"
            )
        messages.extend(_texts(text, max_text))
        if rich.buttons:
            raise MessengerContentError("Messenger puts buttons on cards: move them into a card")
        elements = [card(c) for c in rich.cards]
        messages.append(
            {
                "attachment": {
                    "type": "template",
                    "payload": {"template_type": "generic", "elements": elements},
                }
            }
        )
    elif rich.buttons:
        if not text:
            raise MessengerContentError("a button template needs text above its buttons")
        last = split_text(text, MAX_TEMPLATE_TEXT)[-1]
        messages.extend(_texts(text[: text.rfind(last)].rstrip(), max_text))
        messages.append(
            {
                "attachment": {
                    "type": "template",
                    "payload": {
                        "template_type": "button",
                        "text": last,
                        "buttons": buttons(rich.buttons, "a button template"),
                    },
                }
            }
        )
    else:
        messages.extend(_texts(text, max_text))
    if rich.quick_replies:
        if not messages:
            raise MessengerContentError("quick replies need text to go with")
        messages[-1] = {**messages[-1], "quick_replies": quick_replies(rich.quick_replies)}
    return messages
