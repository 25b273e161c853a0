"""Speech-to-text: the port."""

from roomkit.domain.voice import TranscriptionResult
from roomkit.ports.voice import STTProvider

__all__ = ["STTProvider", "TranscriptionResult"]
