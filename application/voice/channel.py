"""VoiceChannel: a transport channel whose users speak. Replies broadcast to it are spoken to
the room's voice sessions; what callers say enters the room through the inbound pipeline."""

from __future__ import annotations

from collections.abc import Callable

from roomkit.application.voice.interruption import InterruptionHandler
from roomkit.application.voice.session import SessionRunner
from roomkit.domain.channel import ChannelBinding, ChannelCapabilities
from roomkit.domain.content import TextContent
from roomkit.domain.context import RoomContext
from roomkit.domain.delivery import ChannelOutput
from roomkit.domain.enums import ChannelCategory, ChannelDirection, ChannelMediaType, ChannelType
from roomkit.domain.errors import VoiceBackendNotConfiguredError
from roomkit.domain.event import RoomEvent
from roomkit.domain.voice import (
    DTMF_DIGITS,
    AudioFrame,
    DTMFEvent,
    InterruptionConfig,
    VoiceSession,
)
from roomkit.ports.channel import Channel
from roomkit.ports.voice import AudioPipelineConfig, STTProvider, TTSProvider, VoiceBackend

MIN_DTMF_MS, MAX_DTMF_MS = 40, 2000


class VoiceChannel(Channel):
    """``VoiceChannel("voice", stt=..., tts=..., backend=..., pipeline=AudioPipelineConfig(...))``.

    ``interruption`` decides what caller speech does to the agent's playback (CONFIRMED after
    300 ms of speech by default). ``queue_size`` bounds each session's frame queue.
    """

    channel_type = ChannelType.VOICE
    category = ChannelCategory.TRANSPORT
    direction = ChannelDirection.BIDIRECTIONAL

    def __init__(
        self,
        channel_id: str,
        *,
        stt: STTProvider | None = None,
        tts: TTSProvider | None = None,
        backend: VoiceBackend | None = None,
        pipeline: AudioPipelineConfig | None = None,
        interruption: InterruptionConfig | None = None,
        bridge: bool = False,
        voice: str | None = None,
        queue_size: int = 50,
    ) -> None:
        super().__init__(channel_id)
        if queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        self.stt = stt
        self.tts = tts
        self.backend = backend
        self.pipeline = pipeline or AudioPipelineConfig()
        self.interruption = interruption or InterruptionConfig()
        InterruptionHandler(  # fail at construction, not at the first call
            self.interruption,
            has_backchannel_detector=self.pipeline.backchannel_detector is not None,
        )
        self.bridge = bridge
        self.voice = voice
        self.queue_size = queue_size
        self.runners: dict[str, SessionRunner] = {}
        self.unrouted_frames = 0
        self._listening = False
        self._on_lost: Callable[[VoiceSession], None] | None = None

    def capabilities(self) -> ChannelCapabilities:
        return ChannelCapabilities(media_types=[ChannelMediaType.TEXT])

    # sessions ----------------------------------------------------------------------------
    def require_backend(self) -> VoiceBackend:
        if self.backend is None:
            raise VoiceBackendNotConfiguredError(
                f"VoiceChannel {self.channel_id!r} has no backend: pass backend=..."
            )
        return self.backend

    def listen(self, on_lost: Callable[[VoiceSession], None]) -> None:
        """Subscribe to the backend's audio (once)."""
        self._on_lost = on_lost
        if self._listening:
            return
        backend = self.require_backend()
        backend.on_audio_received(self._route)
        backend.on_session_lost(self._lost)
        backend.on_dtmf_received(self._dtmf)
        self._listening = True

    def add_runner(self, runner: SessionRunner) -> None:
        self.runners[runner.session.id] = runner

    def remove_runner(self, session_id: str) -> SessionRunner | None:
        return self.runners.pop(session_id, None)

    def sessions(self, room_id: str | None = None) -> list[VoiceSession]:
        return [
            r.session
            for r in self.runners.values()
            if room_id is None or r.session.room_id == room_id
        ]

    def runner(self, session: VoiceSession | str) -> SessionRunner | None:
        return self.runners.get(session if isinstance(session, str) else session.id)

    def _route(self, session: VoiceSession, frame: AudioFrame) -> None:
        runner = self.runners.get(session.id)
        if runner is None:
            self.unrouted_frames += 1
            return
        runner.offer(frame)

    def _dtmf(self, session: VoiceSession, event: DTMFEvent) -> None:
        runner = self.runners.get(session.id)
        if runner is not None:
            runner.signal_dtmf(event)

    def _lost(self, session: VoiceSession) -> None:
        if session.id in self.runners and self._on_lost is not None:
            self._on_lost(session)

    # replies -----------------------------------------------------------------------------
    async def deliver(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        source = event.source
        if source.channel_id == self.channel_id and source.direction is ChannelDirection.INBOUND:
            return ChannelOutput.empty()  # a caller's own transcript
        if not isinstance(event.content, TextContent):
            return ChannelOutput.empty()
        for runner in list(self.runners.values()):
            if runner.session.room_id == event.room_id:
                runner.say(event)
        return ChannelOutput.empty()

    async def send_dtmf(self, session: VoiceSession, digit: str, duration_ms: int = 160) -> None:
        """Play a keypad tone to the participant of ``session``."""
        if len(digit) != 1 or digit not in DTMF_DIGITS:
            raise ValueError(f"{digit!r} is not a DTMF digit; use one of {DTMF_DIGITS}")
        if not MIN_DTMF_MS <= duration_ms <= MAX_DTMF_MS:
            raise ValueError(
                f"DTMF duration {duration_ms} ms is outside {MIN_DTMF_MS}-{MAX_DTMF_MS} ms"
            )
        await self.require_backend().send_dtmf(session, digit, duration_ms)

    async def close(self) -> None:
        for runner in list(self.runners.values()):
            await runner.stop()
        self.runners.clear()
        if self.backend is not None:
            await self.backend.close()
