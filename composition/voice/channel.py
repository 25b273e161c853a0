"""VoiceChannel."""

from roomkit.application.voice.channel import VoiceChannel

__all__ = ["VoiceChannel"]
