"""Realtime voice sessions of a kit: join a caller to a speech-to-speech channel, and leave."""

from __future__ import annotations

import asyncio
from typing import Any

from roomkit.application.realtime_voice.channel import RealtimeVoiceChannel
from roomkit.application.realtime_voice.session import (
    Process,
    ProcessEvent,
    RealtimeSessionRunner,
)
from roomkit.application.runtime import Runtime
from roomkit.domain.base import new_id
from roomkit.domain.errors import ChannelNotFoundError, RoomKitError, VoiceNotConfiguredError
from roomkit.domain.voice import VoiceSession


class RealtimeConnectError(RoomKitError):
    """The speech-to-speech model could not be reached when a caller joined."""


class RealtimeVoiceSessions:
    def __init__(self, runtime: Runtime, process: Process, process_event: ProcessEvent) -> None:
        self._rt = runtime
        self._process = process
        self._process_event = process_event
        self._endings: set[asyncio.Task[None]] = set()

    def channel(self, channel_id: str) -> RealtimeVoiceChannel:
        channel = self._rt.channel(channel_id)
        if not isinstance(channel, RealtimeVoiceChannel):
            raise VoiceNotConfiguredError(
                f"channel {channel_id!r} is a {type(channel).__name__}, not a RealtimeVoiceChannel"
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
        channel = self.channel(channel_id)
        transport = channel.require_transport()
        await rt.require_room(room_id)
        if await rt.store.get_binding(room_id, channel_id) is None:
            raise ChannelNotFoundError(channel_id, room_id)
        session = await transport.connect(
            room_id, participant_id or new_id(), channel_id, metadata=metadata
        )
        runner = RealtimeSessionRunner(
            rt,
            channel,
            session,
            transport=transport,
            process=self._process,
            process_event=self._process_event,
            on_lost=self._lost,
        )
        channel.add_runner(runner)
        channel.listen(lambda s: self._lost(s, "lost"))
        try:
            await runner.start()
        except Exception as exc:
            channel.remove_runner(session.id)
            await transport.disconnect(session)
            raise RealtimeConnectError(
                f"could not connect {type(channel.provider).__name__} for a session in room "
                f"{room_id!r}: {type(exc).__name__}: {exc}"
            ) from exc
        await rt.events.emit(
            "voice_session_started",
            room_id=room_id,
            session_id=session.id,
            channel_id=channel_id,
            participant_id=session.participant_id,
            realtime=True,
        )
        return session

    async def leave(self, session: VoiceSession, *, reason: str = "left") -> None:
        channel = self.channel(session.channel_id)
        runner = channel.remove_runner(session.id)
        if runner is None:
            return  # already ended
        await runner.stop()
        if reason != "lost":
            await channel.require_transport().disconnect(session)
        await self._rt.events.emit(
            "voice_session_ended",
            room_id=session.room_id,
            session_id=session.id,
            channel_id=session.channel_id,
            participant_id=session.participant_id,
            reason=reason,
            frames_dropped=runner.stats.frames_dropped,
            realtime=True,
        )

    def _lost(self, session: VoiceSession, reason: str) -> None:
        task = asyncio.get_running_loop().create_task(self.leave(session, reason=reason))
        self._endings.add(task)
        task.add_done_callback(self._endings.discard)
