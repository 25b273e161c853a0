"""Calls: ``kit.join``/``kit.leave`` for both kinds of voice channel, chosen by the channel."""

from __future__ import annotations

from typing import Any

from roomkit.application.realtime_voice.channel import RealtimeVoiceChannel
from roomkit.application.realtime_voice.sessions import RealtimeVoiceSessions
from roomkit.application.runtime import Runtime
from roomkit.application.voice.sessions import VoiceSessions
from roomkit.domain.voice import VoiceSession


class Calls:
    def __init__(
        self, runtime: Runtime, voice: VoiceSessions, realtime: RealtimeVoiceSessions
    ) -> None:
        self._rt = runtime
        self.voice = voice
        self.realtime = realtime

    def _is_realtime(self, channel_id: str) -> bool:
        return isinstance(self._rt.channels.get(channel_id), RealtimeVoiceChannel)

    async def join(
        self,
        room_id: str,
        channel_id: str,
        participant_id: str | None = None,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> VoiceSession:
        sessions = self.realtime if self._is_realtime(channel_id) else self.voice
        return await sessions.join(room_id, channel_id, participant_id, metadata=metadata)

    async def leave(self, session: VoiceSession) -> None:
        if self._is_realtime(session.channel_id):
            await self.realtime.leave(session)
        else:
            await self.voice.leave(session)
