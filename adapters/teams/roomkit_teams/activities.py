"""Outbound activities: text as markdown, media as attachments, RichContent with cards or
buttons as an Adaptive Card, and @mentions (``event.metadata["mentions"]``) as ``<at>``
entities the text refers to."""

from __future__ import annotations

from typing import Any

from roomkit.domain.content import RichContent, TemplateContent
from roomkit.domain.event import RoomEvent
from roomkit.domain.outbound import caption_text, media_urls

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.4"


def activity_for(event: RoomEvent) -> dict[str, Any]:
    """The message activity that carries ``event``; empty ``text`` and no attachments when it
    has nothing Teams can show."""
    content = event.content
    attachments: list[dict[str, Any]] = []
    text_format = "markdown"
    if isinstance(content, RichContent):
        text = content.body
        if content.format == "html":
            text_format = "xml"
        if content.cards or content.buttons or content.quick_replies:
            attachments.append(card_attachment(content))
            text = ""
    elif isinstance(content, TemplateContent):
        text = content.body or ""
    else:
        text = caption_text(content)
    for url, mime in media_urls(content):
        attachments.append({"contentType": mime, "contentUrl": url, **_name_of(content, url)})
    activity: dict[str, Any] = {"type": "message", "text": text, "textFormat": text_format}
    entities = mention_entities(event.metadata.get("mentions"))
    if entities:
        for entity in entities:
            if entity["text"] not in activity["text"]:
                activity["text"] = f"{entity['text']} {activity['text']}".strip()
        activity["entities"] = entities
    if attachments:
        activity["attachments"] = attachments
    return activity


def mention_entities(raw: Any) -> list[dict[str, Any]]:
    """``[{"id": "29:...", "name": "Alice"}, ...]`` as Teams mention entities."""
    entities: list[dict[str, Any]] = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict) or not item.get("id"):
            continue
        name = str(item.get("name") or item["id"])
        entities.append(
            {
                "type": "mention",
                "mentioned": {"id": str(item["id"]), "name": name},
                "text": f"<at>{name}</at>",
            }
        )
    return entities


def card_attachment(content: RichContent) -> dict[str, Any]:
    """An Adaptive Card: an AdaptiveCard dict in ``cards`` goes as is; otherwise the body,
    each card (title, subtitle/text, image_url) and the buttons and quick replies."""
    for card in content.cards:
        if card.get("type") == "AdaptiveCard":
            return {"contentType": ADAPTIVE_CARD, "content": card}
    body: list[dict[str, Any]] = []
    if content.body:
        body.append({"type": "TextBlock", "text": content.plain_text or content.body, "wrap": True})
    actions: list[dict[str, Any]] = []
    for card in content.cards:
        if card.get("title"):
            body.append(
                {"type": "TextBlock", "text": str(card["title"]), "weight": "Bolder", "wrap": True}
            )
        for key in ("subtitle", "text", "description"):
            if card.get(key):
                body.append({"type": "TextBlock", "text": str(card[key]), "wrap": True})
        image = card.get("image_url") or card.get("image")
        if isinstance(image, str):
            body.append({"type": "Image", "url": image})
        actions.extend(_action(b) for b in card.get("buttons") or [] if isinstance(b, dict))
    actions.extend(_action(b) for b in content.buttons)
    actions.extend(_action({"title": r}) for r in content.quick_replies)
    card_json: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
    }
    if actions:
        card_json["actions"] = actions
    return {"contentType": ADAPTIVE_CARD, "content": card_json}


def _action(button: dict[str, Any]) -> dict[str, Any]:
    title = str(button.get("title") or button.get("text") or button.get("label") or "OK")
    url = button.get("url")
    if isinstance(url, str) and url:
        return {"type": "Action.OpenUrl", "title": title, "url": url}
    payload = button.get("payload", button.get("value", title))
    return {"type": "Action.Submit", "title": title, "data": {"value": payload}}


def _name_of(content: Any, url: str) -> dict[str, str]:
    filename = getattr(content, "filename", None)
    if filename:
        return {"name": str(filename)}
    for part in getattr(content, "parts", []) or []:
        if getattr(part, "url", None) == url and getattr(part, "filename", None):
            return {"name": str(part.filename)}
    return {}
