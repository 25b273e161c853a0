"""STTProvider: speech to text."""

from __future__ import annotations

from abc import ABC, abstractmethod

from roomkit.domain.voice import AudioFrame, TranscriptionResult


class STTProvider(ABC):
    name: str = "stt"

    @abstractmethod
    async def transcribe(self, audio: AudioFrame) -> TranscriptionResult:
        """Transcribe one utterance (mono 16-bit PCM)."""

    async def close(self) -> None:
        """Release connections."""
