"""MockVoiceBackend: an in-memory voice transport that records what it was asked to do."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from roomkit.domain.voice import (
    AudioFrame,
    DTMFEvent,
    VoiceCapability,
    VoiceSession,
    VoiceSessionState,
)
from roomkit.plugins.hookspecs import Register
from roomkit.plugins.markers import hookimpl
from roomkit.ports.voice import AudioCallback, DTMFCallback, SessionCallback, VoiceBackend


@dataclass(frozen=True, slots=True)
class MockBackendCall:
    method: str
    args: dict[str, Any] = field(default_factory=dict)


class MockVoiceBackend(VoiceBackend):
    """Feed audio in with ``simulate_audio_received``; read what was played in ``sent_audio``.

    ``simulate_audio_received(None, frame)`` goes to the only open session, if there is exactly
    one (tests of a single call need not hold the session). ``playback_delay`` makes every sent
    frame take that many seconds, like a real-time transport, so barge-in can be tested.
    """

    name = "mock"

    def __init__(
        self,
        capabilities: VoiceCapability = VoiceCapability.NONE,
        *,
        playback_delay: float = 0.0,
    ) -> None:
        self._capabilities = capabilities
        self.playback_delay = playback_delay
        self.sessions: dict[str, VoiceSession] = {}
        self.calls: list[MockBackendCall] = []
        self.sent_audio: list[tuple[VoiceSession, AudioFrame]] = []
        self.sent_dtmf: list[tuple[VoiceSession, str, int]] = []
        self.unrouted_frames = 0
        self.closed = False
        self._audio_callbacks: list[AudioCallback] = []
        self._lost_callbacks: list[SessionCallback] = []
        self._dtmf_callbacks: list[DTMFCallback] = []

    @property
    def capabilities(self) -> VoiceCapability:
        return self._capabilities

    async def connect(
        self,
        room_id: str,
        participant_id: str,
        channel_id: str,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> VoiceSession:
        session = VoiceSession(
            room_id=room_id,
            participant_id=participant_id,
            channel_id=channel_id,
            metadata=dict(metadata or {}),
        )
        self.sessions[session.id] = session
        self.calls.append(MockBackendCall("connect", {"session_id": session.id}))
        return session

    async def disconnect(self, session: VoiceSession) -> None:
        self.calls.append(MockBackendCall("disconnect", {"session_id": session.id}))
        self.sessions.pop(session.id, None)

    def on_audio_received(self, callback: AudioCallback) -> None:
        self._audio_callbacks.append(callback)

    def on_session_lost(self, callback: SessionCallback) -> None:
        self._lost_callbacks.append(callback)

    def on_dtmf_received(self, callback: DTMFCallback) -> None:
        self._dtmf_callbacks.append(callback)

    async def send_audio(self, session: VoiceSession, frame: AudioFrame) -> None:
        if self.playback_delay:
            await asyncio.sleep(self.playback_delay)
        self.sent_audio.append((session, frame))

    async def cancel_audio(self, session: VoiceSession) -> bool:
        self.calls.append(MockBackendCall("cancel_audio", {"session_id": session.id}))
        return True

    async def send_dtmf(self, session: VoiceSession, digit: str, duration_ms: int = 160) -> None:
        self.calls.append(MockBackendCall("send_dtmf", {"session_id": session.id, "digit": digit}))
        self.sent_dtmf.append((session, digit, duration_ms))

    async def close(self) -> None:
        self.closed = True

    # test helpers ------------------------------------------------------------------------
    def simulate_audio_received(self, session: VoiceSession | None, frame: AudioFrame) -> None:
        """Deliver ``frame`` as if the participant of ``session`` had said it."""
        if session is None:
            if len(self.sessions) != 1:
                self.unrouted_frames += 1
                return
            session = next(iter(self.sessions.values()))
        for callback in self._audio_callbacks:
            callback(session, frame)

    def simulate_dtmf_received(
        self, session: VoiceSession, digit: str, duration_ms: int = 100
    ) -> None:
        """A digit signalled out of band (as RFC 4733 or a vendor's DTMF message would)."""
        event = DTMFEvent(digit=digit, duration_ms=duration_ms)
        for callback in self._dtmf_callbacks:
            callback(session, event)

    def simulate_session_lost(self, session: VoiceSession) -> None:
        """The participant hangs up or the network drops."""
        self.sessions.pop(session.id, None)
        ended = session.model_copy(update={"state": VoiceSessionState.ENDED})
        for callback in self._lost_callbacks:
            callback(ended)

    def frames_sent_to(self, session: VoiceSession) -> list[AudioFrame]:
        return [f for s, f in self.sent_audio if s.id == session.id]


@hookimpl
def roomkit_register_voice_backends(register: Register) -> None:
    register(
        name="mock",
        factory=lambda _settings: MockVoiceBackend(),
        description="scripted VoiceBackend for tests",
    )
