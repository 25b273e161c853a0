"""MockRealtimeProvider and MockRealtimeTransport: scripted speech-to-speech for tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from roomkit.domain.base import new_id
from roomkit.domain.realtime_voice import (
    RealtimeEvent,
    RealtimeEventType,
    RealtimeSessionConfig,
    Role,
)
from roomkit.domain.voice import AudioFrame, VoiceSession, VoiceSessionState
from roomkit.plugins.hookspecs import Register
from roomkit.plugins.markers import hookimpl
from roomkit.ports.realtime_voice import RealtimeAudioTransport, RealtimeEmit, RealtimeVoiceProvider
from roomkit.ports.voice import AudioCallback, SessionCallback


@dataclass(frozen=True, slots=True)
class MockToolCall:
    """A scripted answer that calls a tool instead of speaking."""

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MockRealtimeCall:
    method: str
    session_id: str
    args: dict[str, Any] = field(default_factory=dict)


class MockRealtimeProvider(RealtimeVoiceProvider):
    """A model that says what it is told to.

    ``responses`` are spoken in order whenever the model is asked to answer (a text message
    with ``respond=True`` or a tool result): a transcript and ``audio_chunks`` chunks of silence;
    a ``MockToolCall`` in the list calls that tool instead.
    Tests drive everything else with the ``simulate_*`` methods; ``calls``, ``audio`` and
    ``configs`` keep what the provider was given.
    """

    name = "mock"

    def __init__(
        self,
        responses: list[str | MockToolCall] | None = None,
        *,
        input_sample_rate: int = 24000,
        output_sample_rate: int = 24000,
        audio_chunks: int = 2,
        fail_connect: Exception | None = None,
    ) -> None:
        self.responses = list(responses or [])
        self.input_sample_rate = input_sample_rate
        self.output_sample_rate = output_sample_rate
        self.audio_chunks = audio_chunks
        self.fail_connect = fail_connect
        self.calls: list[MockRealtimeCall] = []
        self.audio: dict[str, bytearray] = {}
        self.configs: dict[str, list[RealtimeSessionConfig]] = {}
        self.closed = False
        self._emits: dict[str, RealtimeEmit] = {}
        self.connected = asyncio.Event()

    # the port ----------------------------------------------------------------------------
    async def connect(
        self, session: VoiceSession, config: RealtimeSessionConfig, emit: RealtimeEmit
    ) -> None:
        self.calls.append(MockRealtimeCall("connect", session.id))
        if self.fail_connect is not None:
            raise self.fail_connect
        self._emits[session.id] = emit
        self.configs.setdefault(session.id, []).append(config)
        self.audio.setdefault(session.id, bytearray())
        self.connected.set()

    async def resume(
        self, session: VoiceSession, config: RealtimeSessionConfig, emit: RealtimeEmit
    ) -> None:
        self.calls.append(MockRealtimeCall("resume", session.id))
        await self.connect(session, config, emit)

    async def send_audio(self, session: VoiceSession, audio: bytes) -> None:
        self._require(session)
        self.audio[session.id] += audio

    async def send_text(
        self, session: VoiceSession, text: str, *, role: Role = "user", respond: bool = True
    ) -> None:
        self._require(session)
        self.calls.append(MockRealtimeCall("send_text", session.id, {"text": text, "role": role}))
        if respond:
            self._respond(session)

    async def send_tool_result(
        self, session: VoiceSession, call_id: str, name: str, result: str
    ) -> None:
        self._require(session)
        self.calls.append(
            MockRealtimeCall(
                "send_tool_result", session.id, {"call_id": call_id, "name": name, "result": result}
            )
        )
        self._respond(session)

    async def cancel_response(self, session: VoiceSession) -> None:
        self.calls.append(MockRealtimeCall("cancel_response", session.id))

    async def disconnect(self, session: VoiceSession) -> None:
        if self._emits.pop(session.id, None) is not None:
            self.calls.append(MockRealtimeCall("disconnect", session.id))

    def is_connected(self, session: VoiceSession) -> bool:
        return session.id in self._emits

    async def close(self) -> None:
        self._emits.clear()
        self.closed = True

    def _require(self, session: VoiceSession) -> None:
        if session.id not in self._emits:
            raise ConnectionError(f"mock realtime session {session.id} is not connected")

    def _respond(self, session: VoiceSession) -> None:
        if not self.responses:
            return
        answer = self.responses.pop(0)
        if isinstance(answer, MockToolCall):
            self.simulate_tool_call(session, answer.name, answer.arguments)
        else:
            self.simulate_response(session, answer)

    # scripting ---------------------------------------------------------------------------
    def emit(self, session: VoiceSession, event: RealtimeEvent) -> None:
        emit = self._emits.get(session.id)
        if emit is None:
            raise ConnectionError(f"mock realtime session {session.id} is not connected")
        emit(event)

    def simulate_audio(self, session: VoiceSession, audio: bytes, response_id: str = "") -> None:
        self.emit(
            session, RealtimeEvent(RealtimeEventType.AUDIO, audio=audio, response_id=response_id)
        )

    def simulate_transcript(
        self, session: VoiceSession, text: str, *, role: Role = "assistant", final: bool = True
    ) -> None:
        self.emit(
            session, RealtimeEvent(RealtimeEventType.TRANSCRIPT, role=role, text=text, final=final)
        )

    def simulate_speech_started(self, session: VoiceSession) -> None:
        self.emit(session, RealtimeEvent(RealtimeEventType.SPEECH_STARTED))

    def simulate_speech_stopped(self, session: VoiceSession) -> None:
        self.emit(session, RealtimeEvent(RealtimeEventType.SPEECH_STOPPED))

    def simulate_tool_call(
        self,
        session: VoiceSession,
        name: str,
        arguments: dict[str, Any] | None = None,
        call_id: str | None = None,
    ) -> None:
        self.emit(
            session,
            RealtimeEvent(
                RealtimeEventType.TOOL_CALL,
                call_id=call_id or new_id(),
                name=name,
                arguments=dict(arguments or {}),
            ),
        )

    def simulate_response(
        self, session: VoiceSession, text: str, *, audio_chunks: int | None = None
    ) -> str:
        """A whole spoken answer: started, audio chunks, the transcript, done."""
        response_id = new_id()
        chunk = b"\x00\x00" * (self.output_sample_rate // 50)  # 20 ms
        self.emit(
            session, RealtimeEvent(RealtimeEventType.RESPONSE_STARTED, response_id=response_id)
        )
        for _ in range(self.audio_chunks if audio_chunks is None else audio_chunks):
            self.simulate_audio(session, chunk, response_id)
        self.simulate_transcript(session, text)
        self.emit(session, RealtimeEvent(RealtimeEventType.RESPONSE_DONE, response_id=response_id))
        return response_id

    def simulate_error(self, session: VoiceSession, message: str, code: str = "mock_error") -> None:
        self.emit(session, RealtimeEvent(RealtimeEventType.ERROR, code=code, message=message))

    def simulate_disconnect(self, session: VoiceSession, message: str = "connection lost") -> None:
        """The model connection drops: the session is told, and forgotten until resumed."""
        emit = self._emits.pop(session.id, None)
        if emit is not None:
            emit(RealtimeEvent(RealtimeEventType.DISCONNECTED, message=message))

    def tool_results(self) -> list[str]:
        return [c.args["result"] for c in self.calls if c.method == "send_tool_result"]

    def drop_connections(self) -> None:
        """Every model connection drops at once (a server restart)."""
        for session_id in list(self._emits):
            emit = self._emits.pop(session_id)
            emit(RealtimeEvent(RealtimeEventType.DISCONNECTED, message="server restarted"))

    def received_audio(self) -> bytes:
        return b"".join(bytes(a) for a in self.audio.values())

    def texts(self, session: VoiceSession) -> list[str]:
        return [
            c.args["text"]
            for c in self.calls
            if c.method == "send_text" and c.session_id == session.id
        ]


class MockRealtimeTransport(RealtimeAudioTransport):
    """The caller's side: ``simulate_audio_received`` speaks, ``sent_audio`` and ``messages``
    hold what the caller got, ``interruptions`` counts barge-ins."""

    name = "mock"

    def __init__(self, sample_rate: int = 16000) -> None:
        self.sample_rate = sample_rate
        self.sessions: dict[str, VoiceSession] = {}
        self.sent_audio: list[tuple[VoiceSession, AudioFrame]] = []
        self.messages: list[tuple[VoiceSession, dict[str, Any]]] = []
        self.interruptions: list[str] = []
        self.closed = False
        self._audio_callbacks: list[AudioCallback] = []
        self._lost_callbacks: list[SessionCallback] = []

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
            sample_rate=self.sample_rate,
            metadata=dict(metadata or {}),
        )
        self.sessions[session.id] = session
        return session

    async def disconnect(self, session: VoiceSession) -> None:
        self.sessions.pop(session.id, None)

    def on_audio_received(self, callback: AudioCallback) -> None:
        self._audio_callbacks.append(callback)

    def on_session_lost(self, callback: SessionCallback) -> None:
        self._lost_callbacks.append(callback)

    async def send_audio(self, session: VoiceSession, frame: AudioFrame) -> None:
        self.sent_audio.append((session, frame))

    async def cancel_audio(self, session: VoiceSession) -> bool:
        self.interruptions.append(session.id)
        return True

    async def send_message(self, session: VoiceSession, message: dict[str, Any]) -> None:
        self.messages.append((session, message))

    async def close(self) -> None:
        self.closed = True

    # test helpers ------------------------------------------------------------------------
    def simulate_audio_received(
        self, session: VoiceSession | None, audio: AudioFrame | bytes
    ) -> None:
        if session is None:
            if len(self.sessions) != 1:
                raise LookupError(f"{len(self.sessions)} open sessions: name the session")
            session = next(iter(self.sessions.values()))
        frame = audio if isinstance(audio, AudioFrame) else AudioFrame(audio, self.sample_rate)
        for callback in self._audio_callbacks:
            callback(session, frame)

    def simulate_disconnect(self, session: VoiceSession) -> None:
        """The caller hangs up."""
        self.sessions.pop(session.id, None)
        ended = session.model_copy(update={"state": VoiceSessionState.ENDED})
        for callback in self._lost_callbacks:
            callback(ended)

    def audio_sent_to(self, session: VoiceSession) -> bytes:
        return b"".join(bytes(f.data) for s, f in self.sent_audio if s.id == session.id)


@hookimpl
def roomkit_register_realtime_voice_providers(register: Register) -> None:
    register(
        name="mock",
        factory=lambda _settings: MockRealtimeProvider(),
        description="scripted speech-to-speech model for tests",
    )


@hookimpl
def roomkit_register_realtime_transports(register: Register) -> None:
    register(
        name="mock",
        factory=lambda _settings: MockRealtimeTransport(),
        description="in-memory caller transport for tests",
    )
