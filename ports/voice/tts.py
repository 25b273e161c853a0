"""TTSProvider: text to speech, streamed as PCM frames so playback starts before synthesis ends."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator

from roomkit.domain.voice import AudioFrame


class TTSProvider(ABC):
    name: str = "tts"

    @abstractmethod
    def synthesize_stream(
        self, text: str, *, voice: str | None = None
    ) -> AsyncIterator[AudioFrame]:
        """Yield the speech for ``text`` as consecutive frames (mono 16-bit PCM)."""

    async def synthesize(self, text: str, *, voice: str | None = None) -> AudioFrame:
        """The whole utterance as one frame."""
        parts: list[bytes] = []
        first: AudioFrame | None = None
        async for frame in self.synthesize_stream(text, voice=voice):
            first = first or frame
            parts.append(bytes(frame.data))
        if first is None:
            return AudioFrame(b"")
        return AudioFrame(b"".join(parts), first.sample_rate, first.channels, first.sample_width)

    async def close(self) -> None:
        """Release connections."""
