"""The SPEC's fallback table: adapt content to what a target channel can carry.

A pure function of (content, target capabilities); ``None`` means the content cannot be
represented and delivery to that target is skipped.
"""

from __future__ import annotations

from roomkit.domain.channel import ChannelCapabilities
from roomkit.domain.content import (
    AudioContent,
    CompositeContent,
    DeleteContent,
    EditContent,
    EventContent,
    LocationContent,
    MediaContent,
    RichContent,
    SystemContent,
    TemplateContent,
    TextContent,
    VideoContent,
)
from roomkit.domain.enums import ChannelMediaType as M

ELLIPSIS = "..."


def transcode(content: EventContent, caps: ChannelCapabilities) -> EventContent | None:
    """Content as the target channel will receive it, with ``max_length`` applied to text."""
    result = _fallback(content, caps)
    if isinstance(result, TextContent) and caps.max_length and len(result.body) > caps.max_length:
        return truncate(result, caps.max_length)
    return result


def truncate(text: TextContent, max_length: int) -> TextContent:
    if max_length <= len(ELLIPSIS):
        return TextContent(body=text.body[:max_length], language=text.language)
    body = text.body[: max_length - len(ELLIPSIS)] + ELLIPSIS
    return TextContent(body=body, language=text.language)


def _fallback(content: EventContent, caps: ChannelCapabilities) -> EventContent | None:
    types = caps.media_types
    match content:
        case TextContent() | SystemContent():
            return content
        case RichContent():
            return (
                content if M.RICH in types else TextContent(body=content.plain_text or content.body)
            )
        case MediaContent():
            if M.MEDIA in types:
                return content
            label = content.caption or content.filename or content.url
            return TextContent(body=f"[Media: {label}]")
        case AudioContent():
            if M.AUDIO in types:
                return content
            return TextContent(body=content.transcript or f"[Voice message: {content.url}]")
        case VideoContent():
            return content if M.VIDEO in types else TextContent(body=f"[Video: {content.url}]")
        case LocationContent():
            if M.LOCATION in types:
                return content
            label = f"{content.label} " if content.label else ""
            return TextContent(body=f"[Location: {label}({content.latitude}, {content.longitude})]")
        case TemplateContent():
            if M.TEMPLATE in types:
                return content
            return TextContent(body=content.body or f"[Template: {content.template_id}]")
        case CompositeContent():
            return _composite(content, caps)
        case EditContent():
            return _edit(content, caps)
        case DeleteContent():
            return content if caps.supports_delete else TextContent(body="[Message deleted]")
    return content  # pragma: no cover - the union is exhaustive


def _composite(content: CompositeContent, caps: ChannelCapabilities) -> EventContent | None:
    parts = [p for p in (_fallback(part, caps) for part in content.parts) if p is not None]
    if not parts:
        return None
    if all(isinstance(p, TextContent) for p in parts):
        return TextContent(body="\n".join(p.body for p in parts if isinstance(p, TextContent)))
    if parts == content.parts:
        return content
    return CompositeContent(parts=parts)


def _edit(content: EditContent, caps: ChannelCapabilities) -> EventContent | None:
    if caps.supports_edit:
        return content
    new = _fallback(content.new_content, caps)
    if new is None:
        return None
    if isinstance(new, TextContent):
        return TextContent(body=f"Correction: {new.body}", language=new.language)
    return CompositeContent(parts=[TextContent(body="Correction:"), new])
