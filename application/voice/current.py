"""The voice session a task is working for: set in a session's tasks, so hooks, the AI turn and
tools started from a caller's utterance can tell which call they serve."""

from __future__ import annotations

from contextvars import ContextVar

from roomkit.domain.voice import VoiceSession

current_voice_session: ContextVar[VoiceSession | None] = ContextVar(
    "roomkit_voice_session", default=None
)


def get_current_voice_session() -> VoiceSession | None:
    """The voice session being handled in this task, or None outside a voice session."""
    return current_voice_session.get()
