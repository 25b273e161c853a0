"""RoomKit content as Cloud API message objects (the part of ``POST /{phone}/messages`` after
``messaging_product`` and ``to``). Pure: no I/O, so every mapping is checked without a server.

Text goes as ``text`` (split at 4096 characters); media by link as ``image``, ``video``,
``audio`` or ``document`` (picked from the MIME type); ``LocationContent`` as ``location``;
``TemplateContent`` as ``template``; ``RichContent`` with buttons or quick replies as
``interactive`` reply buttons (up to 3), a list (up to 10 rows) or a ``cta_url`` button.
"""

from __future__ import annotations

from typing import Any

from roomkit.domain.content import (
    AudioContent,
    CompositeContent,
    LocationContent,
    MediaContent,
    RichContent,
    TemplateContent,
    VideoContent,
    text_of,
)
from roomkit.domain.outbound import split_text

MAX_CAPTION = 1024
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_ROWS = 10
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_INTERACTIVE_BODY = 1024
MAX_REPLY_ID = 256
DEFAULT_LIST_BUTTON = "Options"


class UnsendableContent(ValueError):
    """The content cannot be expressed as Cloud API messages (the reason names the limit)."""


def is_template(message: dict[str, Any]) -> bool:
    return message.get("type") == "template"


def messages_for(content: object, max_text: int = 4096) -> list[dict[str, Any]]:
    """The Cloud API messages ``content`` becomes, in order. Raises UnsendableContent."""
    if isinstance(content, CompositeContent):
        return _composite(content, max_text)
    return _single(content, max_text)


def _single(content: object, max_text: int) -> list[dict[str, Any]]:
    if isinstance(content, TemplateContent):
        return [template_message(content)]
    if isinstance(content, MediaContent | AudioContent | VideoContent):
        return [media_message(content)]
    if isinstance(content, LocationContent):
        location: dict[str, Any] = {"latitude": content.latitude, "longitude": content.longitude}
        if content.label:
            location["name"] = content.label
        if content.address:
            location["address"] = content.address
        return [{"type": "location", "location": location}]
    if isinstance(content, RichContent) and (content.buttons or content.quick_replies):
        return [interactive_message(content)]
    return text_messages(text_of(content), max_text)


def text_messages(text: str, max_text: int) -> list[dict[str, Any]]:
    if not text.strip():
        return []
    return [
        {"type": "text", "text": {"body": piece, "preview_url": "http" in piece}}
        for piece in split_text(text, max_text)
    ]


def _composite(content: CompositeContent, max_text: int) -> list[dict[str, Any]]:
    """Parts in order; text right before a captionable media without a caption becomes it."""
    out: list[dict[str, Any]] = []
    pending: list[str] = []
    for part in content.parts:
        if isinstance(part, CompositeContent):
            out.extend(text_messages("\n".join(pending), max_text))
            pending = []
            out.extend(_composite(part, max_text))
            continue
        messages = _single(part, max_text)
        if messages and all(m["type"] == "text" for m in messages):
            pending.append(text_of(part))
            continue
        if len(messages) == 1 and pending:
            body = messages[0].get(messages[0]["type"])
            joined = "\n".join(pending)
            if (
                isinstance(body, dict)
                and messages[0]["type"] in ("image", "video", "document")
                and "caption" not in body
                and len(joined) <= MAX_CAPTION
            ):
                body["caption"] = joined
                pending = []
        out.extend(text_messages("\n".join(pending), max_text))
        pending = []
        out.extend(messages)
    out.extend(text_messages("\n".join(pending), max_text))
    return out


def media_kind(mime_type: str) -> str:
    major = mime_type.split("/", 1)[0].lower()
    return {"image": "image", "video": "video", "audio": "audio"}.get(major, "document")


def media_message(content: MediaContent | AudioContent | VideoContent) -> dict[str, Any]:
    if isinstance(content, AudioContent):
        return {"type": "audio", "audio": {"link": content.url}}
    if isinstance(content, VideoContent):
        return {"type": "video", "video": {"link": content.url}}
    kind = media_kind(content.mime_type)
    body: dict[str, Any] = {"link": content.url}
    if content.caption and kind != "audio":
        if len(content.caption) > MAX_CAPTION:
            raise UnsendableContent(f"a media caption is at most {MAX_CAPTION} characters")
        body["caption"] = content.caption
    if kind == "document" and content.filename:
        body["filename"] = content.filename
    return {"type": kind, kind: body}


