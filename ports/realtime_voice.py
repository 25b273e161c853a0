"""Speech-to-speech ports: the model connection and the caller's audio transport.

A ``RealtimeVoiceProvider`` holds one connection per session to a speech-to-speech model
(OpenAI Realtime, Gemini Live, xAI) and reports what happens on it through the ``emit``
callback given to ``connect``. The caller's side is any ``VoiceBackend``; a
``RealtimeAudioTransport`` is one that can also show the caller text (transcripts, errors).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from roomkit.domain.realtime_voice import RealtimeEvent, RealtimeSessionConfig, Role
from roomkit.domain.voice import VoiceSession
from roomkit.ports.voice.backend import VoiceBackend

RealtimeEmit = Callable[[RealtimeEvent], None]


class RealtimeVoiceProvider(ABC):
    """One speech-to-speech model; many concurrent sessions.

    ``emit`` is a plain function: providers call it from their receive loop for every event
    and never wait on the framework. After ``disconnect`` a provider emits nothing more for
    that session; a connection that drops on its own is reported with ``DISCONNECTED``, after
    which ``resume`` is called with the session's history.
    """

    name: str = "realtime"
    #: PCM16 mono rates the model takes and produces
    input_sample_rate: int = 24000
    output_sample_rate: int = 24000

    @abstractmethod
    async def connect(
        self, session: VoiceSession, config: RealtimeSessionConfig, emit: RealtimeEmit
    ) -> None:
        """Open the model connection of ``session`` and configure it; raise if it cannot."""

    @abstractmethod
    async def send_audio(self, session: VoiceSession, audio: bytes) -> None:
        """Stream caller audio (PCM16 mono at ``input_sample_rate``)."""

    @abstractmethod
    async def send_text(
        self, session: VoiceSession, text: str, *, role: Role = "user", respond: bool = True
    ) -> None:
        """Add a text message to the conversation; ``respond`` asks the model to answer."""

    @abstractmethod
    async def send_tool_result(
        self, session: VoiceSession, call_id: str, name: str, result: str
    ) -> None:
        """Return a tool's output; the model continues its response with it."""

    async def cancel_response(self, session: VoiceSession) -> None:
        """Stop the response being generated (client-side barge-in); optional."""

    async def resume(
        self, session: VoiceSession, config: RealtimeSessionConfig, emit: RealtimeEmit
    ) -> None:
        """Reconnect a session whose connection dropped. ``config.history`` holds the
        conversation so far; providers with a server-side resumption handle use it instead."""
        await self.connect(session, config, emit)

    @abstractmethod
    async def disconnect(self, session: VoiceSession) -> None:
        """Close the session's connection; idempotent."""

    def is_connected(self, session: VoiceSession) -> bool:
        return False

    async def close(self) -> None:
        """Close every connection."""


class RealtimeAudioTransport(VoiceBackend):
    """A caller-side transport (browser WebSocket, WebRTC) that can also carry text."""

    async def send_message(self, session: VoiceSession, message: dict[str, Any]) -> None:
        """Send a JSON-able message (a transcript, an error) to the caller's client."""
