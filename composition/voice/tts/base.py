"""Text-to-speech: the port."""

from roomkit.ports.voice import TTSProvider

__all__ = ["TTSProvider"]
