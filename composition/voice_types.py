"""Voice names in the public API, ahead of the voice subsystem."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from pydantic import BaseModel, Field

_current_session: ContextVar[Any] = ContextVar("roomkit_voice_session", default=None)


class SessionStartedEvent(BaseModel):
    """Emitted when a voice session starts."""

    session_id: str
    room_id: str
    channel_id: str
    participant_id: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


def get_current_voice_session() -> Any:
    """The voice session being handled in this task, or None outside a voice session."""
    return _current_session.get()
