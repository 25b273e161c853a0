"""AudioFrame: one chunk of PCM audio."""

from roomkit.domain.voice import AudioFormatError, AudioFrame

__all__ = ["AudioFormatError", "AudioFrame"]
