"""Voice names of the top-level public API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from roomkit.application.voice.current import get_current_voice_session


class SessionStartedEvent(BaseModel):
    """Emitted when a voice session starts."""

    session_id: str
    room_id: str
    channel_id: str
    participant_id: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


__all__ = ["SessionStartedEvent", "get_current_voice_session"]
