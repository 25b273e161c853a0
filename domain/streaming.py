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


class StreamError(Model):
    """The reply being streamed broke off; no StreamEnd follows for ``stream_id``."""

    type: Literal["stream_error"] = "stream_error"
    stream_id: str
    error: str


StreamMessage = StreamStart | StreamChunk | StreamEnd | StreamError
