"""VoiceBackend: moves audio between the framework and a participant; detects nothing itself."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from roomkit.domain.voice import AudioFrame, VoiceCapability, VoiceSession

AudioCallback = Callable[[VoiceSession, AudioFrame], None]
SessionCallback = Callable[[VoiceSession], None]


class VoiceBackend(ABC):
    """An audio transport (SIP, RTP, WebRTC, a local sound card, ...).

    Inbound audio is pushed to the callbacks given to ``on_audio_received``; these are plain
    functions called once per frame, so a backend never waits on the framework; call them on the
    event loop's thread (a backend reading audio on a thread of its own hands frames over with
    ``loop.call_soon_threadsafe``). A backend that loses a participant calls the
    ``on_session_lost`` callbacks.
    """

    name: str = "backend"

    @property
    def capabilities(self) -> VoiceCapability:
        return VoiceCapability.NONE

    @abstractmethod
    async def connect(
        self,
        room_id: str,
        participant_id: str,
        channel_id: str,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> VoiceSession:
        """Open a session for ``participant_id``."""

    @abstractmethod
    async def disconnect(self, session: VoiceSession) -> None:
        """Close a session; idempotent."""

    @abstractmethod
    def on_audio_received(self, callback: AudioCallback) -> None:
        """Register a function called with every inbound frame."""

    def on_session_lost(self, callback: SessionCallback) -> None:
        """Register a function called when the participant drops; optional for backends."""

    @abstractmethod
    async def send_audio(self, session: VoiceSession, frame: AudioFrame) -> None:
        """Play one frame to the participant."""

    async def cancel_audio(self, session: VoiceSession) -> bool:
        """Stop what is playing (barge-in); True if something was cut."""
        return False

    async def send_dtmf(self, session: VoiceSession, digit: str, duration_ms: int = 160) -> None:
        """Send a keypad tone; backends with DTMF_SIGNALING override this."""
        raise NotImplementedError(f"{self.name} cannot send DTMF tones")

    async def close(self) -> None:
        """Release the transport."""
