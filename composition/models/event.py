"""Events and their content types."""

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
from roomkit.domain.event import EventSource, RoomEvent

__all__ = [
    "AudioContent",
    "CompositeContent",
    "DeleteContent",
    "EditContent",
    "EventContent",
    "EventSource",
    "LocationContent",
    "MediaContent",
    "RichContent",
    "RoomEvent",
    "SystemContent",
    "TemplateContent",
    "TextContent",
    "VideoContent",
]
