"""STTProvider: speech to text."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterable, AsyncIterator

from roomkit.domain.voice import AudioFrame, TranscriptionResult


class STTProvider(ABC):
    name: str = "stt"
    #: True when ``transcribe_stream`` is implemented: a voice channel then streams each
    #: utterance while it is spoken, so its transcript is ready right when the speaker stops
    supports_streaming: bool = False

    @abstractmethod
    async def transcribe(self, audio: AudioFrame) -> TranscriptionResult:
        """Transcribe one utterance (mono 16-bit PCM)."""

    def transcribe_stream(
        self, frames: AsyncIterable[AudioFrame], *, sample_rate: int = 16000
    ) -> AsyncIterator[TranscriptionResult]:
        """Transcribe audio as it arrives; the results end once ``frames`` ends and the last
        words are out.

        Results with ``is_final`` are settled segments, in order (their text joined is the
        transcript); others are interim guesses. A result whose ``metadata["event"]`` is
        ``"utterance"`` repeats the segments before it, joined, and is not a segment itself.
        """
        raise NotImplementedError(
            f"{type(self).__name__} does not stream (its supports_streaming is False)"
        )

    async def close(self) -> None:
        """Release connections."""
