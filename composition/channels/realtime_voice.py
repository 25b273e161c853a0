"""Speech-to-speech channels."""

from roomkit.application.ai.tools import ToolHandler
from roomkit.application.realtime_voice.channel import RealtimeVoiceChannel

__all__ = ["RealtimeVoiceChannel", "ToolHandler"]
