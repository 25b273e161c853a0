"""Interruption: what caller speech does to the agent's playback."""

from roomkit.application.voice.interruption import InterruptionHandler
from roomkit.domain.voice import InterruptionConfig, InterruptionStrategy

__all__ = ["InterruptionConfig", "InterruptionHandler", "InterruptionStrategy"]
