"""Turn a room's stored events into the messages an AI provider sees.

Stored events never change, so each event's message is built once and cached: a turn over a
long history costs a dictionary lookup per event, not a model construction.
"""

from __future__ import annotations

from roomkit.domain.ai import AIImagePart, AIMessage, AIPart, AITextPart
from roomkit.domain.base import assemble
from roomkit.domain.content import CompositeContent, EventContent, MediaContent, text_of
from roomkit.domain.enums import EventStatus, EventType
from roomkit.domain.event import RoomEvent

CONVERSATION_TYPES = frozenset(
    {EventType.MESSAGE, EventType.EDIT, EventType.TRANSCRIPTION, EventType.SYSTEM}
)


class HistoryBuilder:
    def __init__(self, own_channel_id: str, max_cached: int = 10_000) -> None:
        self._own = own_channel_id
        self._cache: dict[tuple[str, bool], AIMessage | None] = {}
        self._max = max_cached

    def messages(self, events: list[RoomEvent], vision: bool) -> list[AIMessage]:
        out: list[AIMessage] = []
        cache = self._cache
        for event in events:
            key = (event.id, vision)
            if event.stored_at is not None and key in cache:
                message = cache[key]
            else:
                message = self._message(event, vision)
                if event.stored_at is not None:  # only stored events are final
                    if len(cache) >= self._max:
                        del cache[next(iter(cache))]
                    cache[key] = message
            if message is not None:
                out.append(message)
        return out

    def _message(self, event: RoomEvent, vision: bool) -> AIMessage | None:
        if event.status is EventStatus.BLOCKED or event.type not in CONVERSATION_TYPES:
            return None
        if event.type is EventType.SYSTEM:
            role = "system"  # notices such as a handoff, which the next agent should see
        else:
            role = "assistant" if event.source.channel_id == self._own else "user"
        content = _content(event.content, vision and role == "user")
        if not content:
            return None
        return assemble(AIMessage, role=role, content=content)


def to_messages(events: list[RoomEvent], own_channel_id: str, vision: bool) -> list[AIMessage]:
    """The messages for ``events`` without caching (one-off conversions)."""
    return HistoryBuilder(own_channel_id, max_cached=0).messages(events, vision)


def _has_image(content: EventContent) -> bool:
    if isinstance(content, MediaContent):
        return content.mime_type.startswith("image/")
    if isinstance(content, CompositeContent):
        return any(_has_image(part) for part in content.parts)
    return False


def _content(content: EventContent, vision: bool) -> str | list[AIPart]:
    if not vision or not _has_image(content):
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
    return parts
