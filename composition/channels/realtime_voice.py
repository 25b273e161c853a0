"""Speech-to-speech channels (the realtime voice subsystem, not built yet)."""

from collections.abc import Awaitable, Callable
from typing import Any

from roomkit.unavailable import placeholder

RealtimeVoiceChannel = placeholder("RealtimeVoiceChannel", "realtime voice")
ToolHandler = Callable[[str, dict[str, Any]], Awaitable[Any]]

__all__ = ["RealtimeVoiceChannel", "ToolHandler"]