def template_message(content: TemplateContent) -> dict[str, Any]:
    """``parameters["components"]`` (a list) goes as is; otherwise numbered keys ("1", "2")
    are the body's positional parameters and other keys its named parameters."""
    template: dict[str, Any] = {"name": content.template_id, "language": {"code": content.language}}
    params = dict(content.parameters)
    components = params.pop("components", None)
    if components is not None:
        if not isinstance(components, list):
            raise UnsendableContent("TemplateContent.parameters['components'] must be a list")
        template["components"] = components
    elif params:
        numbered = sorted((k for k in params if str(k).isdigit()), key=int)
        named = [k for k in params if not str(k).isdigit()]
        values = [_text_parameter(params[k]) for k in numbered]
        values += [{**_text_parameter(params[k]), "parameter_name": k} for k in named]
        template["components"] = [{"type": "body", "parameters": values}]
    return {"type": "template", "template": template}


def _text_parameter(value: Any) -> dict[str, Any]:
    if isinstance(value, dict) and "type" in value:
        return dict(value)  # a currency, date_time or media parameter, given in Meta's shape
    return {"type": "text", "text": str(value)}


def _choices(rich: RichContent) -> list[dict[str, str]]:
    """(id, title, description, section, url) of every button and quick reply."""
    found: list[dict[str, str]] = []
    for button in rich.buttons:
        title = str(button.get("text") or button.get("title") or button.get("label") or "")
        if not title:
            raise UnsendableContent("a RichContent button needs 'text' (or 'title')")
        choice = {
            "id": str(button.get("payload") or button.get("id") or title),
            "title": title,
        }
        for key in ("description", "section", "url"):
            if button.get(key):
                choice[key] = str(button[key])
        found.append(choice)
    found.extend({"id": reply, "title": reply} for reply in rich.quick_replies)
    return found


def interactive_message(rich: RichContent) -> dict[str, Any]:
    body = rich.plain_text or rich.body
    if not body.strip():
        raise UnsendableContent("interactive messages need body text")
    if len(body) > MAX_INTERACTIVE_BODY:
        raise UnsendableContent(f"interactive body text is at most {MAX_INTERACTIVE_BODY} chars")
    choices = _choices(rich)
    for choice in choices:
        if len(choice["id"]) > MAX_REPLY_ID:
            raise UnsendableContent(f"a reply id is at most {MAX_REPLY_ID} characters")
    links = [c for c in choices if "url" in c]
    if links:
        if len(choices) != 1:
            raise UnsendableContent("a URL button must be the message's only button")
        return _cta_url(body, links[0])
    listed = len(choices) > MAX_BUTTONS or any(
        "description" in c or "section" in c or len(c["title"]) > MAX_BUTTON_TITLE for c in choices
    )
    if not listed:
        buttons = [
            {"type": "reply", "reply": {"id": c["id"], "title": c["title"]}} for c in choices
        ]
        return {
            "type": "interactive",
            "interactive": {
                "type": "button",
                "body": {"text": body},
                "action": {"buttons": buttons},
            },
        }
    return _list(body, choices)


def _cta_url(body: str, link: dict[str, str]) -> dict[str, Any]:
    if len(link["title"]) > MAX_BUTTON_TITLE:
        raise UnsendableContent(f"a URL button's text is at most {MAX_BUTTON_TITLE} characters")
    return {
        "type": "interactive",
        "interactive": {
            "type": "cta_url",
            "body": {"text": body},
            "action": {
                "name": "cta_url",
                "parameters": {"display_text": link["title"], "url": link["url"]},
            },
        },
    }


def _list(body: str, choices: list[dict[str, str]]) -> dict[str, Any]:
    if len(choices) > MAX_ROWS:
        raise UnsendableContent(f"a list message holds at most {MAX_ROWS} choices")
    sections: dict[str, list[dict[str, str]]] = {}
    for choice in choices:
        if len(choice["title"]) > MAX_ROW_TITLE:
            raise UnsendableContent(f"a list row title is at most {MAX_ROW_TITLE} characters")
        row = {"id": choice["id"], "title": choice["title"]}
        if "description" in choice:
            row["description"] = choice["description"][:MAX_ROW_DESCRIPTION]
        sections.setdefault(choice.get("section", ""), []).append(row)
    built = []
    for title, rows in sections.items():
        section: dict[str, Any] = {"rows": rows}
        if title or len(sections) > 1:
            section["title"] = (title or "More")[:MAX_ROW_TITLE]
        built.append(section)
    return {
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": body},
            "action": {"button": DEFAULT_LIST_BUTTON, "sections": built},
        },
    }
