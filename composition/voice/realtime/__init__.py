"""Realtime (speech-to-speech) voice: the ports, the channel and the mocks."""

from roomkit.application.realtime_voice.channel import RealtimeVoiceChannel
from roomkit.application.realtime_voice.sessions import RealtimeConnectError
from roomkit.domain.realtime_voice import (
    RealtimeEvent,
    RealtimeEventType,
    RealtimeHistoryItem,
    RealtimeSessionConfig,
    RealtimeVADConfig,
)
from roomkit.ports.realtime_voice import (
    RealtimeAudioTransport,
    RealtimeEmit,
    RealtimeVoiceProvider,
)

__all__ = [
    "RealtimeAudioTransport",
    "RealtimeConnectError",
    "RealtimeEmit",
    "RealtimeEvent",
    "RealtimeEventType",
    "RealtimeHistoryItem",
    "RealtimeSessionConfig",
    "RealtimeVADConfig",
    "RealtimeVoiceChannel",
    "RealtimeVoiceProvider",
]
