"""RealtimeVoiceChannel: an intelligence channel whose model listens and speaks itself.

Caller audio goes from a transport straight to a speech-to-speech model and the model's audio
straight back; no STT or TTS in between. Both sides' transcripts enter the room as messages,
so hooks, storage and the room's text channels see the call like any conversation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from roomkit.application.ai.tools import ToolHandler, ToolSpec, to_ai_tool
from roomkit.domain.channel import ChannelBinding, ChannelCapabilities
from roomkit.domain.content import TextContent
from roomkit.domain.context import RoomContext
from roomkit.domain.delivery import ChannelOutput
from roomkit.domain.enums import (
    ChannelCategory,
    ChannelDirection,
    ChannelMediaType,
    ChannelType,
    EventType,
)
from roomkit.domain.errors import VoiceBackendNotConfiguredError, VoiceNotConfiguredError
from roomkit.domain.event import RoomEvent
from roomkit.domain.realtime_voice import (
    RealtimeHistoryItem,
    RealtimeSessionConfig,
    RealtimeVADConfig,
    Role,
)
from roomkit.domain.voice import AudioFrame, VoiceSession
from roomkit.ports.channel import Channel
from roomkit.ports.realtime_voice import RealtimeVoiceProvider
from roomkit.ports.voice import Resampler, VoiceBackend

if TYPE_CHECKING:
    from roomkit.application.realtime_voice.session import RealtimeSessionRunner

__all__ = ["RealtimeVoiceChannel", "ToolHandler"]


class RealtimeVoiceChannel(Channel):
    """``RealtimeVoiceChannel("realtime-voice", provider=..., transport=..., system_prompt=...)``.

    ``tools`` (JSON-schema dicts, ``AITool`` or ``Tool``) are offered to the model and run with
    ``tool_handler``; a tool that raises or takes longer than ``tool_timeout`` seconds answers
    the model with an error. ``vad_config`` (``threshold``, ``silence_duration_ms``,
    ``prefix_padding_ms``) tunes the provider's own turn detection. A dropped model connection
    is resumed up to ``max_resume_attempts`` times, re-seeded with the room's last
    ``history_limit`` messages. ``resampler`` (a ``Resampler`` stage, e.g. the numpy
    ``LinearResamplerProvider``) converts between the transport's and the model's rates, one
    stream per session and direction; without one a pure-Python linear converter is used.
    """

    channel_type = ChannelType.REALTIME_VOICE
    category = ChannelCategory.INTELLIGENCE
    direction = ChannelDirection.BIDIRECTIONAL

    def __init__(
        self,
        channel_id: str,
        *,
        provider: RealtimeVoiceProvider,
        transport: VoiceBackend | None = None,
        system_prompt: str | None = None,
        voice: str | None = None,
        temperature: float | None = None,
        tools: Sequence[ToolSpec] | None = None,
        tool_handler: ToolHandler | None = None,
        tool_timeout: float = 30.0,
        vad_config: Mapping[str, Any] | RealtimeVADConfig | None = None,
        provider_config: Mapping[str, Any] | None = None,
        history_limit: int = 20,
        max_resume_attempts: int = 3,
        queue_size: int = 50,
        resampler: Resampler | None = None,
    ) -> None:
        super().__init__(channel_id)
        if not isinstance(provider, RealtimeVoiceProvider):
            raise TypeError(
                f"provider must be a RealtimeVoiceProvider, not {type(provider).__name__}"
            )
        if tool_timeout <= 0:
            raise ValueError("tool_timeout must be positive")
        if queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        self.provider = provider
        self.transport = transport
        self.system_prompt = system_prompt
        self.voice = voice
        self.temperature = temperature
        self.tools: list[ToolSpec] = list(tools or [])
        self._tool_definitions = [to_ai_tool(t) for t in self.tools]  # bad specs fail here
        self.tool_handler = tool_handler
        self.tool_timeout = tool_timeout
        self.vad_config = (
            vad_config
            if isinstance(vad_config, RealtimeVADConfig) or vad_config is None
            else RealtimeVADConfig.model_validate(dict(vad_config))
        )
        self.provider_config = dict(provider_config or {})
        self.history_limit = history_limit
        self.max_resume_attempts = max_resume_attempts
        self.queue_size = queue_size
        if resampler is not None and not isinstance(resampler, Resampler):
            raise TypeError(f"resampler must be a Resampler, not {type(resampler).__name__}")
        self.resampler = resampler
        self.runners: dict[str, RealtimeSessionRunner] = {}
        self._listening = False
        self._on_lost: Callable[[VoiceSession], None] | None = None

    def capabilities(self) -> ChannelCapabilities:
        return ChannelCapabilities(media_types=[ChannelMediaType.TEXT, ChannelMediaType.AUDIO])

    def session_config(
        self, history: list[RealtimeHistoryItem] | None = None
    ) -> RealtimeSessionConfig:
        return RealtimeSessionConfig(
            system_prompt=self.system_prompt,
            voice=self.voice,
            temperature=self.temperature,
            tools=self._tool_definitions,
            vad=self.vad_config,
            history=history or [],
            provider_config=self.provider_config,
        )

    # sessions ----------------------------------------------------------------------------
    def require_transport(self) -> VoiceBackend:
        if self.transport is None:
            raise VoiceBackendNotConfiguredError(
                f"RealtimeVoiceChannel {self.channel_id!r} has no transport: pass "
                "transport=... (WebSocketRealtimeTransport, MockRealtimeTransport, ...)"
            )
        return self.transport

    def listen(self, on_lost: Callable[[VoiceSession], None]) -> None:
        """Subscribe to the transport's audio (once)."""
        self._on_lost = on_lost
        if self._listening:
            return
        transport = self.require_transport()
        transport.on_audio_received(self._route)
        transport.on_session_lost(self._lost)
        self._listening = True

    def add_runner(self, runner: RealtimeSessionRunner) -> None:
        self.runners[runner.session.id] = runner

    def remove_runner(self, session_id: str) -> RealtimeSessionRunner | None:
        return self.runners.pop(session_id, None)

    def runner(self, session: VoiceSession | str) -> RealtimeSessionRunner | None:
        return self.runners.get(session if isinstance(session, str) else session.id)

    def sessions(self, room_id: str | None = None) -> list[VoiceSession]:
        return [
            r.session
            for r in self.runners.values()
            if room_id is None or r.session.room_id == room_id
        ]

    def _route(self, session: VoiceSession, frame: AudioFrame) -> None:
        runner = self.runners.get(session.id)
        if runner is not None:
            runner.offer(frame)

    def _lost(self, session: VoiceSession) -> None:
        if session.id in self.runners and self._on_lost is not None:
            self._on_lost(session)

    def _live(self, session: VoiceSession) -> RealtimeSessionRunner:
        runner = self.runners.get(session.id)
        if runner is None:
            raise VoiceNotConfiguredError(
                f"realtime session {session.id!r} is not active on channel {self.channel_id!r}"
            )
        return runner

    # what the channel offers -------------------------------------------------------------
    async def inject_text(
        self, session: VoiceSession, text: str, *, role: Role = "assistant", respond: bool = False
    ) -> None:
        """Put ``text`` into the live conversation. As ``assistant`` (the default) it stands as
        something the model said; as ``user`` with ``respond=True`` the model answers it. The
        text is stored in the room and ON_REALTIME_TEXT_INJECTED fires."""
        if not text.strip():
            raise ValueError("nothing to inject: the text is empty")
        if role not in ("user", "assistant"):
            raise ValueError(f"role must be 'user' or 'assistant', not {role!r}")
        await self._live(session).inject(text, role, respond)

    async def interrupt(self, session: VoiceSession) -> None:
        """Cut the model's current answer (a client-side barge-in)."""
        runner = self._live(session)
        await self.provider.cancel_response(session)
        await runner._barge_in("interrupt")

    # the room ----------------------------------------------------------------------------
    async def on_event(
        self, event: RoomEvent, binding: ChannelBinding, context: RoomContext
    ) -> ChannelOutput:
        """Text typed in another channel of the room is said to the model, which answers."""
        if binding.muted or event.type is not EventType.MESSAGE:
            return ChannelOutput.empty()
        if event.source.direction is not ChannelDirection.INBOUND:
            return ChannelOutput.empty()
        if not isinstance(event.content, TextContent) or not event.content.body.strip():
            return ChannelOutput.empty()
        for runner in list(self.runners.values()):
            if runner.session.room_id == event.room_id:
                await self.provider.send_text(runner.session, event.content.body, respond=True)
        return ChannelOutput.empty()

    async def close(self) -> None:
        for runner in list(self.runners.values()):
            await runner.stop()
        self.runners.clear()
        if self.transport is not None:
            await self.transport.close()
