"""Turn a room's stored events into the messages an AI provider sees."""

from __future__ import annotations

from roomkit.domain.ai import AIImagePart, AIMessage, AIPart, AITextPart
from roomkit.domain.content import CompositeContent, MediaContent, text_of
from roomkit.domain.enums import EventStatus, EventType
from roomkit.domain.event import RoomEvent

CONVERSATION_TYPES = frozenset({EventType.MESSAGE, EventType.EDIT, EventType.TRANSCRIPTION})


def to_messages(events: list[RoomEvent], own_channel_id: str, vision: bool) -> list[AIMessage]:
    messages: list[AIMessage] = []
    for event in events:
        if event.status is EventStatus.BLOCKED or event.type not in CONVERSATION_TYPES:
            continue
        role = "assistant" if event.source.channel_id == own_channel_id else "user"
        content = _content(event, vision and role == "user")
        if content:
            messages.append(AIMessage(role=role, content=content))
    return messages


def _content(event: RoomEvent, vision: bool) -> str | list[AIPart]:
    content = event.content
    if not vision:
        return text_of(content)
    parts: list[AIPart] = []
    for piece in content.parts if isinstance(content, CompositeContent) else [content]:
        if isinstance(piece, MediaContent) and piece.mime_type.startswith("image/"):
            if piece.caption:
                parts.append(AITextPart(text=piece.caption))
            parts.append(AIImagePart(url=piece.url, mime_type=piece.mime_type))
        else:
            text = text_of(piece)
            if text:
                parts.append(AITextPart(text=text))
    if all(isinstance(p, AITextPart) for p in parts):
        return "\n".join(p.text for p in parts if isinstance(p, AITextPart))
    return parts
