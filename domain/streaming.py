"""Messages sent to streaming-capable connections while an AI reply is generated."""

from __future__ import annotations

from typing import Literal

from roomkit.domain.base import Model
from roomkit.domain.event import RoomEvent


class StreamStart(Model):
    type: Literal["stream_start"] = "stream_start"
    stream_id: str
    room_id: str
    channel_id: str


class StreamChunk(Model):
    type: Literal["stream_chunk"] = "stream_chunk"
    stream_id: str
    delta: str
    index: int


class StreamEnd(Model):
    type: Literal["stream_end"] = "stream_end"
    stream_id: str
    text: str
    event: RoomEvent | None = None


StreamMessage = StreamStart | StreamChunk | StreamEnd
