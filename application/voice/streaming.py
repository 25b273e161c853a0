"""StreamedUtterance: one utterance sent to a streaming STT provider while it is spoken.

The frame task only appends to a queue (``feed``, ``end``: no awaiting on the hot path); a task
of its own carries the audio to the provider, so by the time the speaker stops most of the
audio is transcribed and the transcript follows the last frame by one round trip.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from roomkit.domain.voice import AudioFrame, TranscriptionResult
from roomkit.ports.voice import STTProvider

Spawn = Callable[[Coroutine[Any, Any, TranscriptionResult]], "asyncio.Task[TranscriptionResult]"]


class StreamedUtterance:
    def __init__(self, stt: STTProvider, sample_rate: int, spawn: Spawn) -> None:
        self._stt = stt
        self.sample_rate = sample_rate
        self._frames: asyncio.Queue[AudioFrame | None] = asyncio.Queue()
        self.task = spawn(self._transcribe())

    def feed(self, frame: AudioFrame) -> None:
        self._frames.put_nowait(frame)

    def end(self) -> None:
        """The speaker stopped: the provider flushes its last words and the stream ends."""
        self._frames.put_nowait(None)

    def abandon(self) -> None:
        self.task.cancel()

    async def result(self) -> TranscriptionResult:
        return await self.task

    async def _source(self) -> AsyncIterator[AudioFrame]:
        while (frame := await self._frames.get()) is not None:
            yield frame

    async def _transcribe(self) -> TranscriptionResult:
        segments: list[str] = []
        last: TranscriptionResult | None = None
        stream = self._stt.transcribe_stream(self._source(), sample_rate=self.sample_rate)
        async for result in stream:
            if not result.is_final or result.metadata.get("event") == "utterance":
                continue
            last = result
            if result.text.strip():
                segments.append(result.text.strip())
        return TranscriptionResult(
            text=" ".join(segments),
            is_final=True,
            confidence=last.confidence if last is not None else None,
            language=last.language if last is not None else None,
            metadata={"streamed": True},
        )


__all__ = ["StreamedUtterance"]
