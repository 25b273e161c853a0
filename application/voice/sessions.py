"""Voice sessions of a kit: join, leave, greet, and the one-shot transcribe and synthesize."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from roomkit.application.runtime import Runtime
from roomkit.application.voice.channel import VoiceChannel
from roomkit.application.voice.pipeline.engine import AudioPipeline
from roomkit.application.voice.session import SessionRunner
from roomkit.domain.base import new_id
from roomkit.domain.content import TextContent
from roomkit.domain.enums import ChannelDirection, HookTrigger
from roomkit.domain.errors import (
    ChannelNotFoundError,
    NotAvailableError,
    VoiceNotConfiguredError,
)
from roomkit.domain.event import EventSource, RoomEvent
from roomkit.domain.inbound import InboundMessage, InboundResult
from roomkit.domain.voice import (
    AudioFrame,
    RecordingConfig,
    TranscriptionResult,
    VoiceSession,
)
from roomkit.ports.voice import RecordingHandle, STTProvider, TTSProvider

Process = Callable[[InboundMessage, str | None], Awaitable[InboundResult]]


class VoiceSessions:
    def __init__(self, runtime: Runtime, process: Process) -> None:
        self._rt = runtime
        self._process = process
        self._recordings: dict[str, RecordingHandle] = {}
        self._endings: set[asyncio.Task[None]] = set()

    def voice_channel(self, channel_id: str) -> VoiceChannel:
        channel = self._rt.channel(channel_id)
        if not isinstance(channel, VoiceChannel):
            raise VoiceNotConfiguredError(
                f"channel {channel_id!r} is a {type(channel).__name__}, not a VoiceChannel"
            )
        return channel

    async def join(
        self,
        room_id: str,
        channel_id: str,
        participant_id: str | None = None,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> VoiceSession:
        rt = self._rt
        channel = self.voice_channel(channel_id)
        backend = channel.require_backend()
        await rt.require_room(room_id)
        if await rt.store.get_binding(room_id, channel_id) is None:
            raise ChannelNotFoundError(channel_id, room_id)
        if channel.bridge:
            raise NotAvailableError(
                "VoiceChannel(bridge=True)", "audio bridging between sessions is not built yet"
            )
        session = await backend.connect(
            room_id, participant_id or new_id(), channel_id, metadata=metadata
        )
        config = channel.pipeline
        recording = None
        if config.recorder is not None:
            recording = config.recorder.start(
                session.id, config.recording_config or RecordingConfig()
            )
            self._recordings[session.id] = recording
        runner = SessionRunner(
            rt,
            session,
            backend=backend,
            stt=channel.stt,
            tts=channel.tts,
            config=config,
            pipeline=AudioPipeline(
                config,
                capabilities=backend.capabilities,
                backend_rate=session.sample_rate,
                recording=recording,
            ),
            interruption=channel.interruption,
            submit=self._submit,
            queue_size=channel.queue_size,
            voice=channel.voice,
        )
        channel.add_runner(runner)
        channel.listen(self._lost)
        runner.start()
        if recording is not None:
            await runner.signals.fire(
                HookTrigger.ON_RECORDING_STARTED, {"recording_id": recording.id}
            )
        await rt.events.emit(
            "voice_session_started",
            room_id=room_id,
            session_id=session.id,
            channel_id=channel_id,
            participant_id=session.participant_id,
        )
        return session

    async def leave(self, session: VoiceSession, *, reason: str = "left") -> None:
        channel = self.voice_channel(session.channel_id)
        runner = channel.remove_runner(session.id)
        if runner is None:
            return  # already ended
        await runner.stop()
        recording = self._recordings.pop(session.id, None)
        config = channel.pipeline
        if recording is not None and config.recorder is not None:
            result = config.recorder.stop(recording)
            await runner.signals.fire(
                HookTrigger.ON_RECORDING_STOPPED,
                {"recording_id": result.id, "path": result.path, "duration_ms": result.duration_ms},
            )
        if reason != "lost":
            await channel.require_backend().disconnect(session)
        await self._rt.events.emit(
            "voice_session_ended",
            room_id=session.room_id,
            session_id=session.id,
            channel_id=session.channel_id,
            participant_id=session.participant_id,
            reason=reason,
            frames_dropped=runner.stats.frames_dropped,
        )

    async def end_all(self) -> None:
        """Leave every open session (the kit is closing)."""
        for channel in list(self._rt.channels.values()):
            if isinstance(channel, VoiceChannel):
                for session in channel.sessions():
                    await self.leave(session, reason="closed")
        if self._endings:
            await asyncio.wait(set(self._endings))

    def _lost(self, session: VoiceSession) -> None:
        task = asyncio.get_running_loop().create_task(self.leave(session, reason="lost"))
        self._endings.add(task)
        task.add_done_callback(self._endings.discard)

    async def greet(self, session: VoiceSession, text: str) -> RoomEvent:
        """Speak ``text`` to one session (through BEFORE_TTS like any reply)."""
        channel = self.voice_channel(session.channel_id)
        runner = channel.runner(session)
        if runner is None:
            raise VoiceNotConfiguredError(f"voice session {session.id!r} has ended")
        event = RoomEvent(
            room_id=session.room_id,
            source=EventSource(
                channel_id=session.channel_id,
                channel_type=channel.channel_type,
                direction=ChannelDirection.OUTBOUND,
            ),
            content=TextContent(body=text),
            metadata={"voice_greeting": True, "session_id": session.id},
        )
        runner.say(event)
        return event

    async def _submit(self, session: VoiceSession, text: str, result: TranscriptionResult) -> None:
        outcome = await self._process(
            InboundMessage(
                channel_id=session.channel_id,
                sender_id=session.participant_id,
                content=TextContent(body=text),
                metadata={
                    "voice": {
                        "session_id": session.id,
                        "confidence": result.confidence,
                        "language": result.language,
                    }
                },
            ),
            session.room_id,
        )
        if outcome.blocked:
            runner = self.voice_channel(session.channel_id).runner(session)
            if runner is not None:
                runner.signals.failures.append(f"transcript blocked: {outcome.reason}")


async def transcribe(stt: STTProvider | None, audio: AudioFrame | bytes) -> TranscriptionResult:
    if stt is None:
        raise VoiceNotConfiguredError("no STT provider: pass RoomKit(stt=...)")
    frame = audio if isinstance(audio, AudioFrame) else AudioFrame(bytes(audio))
    return await stt.transcribe(frame)


async def synthesize(tts: TTSProvider | None, text: str, voice: str | None = None) -> AudioFrame:
    if tts is None:
        raise VoiceNotConfiguredError("no TTS provider: pass RoomKit(tts=...)")
    if not text.strip():
        raise ValueError("nothing to synthesize: the text is empty")
    return await tts.synthesize(text, voice=voice)
